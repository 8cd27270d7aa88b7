package org.blindmatch.client.tokenize;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.blindmatch.crypto.ip.IpAddress;
import org.blindmatch.crypto.token.OprfTokenEncoding;

/**
 * OPRF outputs of masked addresses, asked for in batches and kept in a bounded LRU cache.
 * Callers {@link #want} the outputs they need, receiving a {@link Slot} each, and call
 * {@link #resolve} before reading the slots; an address is asked for at most once while its
 * output stays cached. Memory is bounded by the cache size plus the pending addresses.
 * Not thread-safe; a resolved slot may be read from any thread.
 */
final class OprfOutputs {
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
  private final Map<AddressKey, Slot> cache;
  private final Map<AddressKey, Slot> pending = new LinkedHashMap<>();
  private long evaluated;
  private long lookups;

  OprfOutputs(byte[] scopeDigest, OprfEvaluator evaluator, int batchSize, int cacheEntries) {
    this.scopeDigest = scopeDigest.clone();
    this.evaluator = evaluator;
    this.batchSize = batchSize;
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

  /** Whether enough addresses wait to fill a request. */
  boolean batchReady() {
    return pending.size() >= batchSize;
  }

  /**
   * Evaluates every pending address, in requests of at most the batch size, and caches the
   * outputs.
   *
   * @throws IOException if an evaluation fails (see {@link OprfEvaluator#evaluate})
   */
  void resolve() throws IOException {
    List<Map.Entry<AddressKey, Slot>> chunk = new ArrayList<>(batchSize);
    for (Map.Entry<AddressKey, Slot> e : pending.entrySet()) {
      chunk.add(e);
      if (chunk.size() == batchSize) {
        evaluate(chunk);
        chunk.clear();
      }
    }
    if (!chunk.isEmpty()) {
      evaluate(chunk);
    }
    pending.clear();
  }

  private void evaluate(List<Map.Entry<AddressKey, Slot>> chunk) throws IOException {
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
    for (int i = 0; i < chunk.size(); i++) {
      chunk.get(i).getValue().output = outputs.get(i);
      cache.put(chunk.get(i).getKey(), chunk.get(i).getValue());
    }
    evaluated += chunk.size();
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
