package org.blindmatch.crypto.time;

/**
 * The width of the time buckets of a matching tier, in seconds.
 *
 * <p>An instant {@code t} (UTC epoch seconds) falls in bucket {@code floor(t / seconds)}, so
 * buckets are aligned to 1970-01-01T00:00:00Z and instants before 1970 get negative buckets. Width
 * {@code 0} ({@link #NONE}) means the tier has no time component and matches on address only; every
 * instant is then in bucket {@code 0}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param seconds the width; from 0 to {@link #MAX_SECONDS}
 */
public record BucketWidth(long seconds) {

  /**
   * The widest bucket allowed: 100 Gregorian years (36,524.25 days). Anything wider is almost
   * surely a unit mistake (milliseconds given as seconds); for no time component use {@link #NONE}.
   */
  public static final long MAX_SECONDS = 3_155_695_200L;

  /** No time component: the tier matches on address only. */
  public static final BucketWidth NONE = new BucketWidth(0);

  /**
   * @throws IllegalArgumentException if {@code seconds} is negative or above {@link #MAX_SECONDS}
   */
  public BucketWidth {
    if (seconds < 0) {
      throw new IllegalArgumentException("bucket width " + seconds + " s is negative");
    }
    if (seconds > MAX_SECONDS) {
      throw new IllegalArgumentException(
          "bucket width "
              + seconds
              + " s is over the maximum of "
              + MAX_SECONDS
              + " s (100 years); was a width in milliseconds given as seconds?"
              + " Use 0 for no time component");
    }
  }

  /** Returns whether this is {@link #NONE}, width 0. */
  public boolean isNone() {
    return seconds == 0;
  }

  /**
   * Returns the bucket of an instant: {@code Math.floorDiv(epochSecond, seconds)}, or 0 for {@link
   * #NONE}. Defined for every {@code long}.
   */
  public long bucketOf(long epochSecond) {
    return isNone() ? 0 : Math.floorDiv(epochSecond, seconds);
  }
}
