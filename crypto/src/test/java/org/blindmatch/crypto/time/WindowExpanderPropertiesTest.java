package org.blindmatch.crypto.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Assertions;

/**
 * Properties of {@link WindowExpander}, checked against oracles that do not reuse its formula where
 * possible: a bucket is the interval {@code [b·w, b·w + w − 1]}, and an event matches iff its
 * bucket's interval meets {@code [s − δ, e + δ]}.
 */
class WindowExpanderPropertiesTest {

  private static final int CAP = Integer.MAX_VALUE; // the cap has its own properties
  private static final long SPREAD = 10_000_000_000L; // about ±317 years around 1970

  /** A window {@code [s, e]} with tolerance δ at width w, and a probe instant t. */
  record Scenario(long w, long tolerance, long start, long end, long t) {
    long low() {
      return start - tolerance;
    }

    long high() {
      return end + tolerance;
    }

    BucketRange expand() throws WindowException {
      return new WindowExpander(new BucketWidth(w), tolerance, CAP).expand(start, end);
    }

    boolean matches(long instant) throws WindowException {
      return expand().contains(new BucketWidth(w).bucketOf(instant));
    }
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    return Arbitraries.of(1L, 7L, 60L, 3600L, 86_400L)
        .flatMap(
            w -> {
              // The widened window's low edge is placed on, just after, just before, or anywhere in
              // a bucket, so the aligned cases are common rather than a 1-in-w accident.
              Arbitrary<Long> lowBucket = Arbitraries.longs().between(-SPREAD / w, SPREAD / w);
              Arbitrary<Long> lowJitter =
                  Arbitraries.oneOf(
                      Arbitraries.just(0L),
                      Arbitraries.just(1L),
                      Arbitraries.just(w - 1),
                      Arbitraries.longs().between(0, w - 1));
              Arbitrary<Long> tolerance = Arbitraries.longs().between(0, 2 * w);
              Arbitrary<Long> widenedLength =
                  Arbitraries.oneOf(
                      Arbitraries.longs().between(0, 5 * w),
                      Arbitraries.longs().between(0, 4).map(k -> k * w - 1),
                      Arbitraries.longs().between(0, 4).map(k -> k * w));
              return Combinators.combine(lowBucket, lowJitter, tolerance, widenedLength)
                  .as(
                      (bucket, jitter, delta, length) -> {
                        long low = bucket * w + jitter;
                        long high = low + Math.max(length, 2 * delta); // room for s <= e
                        return new long[] {low, high, delta};
                      })
                  .flatMap(
                      edges -> {
                        long low = edges[0];
                        long high = edges[1];
                        long delta = edges[2];
                        Arbitrary<Long> probe =
                            Arbitraries.oneOf(
                                Arbitraries.longs().between(low - w - 1, low + w + 1),
                                Arbitraries.longs().between(high - w - 1, high + w + 1),
                                Arbitraries.longs().between(low - w - 1, high + w + 1));
                        return probe.map(t -> new Scenario(w, delta, low + delta, high - delta, t));
                      });
            });
  }

  @Property(tries = 3000)
  void matchIsBucketOverlapWithTheWidenedWindow(@ForAll("scenarios") Scenario c)
      throws WindowException {
    long w = c.w();
    boolean matches = c.matches(c.t());

    // The rule as stated.
    long bucket = Math.floorDiv(c.t(), w);
    assertEquals(
        Math.floorDiv(c.low(), w) <= bucket && bucket <= Math.floorDiv(c.high(), w),
        matches,
        c::toString);

    // Independent oracle: t's bucket, as an interval of seconds, meets [s − δ, e + δ].
    long bucketStart = c.t() - Math.floorMod(c.t(), w);
    long bucketEnd = bucketStart + w - 1;
    assertEquals(bucketStart <= c.high() && bucketEnd >= c.low(), matches, c::toString);

    if (c.low() <= c.t() && c.t() <= c.high()) {
      assertTrue(matches, () -> "inside the widened window but no match: " + c);
    }
    if (bucketEnd < c.low() || bucketStart > c.high()) {
      assertFalse(matches, () -> "bucket entirely outside but matched: " + c);
    }
  }

  @Property(tries = 3000)
  void edgesOfTheWidenedWindow(@ForAll("scenarios") Scenario c) throws WindowException {
    long w = c.w();
    assertTrue(c.matches(c.low()), c::toString);
    assertTrue(c.matches(c.high()), c::toString);
    assertTrue(c.matches(c.start()), c::toString);
    assertTrue(c.matches(c.end()), c::toString);
    assertTrue(c.matches(c.low() + (c.high() - c.low()) / 2), c::toString);

    // One second outside matches iff it is still in the edge's bucket.
    assertEquals(Math.floorMod(c.low(), w) != 0, c.matches(c.low() - 1), c::toString);
    assertEquals(Math.floorMod(c.high() + 1, w) != 0, c.matches(c.high() + 1), c::toString);

    // The seconds just past the first and last bucket never match.
    BucketRange range = c.expand();
    assertFalse(c.matches(range.first() * w - 1), c::toString);
    assertFalse(c.matches((range.last() + 1) * w), c::toString);
    // ... and no instant outside [s − δ − (w − 1), e + δ + (w − 1)] does.
    assertFalse(c.matches(c.low() - w), c::toString);
    assertFalse(c.matches(c.high() + w), c::toString);
  }

