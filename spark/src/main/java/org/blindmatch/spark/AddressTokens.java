package org.blindmatch.spark;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * group is evaluated once, in requests of up to {@code batch} addresses, with up to
 * {@code inFlight} requests outstanding (each on its own thread, so blinding, the keyholders'
 * work and verification overlap); the rows waiting for a request's outputs are then tokenised
 * ({@link OprfTokenMac}, as {@code blindmatch tokenize} does) and the outputs dropped, except
 * the last one so the rest of its group streams through without waiting. Memory is bounded by
 * {@code inFlight} requests of {@code batch} addresses and {@link #MAX_WAITING} rows each,
 * whatever the group sizes (a hot address costs one evaluation and no buffering). Rows that
 * are not grouped still get the right tokens, only with repeated evaluations. OPRF outputs
 * never leave this object. Used from one thread; close it when done.
 */
final class AddressTokens implements AutoCloseable {
  /** Most rows waiting for one request's outputs. */
  static final int MAX_WAITING = 1 << 16;
  private static final int RECORDS = 4096;

  /** The keyholders: outputs of inputs, in order. Called from several threads at once. */
  @FunctionalInterface
  interface Evaluator {
    List<byte[]> evaluate(List<byte[]> inputs) throws IOException;
  }

  /** One request: its distinct addresses and the rows waiting for their outputs. */
  private static final class Batch {
    final List<byte[]> inputs = new ArrayList<>();
    int lastBits = -1;
    byte[] lastMasked;
    int rows;
    int[] slot = new int[64];
    int[] tier = new int[64];
    long[] first = new long[64];
    long[] last = new long[64];
    byte[] handles = new byte[64 * HandleDeriver.LENGTH];
    Future<List<byte[]>> answer;

    boolean isLast(int bits, byte[] masked) {
      return bits == lastBits && Arrays.equals(masked, lastMasked);
    }

    void wait(int t, long f, long l, byte[] handle) {
      if (rows == slot.length) {
        int n = Math.min(MAX_WAITING, rows * 2);
        slot = Arrays.copyOf(slot, n);
        tier = Arrays.copyOf(tier, n);
        first = Arrays.copyOf(first, n);
        last = Arrays.copyOf(last, n);
        handles = Arrays.copyOf(handles, n * HandleDeriver.LENGTH);
      }
      slot[rows] = inputs.size() - 1;
      tier[rows] = t;
      first[rows] = f;
      last[rows] = l;
      System.arraycopy(handle, 0, handles, rows * HandleDeriver.LENGTH, HandleDeriver.LENGTH);
      rows++;
    }
  }

  private final byte[] scopeDigest;
  private final long[] widths;
  private final Evaluator evaluator;
  private final int batch;
  private final int inFlight;
  private final ExecutorService requests;
  private final WatchlistRow.RecordSink out;
  private final OprfTokenMac mac = new OprfTokenMac();
  private final byte[] records = new byte[RECORDS * TokenRecord.LENGTH];
  private int used;

  private final ArrayDeque<Batch> sent = new ArrayDeque<>();
  private Batch open = new Batch();
  private int resolvedBits = -1;
  private byte[] resolvedMasked;
  private byte[] resolvedOutput;
  private long evaluated;

  /**
   * @param batch addresses per request, 1..the evaluator's maximum
   * @param inFlight requests outstanding at once, at least 1
   * @param out receives the token records
   */
  AddressTokens(Scope scope, Evaluator evaluator, int batch, int inFlight,
      WatchlistRow.RecordSink out) {
    if (batch < 1 || inFlight < 1) {
      throw new IllegalArgumentException("batch and requests in flight must be at least 1");
    }
    this.scopeDigest = scope.digest();
    this.widths = new long[scope.tiers().size()];
    for (int t = 0; t < widths.length; t++) {
      widths[t] = scope.tier(t).bucketWidth().seconds();
    }
    this.evaluator = evaluator;
    this.batch = batch;
    this.inFlight = inFlight;
    this.requests = Executors.newFixedThreadPool(inFlight, r -> {
      Thread t = new Thread(r, "blindmatch-oprf-request");
      t.setDaemon(true);
      return t;
    });
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
    if (!open.isLast(bits, masked)) {
      if (open.inputs.size() == batch) {
        send();
      }
      open.inputs.add(OprfTokenEncoding.address(scopeDigest, bits, address(masked)));
      open.lastBits = bits;
      open.lastMasked = masked;
    }
    open.wait(tier, first, last, handle);
    if (open.rows == MAX_WAITING) {
      // A hot address: wait for its output, then let the rest of its rows stream through.
      send();
      while (!sent.isEmpty()) {
        complete(sent.poll());
      }
    }
  }

  /** Evaluates what waits and writes every record still held. */
  void finish() throws IOException {
    if (!open.inputs.isEmpty()) {
      send();
    }
    while (!sent.isEmpty()) {
      complete(sent.poll());
    }
    if (used > 0) {
      out.write(records, 0, used / TokenRecord.LENGTH);
      used = 0;
    }
  }

  /** Distinct addresses evaluated (each costs one evaluation at t keyholders). */
  long evaluated() {
    return evaluated;
  }

  @Override
  public void close() {
    requests.shutdownNow();
  }

  private void send() throws IOException {
    Batch b = open;
    open = new Batch();
    b.answer = requests.submit(() -> evaluator.evaluate(b.inputs));
    sent.add(b);
    while (sent.size() >= inFlight) {
      complete(sent.poll());
    }
  }

  private void complete(Batch b) throws IOException {
    List<byte[]> outputs;
    try {
      outputs = b.answer.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the keyholders", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("OPRF evaluation failed", e.getCause());
    }
    if (outputs.size() != b.inputs.size()) {
      throw new IllegalStateException("evaluator returned " + outputs.size() + " outputs for "
          + b.inputs.size() + " inputs");
    }
    for (int i = 0; i < b.rows; i++) {
      emit(outputs.get(b.slot[i]), b.tier[i], b.first[i], b.last[i], b.handles,
          i * HandleDeriver.LENGTH);
    }
    if (resolvedOutput != null) {
      Arrays.fill(resolvedOutput, (byte) 0);
    }
    int last = outputs.size() - 1;
    for (int i = 0; i < last; i++) {
      Arrays.fill(outputs.get(i), (byte) 0);
    }
    resolvedBits = b.lastBits;
    resolvedMasked = b.lastMasked;
    resolvedOutput = outputs.get(last);
    evaluated += b.inputs.size();
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
