package org.blindmatch.client.audit;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.blindmatch.crypto.merkle.StreamingMerkleRoot;
import org.blindmatch.proto.v1.RunTranscript;

/**
 * Reads log entries from the tree's size up to a head's size, page by page, checks each with
 * {@link LogEntryChecker} in log order and hashes it into the tree. While one page is checked
 * against the audit state (one thread), the next is read, parsed and its submitter signatures
 * verified ({@link LogEntryChecker#prepare}, all cores), so reading, verification and the
 * checks overlap. {@link LogAuditor} reads pages with {@code GetEntries}; the log benchmark
 * from a file. Not thread-safe: one call at a time per state.
 */
public final class LogPages {
  private LogPages() {}

  /** Where entries come from. */
  @FunctionalInterface
  public interface Source {
    /**
     * Consecutive serialized entries from {@code start} on, at least one and none at or past
     * {@code end}; runtime exceptions (a gRPC status) reach the caller of {@link #check}.
     */
    List<ByteString> read(long start, long end);
  }

  /** Receives each transcript entry once it has passed its checks, in log order. */
  @FunctionalInterface
  public interface RunSink {
    void accept(RunTranscript run, long index) throws AuditException;
  }

  /**
   * Checks entries {@code [tree.size(), end)} and adds them to {@code tree}.
   *
   * @throws AuditException naming the entry and the failed check, or the page the source got
   *     wrong (empty, or past {@code end})
   */
  public static void check(Source source, long end, LogEntryChecker checker, AuditState state,
      LogEntryChecker.Counts counts, StreamingMerkleRoot tree, RunSink runs)
      throws AuditException {
    if (tree.size() >= end) {
      return;
    }
    ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "audit-read");
      t.setDaemon(true);
      return t;
    });
    try {
      Future<Page> next = read(reader, source, tree.size(), end, checker, state);
      while (next != null) {
        Page page = await(next);
        long first = tree.size();
        if (page.entries().isEmpty()) {
          throw new AuditException("the log returned no entries at " + first + " of " + end);
        }
        if (first + page.entries().size() > end) {
          throw new AuditException("the log returned more entries than its head's " + end);
        }
        long after = first + page.entries().size();
        // Keys logged in this page are not in the snapshot the next page is prepared with;
        // apply verifies those receipts itself.
        next = after < end ? read(reader, source, after, end, checker, state) : null;
        List<Optional<RunTranscript>> checked =
            checker.apply(page.prepared(), first, state, counts);
        for (int i = 0; i < page.entries().size(); i++) {
          Optional<RunTranscript> run = checked.get(i);
          if (run.isPresent()) {
            runs.accept(run.get(), first + i);
          }
          byte[] leaf = page.entries().get(i).toByteArray();
          tree.addLeaf(leaf, 0, leaf.length);
        }
      }
    } finally {
      reader.shutdownNow();
    }
  }

  private record Page(List<ByteString> entries, LogEntryChecker.Prepared prepared) {}

  private static Future<Page> read(ExecutorService reader, Source source, long start, long end,
      LogEntryChecker checker, AuditState state) {
    Map<String, String> keys = Map.copyOf(state.signingKeys); // taken before the state moves on
    return reader.submit(() -> {
      List<ByteString> entries = source.read(start, end);
      return new Page(entries, checker.prepare(entries, keys));
    });
  }

  /** The page, or the reader's own failure rethrown as it was. */
  private static Page await(Future<Page> page) throws AuditException {
    try {
      return page.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AuditException("interrupted while reading the log");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
