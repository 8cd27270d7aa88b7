package org.blindmatch.client.tokenize;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.blindmatch.crypto.ip.IpAddress;
import org.blindmatch.crypto.ip.IpPrefix;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.time.BucketRange;
import org.blindmatch.crypto.token.HmacTokenDeriver;
import org.blindmatch.crypto.tokenfile.TokenFileWriter;
import org.blindmatch.crypto.tokenfile.TokenRecord;

/**
 * Where a watchlist's rows, once checked, become token records, in the order they are
 * added: per tier, every masked address of the row's CIDR times every bucket of its range
 * ({@link WatchlistRow#expand}). Not thread-safe.
 */
sealed interface WatchlistTokens extends AutoCloseable
    permits WatchlistTokens.Hmac, WatchlistTokens.Oprf {
  /** A row: its CIDR, its bucket range per tier (null: the tier skips it) and its label's handle. */
  void addRow(IpPrefix prefix, BucketRange[] ranges, byte[] handle) throws IOException;

  /** Writes everything still held. */
  void finish() throws IOException;

  /** Distinct addresses evaluated through keyholders, or -1 in hmac mode. */
  long oprfEvaluations();

  /** Releases threads; what was not finished is dropped. */
  @Override
  default void close() {}

  /** hmac mode: tokens are written as they are added. */
  final class Hmac implements WatchlistTokens {
    private final HmacTokenDeriver deriver;
    private final TokenFileWriter out;

    Hmac(HmacTokenDeriver deriver, TokenFileWriter out) {
      this.deriver = deriver;
      this.out = out;
    }

    @Override
    public void addRow(IpPrefix prefix, BucketRange[] ranges, byte[] handle)
        throws IOException {
      WatchlistRow.expand(deriver, prefix, ranges, handle, out::write);
    }

    @Override
    public void finish() {}

    @Override
    public long oprfEvaluations() {
      return -1;
    }
  }

  /**
   * oprf mode: entries wait until their distinct addresses fill a keyholder request (or
   * {@link #MAX_WAITING} entries wait), are resolved together, then written in order.
   */
  final class Oprf implements WatchlistTokens {
    static final int MAX_WAITING = 1 << 18;

    private record Entry(int tier, OprfOutputs.Slot slot, BucketRange range, byte[] handle) {}

    private final Scope scope;
    private final OprfOutputs outputs;
    private final TokenFileWriter out;
    private final List<Entry> waiting = new ArrayList<>();
    private final OprfTokenMac mac = new OprfTokenMac();
    private final byte[] record = new byte[TokenRecord.LENGTH];

    Oprf(Scope scope, OprfOutputs outputs, TokenFileWriter out) {
      this.scope = scope;
      this.outputs = outputs;
      this.out = out;
    }

    @Override
    public void addRow(IpPrefix prefix, BucketRange[] ranges, byte[] handle)
        throws IOException {
      for (int t = 0; t < scope.tiers().size(); t++) {
        if (ranges[t] == null) {
          continue;
        }
        int bits = scope.tier(t).prefixFor(prefix.family());
        for (Iterator<IpAddress> it = prefix.addressesAt(bits); it.hasNext(); ) {
          waiting.add(new Entry(t, outputs.want(bits, it.next()), ranges[t], handle));
        }
      }
      if (outputs.batchReady() || waiting.size() >= MAX_WAITING) {
        flush();
      }
    }

    @Override
    public void finish() throws IOException {
      flush();
    }

    private void flush() throws IOException {
      outputs.resolve();
      for (Entry e : waiting) {
        System.arraycopy(e.handle(), 0, record, TokenRecord.HANDLE_OFFSET,
            HandleDeriver.LENGTH);
        record[TokenRecord.TIER_OFFSET] = (byte) e.tier();
        long width = scope.tier(e.tier()).bucketWidth().seconds();
        byte[] s = e.slot().output();
        for (long b = e.range().first(); b <= e.range().last(); b++) {
          mac.token(s, e.tier(), width, b, record, TokenRecord.TOKEN_OFFSET);
          out.write(record, 0, 1);
        }
      }
      waiting.clear();
    }

    @Override
    public long oprfEvaluations() {
      return outputs.evaluated();
    }

    @Override
    public void close() {
      outputs.close();
    }
  }
}
