package org.blindmatch.crypto.time;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Objects;

/**
 * Turns a watchlist time window into the range of buckets a report event must fall in to match.
 *
 * <p><b>Rule.</b> With bucket width {@code w} and tolerance {@code δ}, the window {@code [s, e]}
 * (UTC epoch seconds, inclusive) covers the buckets {@code floor((s − δ) / w)} … {@code floor((e +
 * δ) / w)} inclusive.
 *
 * <p><b>Consequence.</b> A report event at time {@code t}, in bucket {@code floor(t / w)}, matches
 * the window iff {@code floor((s − δ) / w) ≤ floor(t / w) ≤ floor((e + δ) / w)}: that is, iff
 * {@code t} lies in {@code [s − δ, e + δ]} up to bucket granularity. Every {@code t} in {@code [s −
 * δ, e + δ]} matches; a {@code t} outside it matches only if it shares a bucket with some point of
 * {@code [s − δ, e + δ]}, so it is at most {@code w − 1} seconds outside; a {@code t} in a bucket
 * entirely outside {@code [s − δ, e + δ]} never matches.
 *
 * <p>With {@link BucketWidth#NONE} there is no time component: every window is the single bucket
 * range {@code [0, 0]}, and the tolerance is not applied.
 *
 * <p><b>Errors.</b> {@link #expand} throws a {@link WindowException} of kind
 *
 * <ul>
 *   <li>{@link WindowException.Kind#REVERSED} if {@code s > e} (for every width, NONE included);
 *   <li>{@link WindowException.Kind#OVERFLOW} if {@code s − δ} or {@code e + δ} is outside the
 *       range of a {@code long} (the window is never silently wrapped or clamped);
 *   <li>{@link WindowException.Kind#TOO_MANY_BUCKETS} if the window covers more than {@code
 *       maxBuckets} buckets; exactly {@code maxBuckets} is allowed.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class WindowExpander {

  private static final BucketRange ADDRESS_ONLY = new BucketRange(0, 0);

  private final BucketWidth width;
  private final long toleranceSeconds;
  private final int maxBuckets;

  /**
   * @param width the bucket width {@code w} of the tier; not null
   * @param toleranceSeconds the tolerance {@code δ} added on both sides of every window; ≥ 0
   * @param maxBuckets the most buckets one window may cover; ≥ 1
   * @throws NullPointerException if {@code width} is null
   * @throws IllegalArgumentException if {@code toleranceSeconds < 0} or {@code maxBuckets < 1}
   */
  public WindowExpander(BucketWidth width, long toleranceSeconds, int maxBuckets) {
    this.width = Objects.requireNonNull(width, "width");
    if (toleranceSeconds < 0) {
      throw new IllegalArgumentException("tolerance " + toleranceSeconds + " s is negative");
    }
    if (maxBuckets < 1) {
      throw new IllegalArgumentException("max buckets per window " + maxBuckets + " is below 1");
    }
    this.toleranceSeconds = toleranceSeconds;
    this.maxBuckets = maxBuckets;
  }

  /** Returns the bucket width {@code w}. */
  public BucketWidth width() {
    return width;
  }

  /** Returns the tolerance {@code δ} in seconds. */
  public long toleranceSeconds() {
    return toleranceSeconds;
  }

  /** Returns the most buckets one window may cover. */
  public int maxBuckets() {
    return maxBuckets;
  }

  /**
   * Returns the buckets covered by the window {@code [startEpochSecond, endEpochSecond]}, by the
   * rule in the class description.
   *
   * @param startEpochSecond the window start {@code s}, UTC epoch seconds, inclusive
   * @param endEpochSecond the window end {@code e}, UTC epoch seconds, inclusive
   * @return the covered buckets; {@code [0, 0]} for {@link BucketWidth#NONE}
   * @throws WindowException if the window is reversed, overflows, or covers more than {@link
   *     #maxBuckets()} buckets; see the class description
   */
  public BucketRange expand(long startEpochSecond, long endEpochSecond) throws WindowException {
    if (startEpochSecond > endEpochSecond) {
      throw new WindowException(
          WindowException.Kind.REVERSED,
          "window end "
              + describe(endEpochSecond)
              + " is before its start "
              + describe(startEpochSecond));
    }
    if (width.isNone()) {
      return ADDRESS_ONLY;
    }
    final long low;
    final long high;
    try {
      low = Math.subtractExact(startEpochSecond, toleranceSeconds);
      high = Math.addExact(endEpochSecond, toleranceSeconds);
    } catch (ArithmeticException e) {
      throw new WindowException(
          WindowException.Kind.OVERFLOW,
          "window ["
              + startEpochSecond
              + ", "
              + endEpochSecond
              + "] widened by the tolerance of "
              + toleranceSeconds
              + " s leaves the 64-bit epoch-second range");
    }
    final long first = width.bucketOf(low);
    final long last = width.bucketOf(high);
    // first <= last, so the wrapped difference is exact when read as unsigned.
    if (Long.compareUnsigned(last - first, maxBuckets - 1L) > 0) {
      final BigInteger count =
          BigInteger.valueOf(last).subtract(BigInteger.valueOf(first)).add(BigInteger.ONE);
      throw new WindowException(
          WindowException.Kind.TOO_MANY_BUCKETS,
          "window expands to "
              + count
              + " buckets at width "
              + width.seconds()
              + " s, over the cap of "
              + maxBuckets
              + "; split the window or raise max_buckets_per_window in the scope");
    }
    return new BucketRange(first, last);
  }

  @Override
  public String toString() {
    return "WindowExpander[width="
        + width.seconds()
        + " s, tolerance="
        + toleranceSeconds
        + " s, maxBuckets="
        + maxBuckets
        + "]";
  }

  /** Epoch second with its ISO rendering where {@link Instant} can represent it. */
  private static String describe(long epochSecond) {
    if (epochSecond < Instant.MIN.getEpochSecond() || epochSecond > Instant.MAX.getEpochSecond()) {
      return Long.toString(epochSecond);
    }
    return epochSecond + " (" + Instant.ofEpochSecond(epochSecond) + ")";
  }
}
