package org.blindmatch.client.tokenize;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.blindmatch.crypto.ip.IpAddress;
import org.blindmatch.crypto.token.OprfTokenEncoding;

/**
 * OPRF outputs of masked addresses, asked for in batches and kept in a bounded LRU cache.
 * Callers {@link #want} the outputs they need, receiving a {@link Slot} each, and call
 * {@link #resolve} before reading the slots; an address is asked for at most once while its
 * output stays cached. {@link #resolve} evaluates up to {@code requestsInFlight} batches
 * concurrently. Memory is bounded by the cache size plus the pending addresses. Not
 * thread-safe (one caller thread; close it when done); a resolved slot may be read from any
 * thread.
 */
final class OprfOutputs implements AutoCloseable {
  /** Where an address's output appears once resolved. */
  static final class Slot {
    private volatile byte[] output;

    /** The 32-byte OPRF output; only after {@link OprfOutputs#resolve}. */
    byte[] output() {
      byte[] o = output;
      if (o == null) {
        throw new IllegalStateException("slot read before resolve()");
      }
      return o;
    }
  }

  private record AddressKey(int prefixLength, IpAddress masked) {}

  private final byte[] scopeDigest;
  private final OprfEvaluator evaluator;
  private final int batchSize;
  private final int requestsInFlight;
  private final ExecutorService requests;
  private final Map<AddressKey, Slot> cache;
  private final Map<AddressKey, Slot> pending = new LinkedHashMap<>();
  private long evaluated;
  private long lookups;

  OprfOutputs(byte[] scopeDigest, TokenKeying.Oprf keying) {
    this.scopeDigest = scopeDigest.clone();
    this.evaluator = keying.evaluator();
    this.batchSize = keying.batchSize();
    this.requestsInFlight = keying.requestsInFlight();
    this.requests = Executors.newFixedThreadPool(requestsInFlight, r -> {
      Thread t = new Thread(r, "blindmatch-oprf-request");
      t.setDaemon(true);
      return t;
    });
    int cacheEntries = keying.cacheEntries();
    this.cache = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<AddressKey, Slot> eldest) {
        return size() > cacheEntries;
      }
    };
  }

  /** The slot of {@code masked} (already masked to {@code prefixLength} bits). */
  Slot want(int prefixLength, IpAddress masked) {
    lookups++;
    AddressKey key = new AddressKey(prefixLength, masked);
    Slot s = cache.get(key);
    if (s == null) {
      s = pending.computeIfAbsent(key, k -> new Slot());
    }
    return s;
  }

  /** Distinct addresses waiting for {@link #resolve}. */
  int pendingCount() {
    return pending.size();
  }

  /** Whether enough addresses wait to fill every concurrent request. */
  boolean batchReady() {
    return pending.size() >= (long) batchSize * requestsInFlight;
  }

  /**
   * Evaluates every pending address, in concurrent requests of at most the batch size, and
   * caches the outputs.
   *
   * @throws IOException if an evaluation fails (see {@link OprfEvaluator#evaluate})
   */
  void resolve() throws IOException {
    int n = pending.size();
    if (n == 0) {
      return;
    }
    // Enough requests to keep every thread busy, none over the batch size.
    int size = Math.min(batchSize, (n + requestsInFlight - 1) / requestsInFlight);
    List<List<Map.Entry<AddressKey, Slot>>> chunks = new ArrayList<>();
    List<Map.Entry<AddressKey, Slot>> chunk = new ArrayList<>(size);
    for (Map.Entry<AddressKey, Slot> e : pending.entrySet()) {
      chunk.add(e);
      if (chunk.size() == size) {
        chunks.add(chunk);
        chunk = new ArrayList<>(size);
      }
    }
    if (!chunk.isEmpty()) {
      chunks.add(chunk);
    }
    List<Future<List<byte[]>>> answers = new ArrayList<>(chunks.size());
    for (List<Map.Entry<AddressKey, Slot>> c : chunks) {
      answers.add(requests.submit(() -> evaluate(c)));
    }
    try {
      for (int k = 0; k < chunks.size(); k++) {
        List<Map.Entry<AddressKey, Slot>> c = chunks.get(k);
        List<byte[]> outputs = answers.get(k).get();
        for (int i = 0; i < c.size(); i++) {
          c.get(i).getValue().output = outputs.get(i);
          cache.put(c.get(i).getKey(), c.get(i).getValue());
        }
        evaluated += c.size();
      }
    } catch (InterruptedException e) {
      answers.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while evaluating addresses", e);
    } catch (ExecutionException e) {
      answers.forEach(f -> f.cancel(true));
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IllegalStateException("OPRF evaluation failed", e.getCause());
    }
    pending.clear();
  }

  private List<byte[]> evaluate(List<Map.Entry<AddressKey, Slot>> chunk) throws IOException {
    List<byte[]> inputs = new ArrayList<>(chunk.size());
    for (Map.Entry<AddressKey, Slot> e : chunk) {
      inputs.add(OprfTokenEncoding.address(scopeDigest, e.getKey().prefixLength(),
          e.getKey().masked()));
    }
    List<byte[]> outputs = evaluator.evaluate(inputs);
    if (outputs.size() != inputs.size()) {
      throw new IllegalStateException("evaluator returned " + outputs.size() + " outputs for "
          + inputs.size() + " inputs");
    }
    return outputs;
  }

  @Override
  public void close() {
    requests.shutdownNow();
  }

  /** Distinct addresses evaluated so far (each costs one evaluation per keyholder asked). */
  long evaluated() {
    return evaluated;
  }

  /** Outputs asked for so far, cached or not. */
  long lookups() {
    return lookups;
  }
}
