package org.blindmatch.client.tokenize;

import org.blindmatch.crypto.ip.IpAddress;

/** A batch of accepted report events on their way to token derivation. Not thread-safe. */
final class EventBatch {
  static final int CAPACITY = 4096;

  final IpAddress[] addresses = new IpAddress[CAPACITY];
  final long[] epochSeconds = new long[CAPACITY];
  final byte[] handles = new byte[CAPACITY * HandleDeriver.LENGTH];
  int size;
  /**
   * oprf mode: the OPRF output of event {@code i} in tier {@code t} at
   * {@code [i * tiers + t]}, set when the batch's addresses are resolved; null in hmac mode.
   */
  byte[][] oprfOutputs;

  void add(IpAddress address, long epochSecond, byte[] handle) {
    addresses[size] = address;
    epochSeconds[size] = epochSecond;
    System.arraycopy(handle, 0, handles, size * HandleDeriver.LENGTH, HandleDeriver.LENGTH);
    size++;
  }

  boolean isFull() {
    return size == CAPACITY;
  }
}
