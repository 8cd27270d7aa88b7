package org.blindmatch.client.tokenize;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.token.HmacTokenDeriver;
import org.blindmatch.crypto.tokenfile.TokenFileWriter;
import org.blindmatch.crypto.tokenfile.TokenRecord;

/**
 * Derives the token records of event batches on worker threads and writes them in submission
 * order. At most {@code 2 × threads + 1} batches are in flight, so memory stays bounded
 * whatever the input size. Used from one thread.
 */
final class TokenPipeline implements AutoCloseable {
  private final HmacTokenDeriver deriver;
  private final ExecutorService workers;
  private final ArrayDeque<Future<Records>> inFlight = new ArrayDeque<>();
  private final int maxInFlight;
  private TokenFileWriter out;

  private record Records(byte[] bytes, int count) {}

  TokenPipeline(HmacTokenDeriver deriver, int threads) {
    this.deriver = deriver;
    this.maxInFlight = 2 * threads + 1;
    this.workers = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "blindmatch-tokenize");
      t.setDaemon(true);
      return t;
    });
  }

  void writeTo(TokenFileWriter writer) {
    this.out = writer;
  }

  /** Queues a batch; writes finished batches in order while too many are in flight. */
  void submit(EventBatch batch) throws IOException {
    if (batch.size == 0) {
      return;
    }
    inFlight.add(workers.submit(() -> derive(batch)));
    while (inFlight.size() >= maxInFlight) {
      writeOldest();
    }
  }

  /** Writes every queued batch. */
  void drain() throws IOException {
    while (!inFlight.isEmpty()) {
      writeOldest();
    }
  }

  private void writeOldest() throws IOException {
    Records r;
    try {
      r = inFlight.poll().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("token derivation failed", e.getCause());
    }
    out.write(r.bytes(), 0, r.count());
  }

  private Records derive(EventBatch batch) {
    Scope scope = deriver.scope();
    int tiers = scope.tiers().size();
    byte[] records = new byte[batch.size * tiers * TokenRecord.LENGTH];
    byte[] scratch = new byte[32];
    int off = 0;
    for (int i = 0; i < batch.size; i++) {
      off += ReportRow.records(deriver, batch.addresses[i], batch.epochSeconds[i],
          batch.handles, i * HandleDeriver.LENGTH, scratch, records, off);
    }
    return new Records(records, batch.size * tiers);
  }

  @Override
  public void close() {
    workers.shutdownNow();
  }
}
