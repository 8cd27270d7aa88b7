package org.blindmatch.crypto.time;

import java.util.stream.LongStream;

/**
 * An inclusive range of bucket numbers {@code first .. last}, never empty.
 *
 * <p>Immutable and thread-safe.
 *
 * @param first the lowest bucket in the range
 * @param last the highest bucket in the range; at least {@code first}
 */
public record BucketRange(long first, long last) {

  /**
   * @throws IllegalArgumentException if {@code first > last}
   */
  public BucketRange {
    if (first > last) {
      throw new IllegalArgumentException("bucket range [" + first + ", " + last + "] is reversed");
    }
  }

  /**
   * Returns the number of buckets, {@code last - first + 1}, or {@link Long#MAX_VALUE} if larger.
   */
  public long count() {
    // first <= last, so the wrapped difference is exact when read as unsigned.
    final long span = last - first;
    return span < 0 || span == Long.MAX_VALUE ? Long.MAX_VALUE : span + 1;
  }

  /** Returns whether {@code first <= bucket <= last}. */
  public boolean contains(long bucket) {
    return first <= bucket && bucket <= last;
  }

  /** Returns the buckets in ascending order, {@code first} to {@code last} inclusive. */
  public LongStream stream() {
    return LongStream.rangeClosed(first, last);
  }
}
