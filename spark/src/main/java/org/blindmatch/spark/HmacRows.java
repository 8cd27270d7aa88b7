package org.blindmatch.spark;

import java.io.IOException;
import java.util.HexFormat;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.blindmatch.client.tokenize.ReportRow;
import org.blindmatch.client.tokenize.WatchlistRow;
import org.blindmatch.crypto.ip.IpAddress;
import org.blindmatch.crypto.ip.IpPrefix;
import org.blindmatch.crypto.time.BucketRange;
import org.blindmatch.crypto.token.HmacTokenDeriver;
import org.blindmatch.crypto.tokenfile.TokenFileWriter;
import org.blindmatch.crypto.tokenfile.TokenRecord;

/**
 * hmac mode: accepted rows become token records in the task's part file, derived with the
 * token key exactly as {@code blindmatch tokenize} does ({@link ReportRow#records},
 * {@link WatchlistRow#expand}); the task's output rows are the mapping
 * ({@link #schema}). Not thread-safe.
 */
final class HmacRows implements AcceptedRows {
  private static final int BATCH = 4096;
  private static final HexFormat HEX = HexFormat.of();

  private final HmacTokenDeriver deriver;
  private final TokenFileWriter out;
  private final byte[] records;
  private final byte[] scratch = new byte[32];
  private int used;

  HmacRows(HmacTokenDeriver deriver, TokenFileWriter out) {
    this.deriver = deriver;
    this.out = out;
    this.records = new byte[BATCH * deriver.scope().tiers().size() * TokenRecord.LENGTH];
  }

  /** The task's output rows: handle (hex), id (record id or label). */
  static StructType schema(String idName) {
    return new StructType().add("handle", DataTypes.StringType, false)
        .add(idName, DataTypes.StringType, false);
  }

  @Override
  public void event(IpAddress address, long epochSecond, byte[] handle) throws IOException {
    used += ReportRow.records(deriver, address, epochSecond, handle, 0, scratch, records, used);
    if (used == records.length) {
      flush();
    }
  }

  @Override
  public void watchlistRow(IpPrefix prefix, BucketRange[] ranges, byte[] handle)
      throws IOException {
    WatchlistRow.expand(deriver, prefix, ranges, handle, out::write);
  }

  @Override
  public Row mapping(byte[] handle, String id) {
    return RowFactory.create(HEX.formatHex(handle), id);
  }

  @Override
  public void flush() throws IOException {
    if (used > 0) {
      out.write(records, 0, used / TokenRecord.LENGTH);
      used = 0;
    }
  }
}
