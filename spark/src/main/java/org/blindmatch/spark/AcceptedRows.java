package org.blindmatch.spark;

import java.io.IOException;
import org.apache.spark.sql.Row;
import org.blindmatch.crypto.ip.IpAddress;
import org.blindmatch.crypto.ip.IpPrefix;
import org.blindmatch.crypto.time.BucketRange;

/**
 * Where one task puts the rows it accepted, once canonicalised by the shared row code: in hmac
 * mode straight into the part's token file ({@link HmacRows}); in oprf mode out of the task as
 * address rows for the keyholder stage ({@link AddressRows}). Not thread-safe; one per task.
 */
interface AcceptedRows {
  /** A report event: its address, its time, its record's handle (not kept). */
  void event(IpAddress address, long epochSecond, byte[] handle) throws IOException;

  /** A watchlist row: its CIDR, its bucket range per tier (null: the tier skips it), its label's handle (not kept). */
  void watchlistRow(IpPrefix prefix, BucketRange[] ranges, byte[] handle) throws IOException;

  /** The task's output row announcing that {@code handle} stands for {@code id}. */
  Row mapping(byte[] handle, String id);

  /** Writes what is still buffered. */
  void flush() throws IOException;
}
