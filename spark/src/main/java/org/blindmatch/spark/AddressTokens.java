package org.blindmatch.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.blindmatch.client.tokenize.HandleDeriver;
import org.blindmatch.client.tokenize.OprfTokenMac;
import org.blindmatch.client.tokenize.WatchlistRow;
import org.blindmatch.crypto.ip.IpAddress;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.token.OprfTokenEncoding;
import org.blindmatch.crypto.tokenfile.TokenRecord;

/**
 * oprf mode, keyholder stage, for one task: turns address rows (see {@link AddressRows}),
 * grouped by (prefix length, masked address), into token records. Each distinct address of a
 * group is evaluated once, in requests of up to {@code batch} addresses; the rows waiting
 * for their outputs are then tokenised ({@link OprfTokenMac}, as {@code blindmatch tokenize}
 * does) and the outputs dropped, except the last one so the rest of its group streams
 * through without waiting. Memory is bounded by the batch and {@link #MAX_WAITING} rows,
 * whatever the group sizes (a hot address costs one evaluation and no buffering). Rows that
 * are not grouped still get the right tokens, only with repeated evaluations. OPRF outputs
 * never leave this object. Not thread-safe.
 */
final class AddressTokens {
  /** Most rows waiting for their outputs. */
  static final int MAX_WAITING = 1 << 16;
  private static final int RECORDS = 4096;

  /** The keyholders: outputs of inputs, in order. */
  @FunctionalInterface
  interface Evaluator {
    List<byte[]> evaluate(List<byte[]> inputs) throws IOException;
  }

  private final byte[] scopeDigest;
  private final long[] widths;
  private final Evaluator evaluator;
  private final int batch;
  private final WatchlistRow.RecordSink out;
  private final OprfTokenMac mac = new OprfTokenMac();
  private final byte[] records = new byte[RECORDS * TokenRecord.LENGTH];
  private int used;

  private final List<byte[]> inputs = new ArrayList<>();
  private int pendingBits = -1;
  private byte[] pendingMasked;
  private final int[] waitSlot = new int[MAX_WAITING];
  private final int[] waitTier = new int[MAX_WAITING];
  private final long[] waitFirst = new long[MAX_WAITING];
  private final long[] waitLast = new long[MAX_WAITING];
  private final byte[] waitHandle = new byte[MAX_WAITING * HandleDeriver.LENGTH];
  private int waiting;

  private int resolvedBits = -1;
  private byte[] resolvedMasked;
  private byte[] resolvedOutput;
  private long evaluated;

  /**
   * @param batch addresses per request, 1..the evaluator's maximum
   * @param out receives the token records
   */
  AddressTokens(Scope scope, Evaluator evaluator, int batch, WatchlistRow.RecordSink out) {
    this.scopeDigest = scope.digest();
    this.widths = new long[scope.tiers().size()];
    for (int t = 0; t < widths.length; t++) {
      widths[t] = scope.tier(t).bucketWidth().seconds();
    }
    this.evaluator = evaluator;
    this.batch = batch;
    this.out = out;
  }

  /**
   * One address row: tier {@code tier}'s records for buckets {@code first..last} of the
   * address {@code masked} (4 or 16 bytes, masked to {@code bits}) with {@code handle}.
   */
  void add(int bits, byte[] masked, int tier, long first, long last, byte[] handle)
      throws IOException {
    if (bits == resolvedBits && Arrays.equals(masked, resolvedMasked)) {
      emit(resolvedOutput, tier, first, last, handle, 0);
      return;
    }
    if (bits != pendingBits || !Arrays.equals(masked, pendingMasked)) {
      if (inputs.size() == batch) {
        resolve();
      }
      inputs.add(OprfTokenEncoding.address(scopeDigest, bits, address(masked)));
      pendingBits = bits;
      pendingMasked = masked;
    }
    waitSlot[waiting] = inputs.size() - 1;
    waitTier[waiting] = tier;
    waitFirst[waiting] = first;
    waitLast[waiting] = last;
    System.arraycopy(handle, 0, waitHandle, waiting * HandleDeriver.LENGTH,
        HandleDeriver.LENGTH);
    if (++waiting == MAX_WAITING) {
      resolve();
    }
  }

  /** Evaluates what waits and writes every record still held. */
  void finish() throws IOException {
    resolve();
    if (used > 0) {
      out.write(records, 0, used / TokenRecord.LENGTH);
      used = 0;
    }
  }

  /** Distinct addresses evaluated (each costs one evaluation at t keyholders). */
  long evaluated() {
    return evaluated;
  }

  private void resolve() throws IOException {
    if (inputs.isEmpty()) {
      return;
    }
    List<byte[]> outputs = evaluator.evaluate(inputs);
    if (outputs.size() != inputs.size()) {
      throw new IllegalStateException("evaluator returned " + outputs.size() + " outputs for "
          + inputs.size() + " inputs");
    }
    for (int i = 0; i < waiting; i++) {
      emit(outputs.get(waitSlot[i]), waitTier[i], waitFirst[i], waitLast[i], waitHandle,
          i * HandleDeriver.LENGTH);
    }
    if (resolvedOutput != null) {
      Arrays.fill(resolvedOutput, (byte) 0);
    }
    int last = outputs.size() - 1;
    for (int i = 0; i < last; i++) {
      Arrays.fill(outputs.get(i), (byte) 0);
    }
    resolvedBits = pendingBits;
    resolvedMasked = pendingMasked;
    resolvedOutput = outputs.get(last);
    evaluated += inputs.size();
    inputs.clear();
    pendingBits = -1;
    pendingMasked = null;
    waiting = 0;
  }

  private void emit(byte[] s, int tier, long first, long last, byte[] handle, int handleOff)
      throws IOException {
    for (long b = first; b <= last; b++) {
      mac.token(s, tier, widths[tier], b, records, used + TokenRecord.TOKEN_OFFSET);
      System.arraycopy(handle, handleOff, records, used + TokenRecord.HANDLE_OFFSET,
          HandleDeriver.LENGTH);
      records[used + TokenRecord.TIER_OFFSET] = (byte) tier;
      used += TokenRecord.LENGTH;
      if (used == records.length) {
        out.write(records, 0, RECORDS);
        used = 0;
      }
    }
  }

  /** The masked address of an address row (never re-canonicalised: it already is). */
  static IpAddress address(byte[] b) {
    if (b.length == 4) {
      return IpAddress.ofIpv4((b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8
          | (b[3] & 0xff));
    }
    if (b.length != 16) {
      throw new IllegalArgumentException("a masked address has 4 or 16 bytes, not " + b.length);
    }
    long high = 0;
    long low = 0;
    for (int i = 0; i < 8; i++) {
      high = high << 8 | (b[i] & 0xff);
      low = low << 8 | (b[8 + i] & 0xff);
    }
    return IpAddress.ofIpv6(high, low);
  }
}
