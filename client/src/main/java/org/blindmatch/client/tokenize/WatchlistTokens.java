package org.blindmatch.client.tokenize;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.blindmatch.crypto.ip.IpAddress;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.time.BucketRange;
import org.blindmatch.crypto.token.HmacTokenDeriver;
import org.blindmatch.crypto.tokenfile.TokenFileWriter;
import org.blindmatch.crypto.tokenfile.TokenRecord;

/**
 * Where a watchlist's expanded (tier, masked address, bucket range, handle) entries become
 * token records, in the order they are added. Not thread-safe.
 */
sealed interface WatchlistTokens extends AutoCloseable
    permits WatchlistTokens.Hmac, WatchlistTokens.Oprf {
  /** One masked address of a row in tier {@code tier}, for every bucket of {@code range}. */
  void add(int tier, int prefixLength, IpAddress masked, BucketRange range, byte[] handle)
      throws IOException;

  /** The current row is complete. */
  void rowDone() throws IOException;

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
    private final byte[] record = new byte[TokenRecord.LENGTH];
    private final byte[] scratch = new byte[32];

    Hmac(HmacTokenDeriver deriver, TokenFileWriter out) {
      this.deriver = deriver;
      this.out = out;
    }

    @Override
    public void add(int tier, int prefixLength, IpAddress masked, BucketRange range,
        byte[] handle) throws IOException {
      System.arraycopy(handle, 0, record, TokenRecord.HANDLE_OFFSET, HandleDeriver.LENGTH);
      record[TokenRecord.TIER_OFFSET] = (byte) tier;
      for (long b = range.first(); b <= range.last(); b++) {
        deriver.derive(tier, masked, b, scratch, record, TokenRecord.TOKEN_OFFSET);
        out.write(record, 0, 1);
      }
    }

    @Override
    public void rowDone() {}

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
    public void add(int tier, int prefixLength, IpAddress masked, BucketRange range,
        byte[] handle) {
      waiting.add(new Entry(tier, outputs.want(prefixLength, masked), range, handle));
    }

    @Override
    public void rowDone() throws IOException {
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
