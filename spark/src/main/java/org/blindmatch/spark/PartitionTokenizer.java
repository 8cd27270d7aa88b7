package org.blindmatch.spark;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.util.TaskCompletionListener;
import org.apache.spark.sql.Row;
import org.blindmatch.client.tokenize.HandleDeriver;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.token.HmacTokenDeriver;
import org.blindmatch.crypto.tokenfile.TokenFileHeader;
import org.blindmatch.crypto.tokenfile.TokenFileWriter;

/**
 * Canonicalises one partition with the CLI's row code: rows in ({@code id, ip, time columns…,
 * missing, file}: the role's columns as strings, whether the row lacks a required field, the
 * input file); out, one part token file and, if any row was skipped, one rejects file
 * {@code part-NNNNN.csv} (each written locally, then published by {@link PartFiles}, so a
 * retried task replaces it whole), and a lazy stream of output rows. hmac mode
 * ({@link HmacRows}): the part {@code part-NNNNN.bmt} holds the tokens, the output rows are the
 * mapping. oprf mode ({@link AddressRows}): the part {@code input-NNNNN.bmt} holds only the
 * row counts, the output rows are mapping and address rows for the keyholder stage. Memory
 * stays bounded whatever the partition size.
 */
abstract class PartitionTokenizer implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  /** Header of the rejects part files ({@code id} is record_id or label). */
  static String rejectsHeader(String idName) {
    return "file," + idName + ",field,reason,detail,policy\n";
  }

  final PartSettings settings;
  private final ReasonCounts counts;
  private final TokenFileHeader.Role role;

  PartitionTokenizer(PartSettings settings, ReasonCounts counts, TokenFileHeader.Role role) {
    this.settings = settings;
    this.counts = counts;
    this.role = role;
  }

  /** Per-task state of a subclass: handles one input row. */
  interface RowHandler {
    void row(Row in, Sink out) throws IOException;
  }

  /** Where a row handler puts its results. */
  final class Sink {
    final ArrayDeque<Row> pending = new ArrayDeque<>();
    /** Where accepted rows go (tokens in hmac mode, address rows in oprf mode). */
    AcceptedRows accepted;
    final java.nio.file.Path rejectsFile;
    private java.io.Writer rejects;
    long skipped;

    Sink(java.nio.file.Path rejectsFile) {
      this.rejectsFile = rejectsFile;
    }

    void mapping(byte[] handle, String id) {
      pending.add(accepted.mapping(handle, id));
    }

    /** Records a skipped row; in strict mode a malformed row fails the task. */
    void skip(Row in, String id, String field, String reason, String detail, boolean policy) {
      String file = in.getString(in.length() - 1);
      if (!policy && settings.strict()) {
        throw new StrictFailure(file + ": " + field + ": " + detail);
      }
      skipped++;
      counts.add(reason);
      try {
        if (rejects == null) {
          rejects = Files.newBufferedWriter(rejectsFile, StandardCharsets.UTF_8);
          rejects.write(rejectsHeader(settings.idName()));
        }
        rejects.write(csv(file) + "," + csv(id) + "," + csv(field) + "," + csv(reason) + ","
            + csv(detail) + "," + policy + "\n");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /**
     * A row one tier skipped while another kept it; in strict mode it fails the task, as
     * {@code blindmatch tokenize --strict} stops there. Not a rejected row: its tokens exist.
     */
    void tierSkip(Row in, String tier, org.blindmatch.client.tokenize.RowSkip skip) {
      if (settings.strict()) {
        throw new StrictFailure(in.getString(in.length() - 1) + ": " + skip.field() + ": "
            + skip.detail() + "; skipped from tier " + tier + " only");
      }
    }

    /** Closes the rejects file; true if it holds any row. */
    boolean closeRejects() throws IOException {
      if (rejects == null) {
        return false;
      }
      rejects.close();
      return true;
    }
  }

  /** A handler for one task: rows of {@code scope}, handles from {@code handles}. */
  abstract RowHandler handler(Scope scope, HandleDeriver handles);

  @SuppressWarnings("deprecation") // the per-run key crosses to executors in Tink's format
  HandleDeriver handles() {
    try {
      return new HandleDeriver(role, TinkProtoKeysetFormat.parseKeyset(settings.handleKey(),
          InsecureSecretKeyAccess.get()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the run's handle key", e);
    }
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) throws IOException {
    if (!input.hasNext()) {
      return java.util.Collections.emptyIterator();
    }
    boolean oprf = settings.oprfEpoch() != null;
    HmacTokenDeriver deriver = oprf ? null : settings.keys().deriver();
    Scope scope = oprf ? settings.keys().scopeOrFail() : deriver.scope();
    java.nio.file.Path local = Files.createTempFile("blindmatch-part-", ".bmt");
    java.nio.file.Path localRejects = Files.createTempFile("blindmatch-rejects-", ".csv");
    // oprf mode: this part holds no record, only the counts of the rows this task read.
    TokenFileWriter writer = TokenFileWriter.create(local, true, role,
        oprf ? TokenFileHeader.KeyMode.OPRF : TokenFileHeader.KeyMode.HMAC, scope.digest(),
        oprf ? settings.oprfEpoch() : deriver.keyId(), PartFiles.tierNumbers(scope));
    // A killed or failed task leaves no local part behind.
    TaskContext.get().addTaskCompletionListener((TaskCompletionListener) ctx -> {
      try {
        writer.close();
        Files.deleteIfExists(local);
        Files.deleteIfExists(localRejects);
      } catch (IOException ignored) {
        // temporary directory: best effort
      }
    });
    Sink sink = new Sink(localRejects);
    sink.accepted = oprf ? new AddressRows(scope, sink.pending) : new HmacRows(deriver, writer);
    RowHandler handler = handler(scope, handles());
    return new Iterator<>() {
      private long rows;
      private boolean finished;

      @Override
      public boolean hasNext() {
        try {
          while (sink.pending.isEmpty() && !finished) {
            if (input.hasNext()) {
              rows++;
              handler.row(input.next(), sink);
            } else {
              finish();
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
          closeQuietly();
          throw e;
        }
        return !sink.pending.isEmpty();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return sink.pending.poll();
      }

      private void finish() throws IOException {
        finished = true;
        sink.accepted.flush();
        writer.finish(rows, sink.skipped);
        String prefix = oprf ? PartFiles.INPUT_PREFIX : PartFiles.PART_PREFIX;
        PartFiles.publish(local, settings.tokensDir(), prefix, "bmt", settings.hadoopConf());
        if (sink.closeRejects()) {
          PartFiles.publish(localRejects, settings.rejectsDir(), PartFiles.PART_PREFIX, "csv",
              settings.hadoopConf());
        }
      }

      private void closeQuietly() {
        finished = true;
        try {
          writer.close();
          sink.closeRejects();
          Files.deleteIfExists(local);
          Files.deleteIfExists(localRejects);
        } catch (IOException ignored) {
          // the task fails anyway
        }
      }
    };
  }

  /** A CSV field per RFC 4180 (quoted when needed); null as empty. */
  static String csv(String v) {
    if (v == null) {
      return "";
    }
    if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) {
      return v;
    }
    return "\"" + v.replace("\"", "\"\"") + "\"";
  }

  /** Column {@code i} as text; null (a missing value in Parquet or JSON) reads as empty. */
  static String text(Row in, int i) {
    return in.isNullAt(i) ? "" : in.getString(i);
  }

  /** Whether the row lacks a required field (the CLI's {@code missing_field}). */
  static boolean missing(Row in) {
    return in.getBoolean(in.length() - 2);
  }

}
