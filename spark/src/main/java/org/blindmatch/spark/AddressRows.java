package org.blindmatch.spark;

import java.util.Iterator;
import java.util.Queue;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.blindmatch.crypto.ip.IpAddress;
import org.blindmatch.crypto.ip.IpPrefix;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.time.BucketRange;

/**
 * oprf mode, first stage: accepted rows leave the task as address rows ({@link #schema}), one
 * per tier: the address masked to the tier's prefix, the tier, the bucket range and the
 * handle. The keyholder stage ({@link AddressPartition}) groups them by (prefix length, masked
 * address), asks for each distinct pair's OPRF output once and derives the tokens. Mapping
 * rows travel in the same schema with {@code id} set and no address. No token, key or OPRF
 * output is in these rows; the masked address is the owner's own input. Not thread-safe.
 */
final class AddressRows implements AcceptedRows {
  private final Scope scope;
  private final Queue<Row> out;

  AddressRows(Scope scope, Queue<Row> out) {
    this.scope = scope;
    this.out = out;
  }

  /**
   * handle (16 bytes), id (mapping rows only), bits (prefix length), masked (4 or 16 bytes),
   * tier, first and last bucket (equal for a report event).
   */
  static StructType schema() {
    return new StructType()
        .add("handle", DataTypes.BinaryType, false)
        .add("id", DataTypes.StringType, true)
        .add("bits", DataTypes.IntegerType, true)
        .add("masked", DataTypes.BinaryType, true)
        .add("tier", DataTypes.IntegerType, true)
        .add("first", DataTypes.LongType, true)
        .add("last", DataTypes.LongType, true);
  }

  @Override
  public void event(IpAddress address, long epochSecond, byte[] handle) {
    byte[] h = handle.clone();
    for (int t = 0; t < scope.tiers().size(); t++) {
      int bits = scope.tier(t).prefixFor(address.family());
      long bucket = scope.tier(t).bucketWidth().bucketOf(epochSecond);
      out.add(RowFactory.create(h, null, bits, address.mask(bits).toBytes(), t, bucket,
          bucket));
    }
  }

  @Override
  public void watchlistRow(IpPrefix prefix, BucketRange[] ranges, byte[] handle) {
    byte[] h = handle.clone();
    for (int t = 0; t < scope.tiers().size(); t++) {
      if (ranges[t] == null) {
        continue;
      }
      int bits = scope.tier(t).prefixFor(prefix.family());
      for (Iterator<IpAddress> it = prefix.addressesAt(bits); it.hasNext(); ) {
        out.add(RowFactory.create(h, null, bits, it.next().toBytes(), t, ranges[t].first(),
            ranges[t].last()));
      }
    }
  }

  @Override
  public Row mapping(byte[] handle, String id) {
    return RowFactory.create(handle.clone(), id, null, null, null, null, null);
  }

  @Override
  public void flush() {}
}
