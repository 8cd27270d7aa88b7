package org.blindmatch.crypto.time;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BucketsTest {

  @Test
  void noneIsWidthZero() {
    assertTrue(BucketWidth.NONE.isNone());
    assertEquals(0, BucketWidth.NONE.seconds());
    assertEquals(BucketWidth.NONE, new BucketWidth(0));
    assertFalse(new BucketWidth(1).isNone());
  }

  @Test
  void noneMapsEveryInstantToBucketZero() {
    for (long t : new long[] {Long.MIN_VALUE, -1, 0, 1, 1_700_000_000L, Long.MAX_VALUE}) {
      assertEquals(0, BucketWidth.NONE.bucketOf(t));
    }
  }

  @ParameterizedTest
  @CsvSource({
    "3600, 0, 0",
    "3600, 3599, 0",
    "3600, 3600, 1",
    "3600, -1, -1",
    "3600, -3600, -1",
    "3600, -3601, -2",
    "86400, 1700000000, 19675",
    "7, -7, -1",
    "7, -8, -2",
    "1, -9223372036854775808, -9223372036854775808",
    "3155695200, 9223372036854775807, 2922770246",
    "3155695200, -9223372036854775808, -2922770247",
  })
  void bucketIsFloorDivision(long width, long t, long bucket) {
    assertEquals(bucket, new BucketWidth(width).bucketOf(t));
  }

  @Test
  void rejectsNegativeWidth() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new BucketWidth(-1));
    assertEquals("bucket width -1 s is negative", e.getMessage());
  }

  @Test
  void widthIsCappedAtHundredYears() {
    assertEquals(BucketWidth.MAX_SECONDS, new BucketWidth(BucketWidth.MAX_SECONDS).seconds());
    assertEquals(100 * 365.2425 * 86_400, (double) BucketWidth.MAX_SECONDS);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new BucketWidth(BucketWidth.MAX_SECONDS + 1));
    assertTrue(
        e.getMessage().contains("over the maximum of 3155695200 s (100 years)"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new BucketWidth(Long.MAX_VALUE));
  }

  @Test
  void rangeCountsInclusively() {
    assertEquals(1, new BucketRange(0, 0).count());
    assertEquals(4, new BucketRange(-2, 1).count());
    assertEquals(Long.MAX_VALUE, new BucketRange(0, Long.MAX_VALUE - 1).count());
  }

  @Test
  void rangeCountSaturates() {
    assertEquals(Long.MAX_VALUE, new BucketRange(0, Long.MAX_VALUE).count());
    assertEquals(Long.MAX_VALUE, new BucketRange(-1, Long.MAX_VALUE - 1).count());
    assertEquals(Long.MAX_VALUE, new BucketRange(Long.MIN_VALUE, -1).count());
    assertEquals(Long.MAX_VALUE, new BucketRange(Long.MIN_VALUE, Long.MAX_VALUE).count());
    assertEquals(Long.MAX_VALUE, new BucketRange(Long.MIN_VALUE, -2).count());
  }

  @Test
  void rangeContainsItsEndsOnly() {
    BucketRange range = new BucketRange(-2, 1);
    assertTrue(range.contains(-2));
    assertTrue(range.contains(1));
    assertFalse(range.contains(-3));
    assertFalse(range.contains(2));
  }

  @Test
  void rangeStreamsInOrder() {
    assertArrayEquals(new long[] {-2, -1, 0, 1}, new BucketRange(-2, 1).stream().toArray());
    assertArrayEquals(
        new long[] {Long.MAX_VALUE},
        new BucketRange(Long.MAX_VALUE, Long.MAX_VALUE).stream().toArray());
    assertArrayEquals(
        new long[] {Long.MIN_VALUE, Long.MIN_VALUE + 1},
        new BucketRange(Long.MIN_VALUE, Long.MIN_VALUE + 1).stream().toArray());
  }

  @Test
  void reversedRangeIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> new BucketRange(1, 0));
  }
}