  @Property(tries = 1000)
  void widthOneIsExactlyTheWidenedWindow(@ForAll("scenarios") Scenario c) throws WindowException {
    Scenario exact = new Scenario(1, c.tolerance(), c.start(), c.end(), c.t());
    assertEquals(
        exact.low() <= exact.t() && exact.t() <= exact.high(),
        exact.matches(exact.t()),
        exact::toString);
  }

  @Property(tries = 1000)
  void capAllowsExactlyMaxBuckets(
      @ForAll("widths") long w,
      @ForAll @LongRange(min = -1_000_000, max = 1_000_000) long firstBucket,
      @ForAll @IntRange(min = 1, max = 5_000) int buckets,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long jitterSeed)
      throws WindowException {
    long low = firstBucket * w + jitterSeed % w;
    long high = (firstBucket + buckets - 1) * w + (jitterSeed / w) % w;
    long tolerance = high >= low ? ((jitterSeed >>> 20) % ((high - low) / 2 + 1)) : 0;
    if (high < low) { // one bucket and the jitters crossed
      long swap = low;
      low = high;
      high = swap;
    }
    long start = low + tolerance;
    long end = high - tolerance;

    BucketRange range =
        new WindowExpander(new BucketWidth(w), tolerance, buckets).expand(start, end);
    assertEquals(new BucketRange(firstBucket, firstBucket + buckets - 1), range);
    assertEquals(buckets, range.count());

    if (buckets > 1) {
      WindowExpander tight = new WindowExpander(new BucketWidth(w), tolerance, buckets - 1);
      WindowException e = assertThrows(WindowException.class, () -> tight.expand(start, end));
      assertEquals(WindowException.Kind.TOO_MANY_BUCKETS, e.kind());
      assertTrue(
          e.getMessage()
              .startsWith(
                  "window expands to "
                      + buckets
                      + " buckets at width "
                      + w
                      + " s, over the cap of "
                      + (buckets - 1)
                      + ";"),
          e.getMessage());
    }
  }

  @Property(tries = 1000)
  void reversedWindowsAreRejected(
      @ForAll("widthsWithNone") long w,
      @ForAll long a,
      @ForAll long b,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long tolerance) {
    if (a == b) {
      return;
    }
    long start = Math.max(a, b);
    long end = Math.min(a, b);
    WindowExpander expander = new WindowExpander(new BucketWidth(w), tolerance, Integer.MAX_VALUE);
    assertEquals(
        WindowException.Kind.REVERSED,
        assertThrows(WindowException.class, () -> expander.expand(start, end)).kind());
  }

  /** Over the whole long range, against exact BigInteger arithmetic: never wrapped. */
  @Property(tries = 3000)
  void extremeWindowsMatchExactArithmetic(
      @ForAll("widths") long w,
      @ForAll long a,
      @ForAll long b,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long tolerance,
      @ForAll @IntRange(min = 1) int cap) {
    long start = Math.min(a, b);
    long end = Math.max(a, b);
    BigInteger low = BigInteger.valueOf(start).subtract(BigInteger.valueOf(tolerance));
    BigInteger high = BigInteger.valueOf(end).add(BigInteger.valueOf(tolerance));
    WindowExpander expander = new WindowExpander(new BucketWidth(w), tolerance, cap);

    boolean fitsInLong = low.bitLength() < 64 && high.bitLength() < 64;
    if (!fitsInLong) {
      assertEquals(
          WindowException.Kind.OVERFLOW,
          assertThrows(WindowException.class, () -> expander.expand(start, end)).kind());
      return;
    }
    BigInteger width = BigInteger.valueOf(w);
    BigInteger first = floorDiv(low, width);
    BigInteger last = floorDiv(high, width);
    BigInteger count = last.subtract(first).add(BigInteger.ONE);
    if (count.compareTo(BigInteger.valueOf(cap)) > 0) {
      WindowException e = assertThrows(WindowException.class, () -> expander.expand(start, end));
      assertEquals(WindowException.Kind.TOO_MANY_BUCKETS, e.kind());
      assertTrue(
          e.getMessage().startsWith("window expands to " + count + " buckets"), e.getMessage());
    } else {
      BucketRange range = Assertions.assertDoesNotThrow(() -> expander.expand(start, end));
      assertEquals(first.longValueExact(), range.first());
      assertEquals(last.longValueExact(), range.last());
    }
  }

  @Provide
  Arbitrary<Long> widths() {
    return Arbitraries.of(1L, 7L, 60L, 3600L, 86_400L, BucketWidth.MAX_SECONDS);
  }

  @Provide
  Arbitrary<Long> widthsWithNone() {
    return Arbitraries.of(0L, 1L, 7L, 60L, 3600L, 86_400L);
  }

  private static BigInteger floorDiv(BigInteger x, BigInteger y) {
    BigInteger[] qr = x.divideAndRemainder(y);
    return qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
  }
}
