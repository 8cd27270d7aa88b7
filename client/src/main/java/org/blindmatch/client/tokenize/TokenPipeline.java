package org.blindmatch.client.tokenize;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.blindmatch.crypto.tokenfile.TokenFileWriter;
import org.blindmatch.crypto.tokenfile.TokenRecord;

/**
 * Derives the token records of event batches on worker threads and writes them in submission
 * order. At most {@code 2 × threads + 1} batches are in flight, so memory stays bounded
 * whatever the input size. Used from one thread.
 */
final class TokenPipeline implements AutoCloseable {
  /** The token records of a batch, in event order then tier order; called on any thread. */
  interface BatchTokens {
    byte[] records(EventBatch batch);
  }

  private final BatchTokens tokens;
  private final ExecutorService workers;
  private final ArrayDeque<Future<Records>> inFlight = new ArrayDeque<>();
  private final int maxInFlight;
  private TokenFileWriter out;

  private record Records(byte[] bytes, int count) {}

  TokenPipeline(BatchTokens tokens, int threads) {
    this.tokens = tokens;
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
    byte[] records = tokens.records(batch);
    return new Records(records, records.length / TokenRecord.LENGTH);
  }

  @Override
  public void close() {
    workers.shutdownNow();
  }
}
