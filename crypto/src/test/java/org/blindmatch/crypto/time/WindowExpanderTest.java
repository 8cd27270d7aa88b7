package org.blindmatch.crypto.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class WindowExpanderTest {

  private static final BucketWidth HOUR = new BucketWidth(3600);

  private static WindowException rejection(WindowExpander expander, long start, long end) {
    return assertThrows(WindowException.class, () -> expander.expand(start, end));
  }

  @Test
  void expandsByToleranceOnBothSides() throws WindowException {
    WindowExpander expander = new WindowExpander(HOUR, 300, 744);
    // [01:00:00, 01:59:59] widened to [00:55:00, 02:04:59]
    assertEquals(new BucketRange(0, 2), expander.expand(3600, 7199));
    assertEquals(new BucketRange(1, 1), new WindowExpander(HOUR, 0, 744).expand(3600, 7199));
  }

  @Test
  void preEpochWindowsGetNegativeBuckets() throws WindowException {
    // [-1:00:00, -0:00:01] widened by 1 s to [-3601, 0]: the hours -2, -1 and 0.
    assertEquals(new BucketRange(-2, 0), new WindowExpander(HOUR, 1, 10).expand(-3600, -1));
    assertEquals(new BucketRange(-1, -1), new WindowExpander(HOUR, 0, 10).expand(-3600, -1));
  }

  @Test
  void noWidthIsAlwaysBucketZero() throws WindowException {
    WindowExpander expander = new WindowExpander(BucketWidth.NONE, Long.MAX_VALUE, 1);
    assertEquals(new BucketRange(0, 0), expander.expand(Long.MIN_VALUE, Long.MAX_VALUE));
    assertEquals(new BucketRange(0, 0), expander.expand(5, 5));
  }

  @Test
  void reversedWindowIsRejected() {
    WindowException e = rejection(new WindowExpander(HOUR, 0, 744), 1_700_003_600L, 1_700_000_000L);
    assertEquals(WindowException.Kind.REVERSED, e.kind());
    assertEquals(
        "window end 1700000000 (2023-11-14T22:13:20Z) is before its start"
            + " 1700003600 (2023-11-14T23:13:20Z)",
        e.getMessage());
  }

  @Test
  void reversedWindowIsRejectedWithoutWidthToo() {
    assertEquals(
        WindowException.Kind.REVERSED,
        rejection(new WindowExpander(BucketWidth.NONE, 0, 1), 1, 0).kind());
  }

  @Test
  void reversedMessageSurvivesInstantsOutsideJavaTime() {
    WindowException e = rejection(new WindowExpander(HOUR, 0, 1), Long.MAX_VALUE, Long.MIN_VALUE);
    assertEquals(
        "window end -9223372036854775808 is before its start 9223372036854775807", e.getMessage());
  }

  @Test
  void tooManyBucketsNamesCountAndCap() {
    // 90 days of hours: buckets 0 .. 2160.
    WindowException e = rejection(new WindowExpander(HOUR, 0, 744), 0, 90 * 86_400L);
    assertEquals(WindowException.Kind.TOO_MANY_BUCKETS, e.kind());
    assertEquals(
        "window expands to 2161 buckets at width 3600 s, over the cap of 744;"
            + " split the window or raise max_buckets_per_window in the scope",
        e.getMessage());
  }

  @Test
  void capIsInclusive() throws WindowException {
    // 31 days of hours is exactly 744 buckets.
    assertEquals(744, new WindowExpander(HOUR, 0, 744).expand(0, 31 * 86_400L - 1).count());
    assertEquals(
        WindowException.Kind.TOO_MANY_BUCKETS,
        rejection(new WindowExpander(HOUR, 0, 744), 0, 31 * 86_400L).kind());
    // The tolerance counts towards the cap.
    assertEquals(
        WindowException.Kind.TOO_MANY_BUCKETS,
        rejection(new WindowExpander(HOUR, 1, 744), 0, 31 * 86_400L - 1).kind());
  }

  @Test
  void toleranceThatLeavesTheLongRangeOverflows() {
    WindowExpander expander = new WindowExpander(new BucketWidth(1), 1, Integer.MAX_VALUE);
    WindowException low = rejection(expander, Long.MIN_VALUE, 0);
    assertEquals(WindowException.Kind.OVERFLOW, low.kind());
    assertEquals(
        "window [-9223372036854775808, 0] widened by the tolerance of 1 s leaves the 64-bit"
            + " epoch-second range",
        low.getMessage());
    assertEquals(WindowException.Kind.OVERFLOW, rejection(expander, 0, Long.MAX_VALUE).kind());
    WindowExpander huge = new WindowExpander(HOUR, Long.MAX_VALUE, Integer.MAX_VALUE);
    assertEquals(WindowException.Kind.OVERFLOW, rejection(huge, -2, -2).kind());
    assertEquals(WindowException.Kind.OVERFLOW, rejection(huge, 1, 1).kind());
  }

  @Test
  void extremeButRepresentableWindowsAreExact() throws WindowException {
    assertEquals(
        new BucketRange(Long.MAX_VALUE / 3600, Long.MAX_VALUE / 3600),
        new WindowExpander(HOUR, 0, 1).expand(Long.MAX_VALUE, Long.MAX_VALUE));
    assertEquals(
        new BucketRange(Math.floorDiv(Long.MIN_VALUE, 7L), Math.floorDiv(Long.MIN_VALUE, 7L)),
        new WindowExpander(new BucketWidth(7), 0, 1).expand(Long.MIN_VALUE, Long.MIN_VALUE));
    // -1 - MAX == MIN exactly, so this does not overflow.
    WindowExpander huge = new WindowExpander(HOUR, Long.MAX_VALUE, Integer.MAX_VALUE);
    assertEquals(WindowException.Kind.TOO_MANY_BUCKETS, rejection(huge, -1, -1).kind());
  }

  @Test
  void countBeyondLongIsReportedExactly() {
    WindowException e =
        rejection(
            new WindowExpander(new BucketWidth(1), 0, Integer.MAX_VALUE),
            Long.MIN_VALUE,
            Long.MAX_VALUE);
    assertEquals(WindowException.Kind.TOO_MANY_BUCKETS, e.kind());
    assertEquals(
        "window expands to 18446744073709551616 buckets at width 1 s, over the cap of 2147483647;"
            + " split the window or raise max_buckets_per_window in the scope",
        e.getMessage());
  }

  @Test
  void constructorValidatesArguments() {
    assertThrows(NullPointerException.class, () -> new WindowExpander(null, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new WindowExpander(HOUR, -1, 1));
    assertThrows(IllegalArgumentException.class, () -> new WindowExpander(HOUR, 0, 0));
  }
}
