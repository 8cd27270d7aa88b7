package org.blindmatch.client.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.blindmatch.proto.v1.TierTotals;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The replay's comparison of a transcript's tier totals with the recomputed ones at the
 * uint64/uint32 edges (PROTOCOL §7 "Unsigned fields"): equal values agree whatever their
 * sign bit, and a disagreement names tier and counts unsigned, never negative.
 */
class RunReplayUnsignedTest {
  private static final String WHERE = "log entry 9 (run r): replay: ";

  static List<Long> uint64Edges() {
    return List.of(0L, Long.MAX_VALUE, Long.MIN_VALUE, -1L);
  }

  static List<Integer> uint32Edges() {
    return List.of(0, Integer.MAX_VALUE, Integer.MIN_VALUE, -1);
  }

  private static TierTotals totals(int tier, long n) {
    return TierTotals.newBuilder().setTier(tier).setMatchedRecords(n).setMatchedEvents(n)
        .setMatchedLabels(n).setSubmitters(n).build();
  }

  @ParameterizedTest
  @MethodSource("uint64Edges")
  void equalTotalsAgreeAndDifferentOnesAreNamedUnsigned(long n) throws Exception {
    for (int tier : uint32Edges()) {
      RunReplay.compareTotals(WHERE, List.of(totals(tier, n)), List.of(totals(tier, n)));
      long other = n + 1; // wraps 2^64-1 to 0, as uint64 arithmetic does
      AuditException e = assertThrows(AuditException.class, () -> RunReplay.compareTotals(
          WHERE, List.of(totals(tier, n)), List.of(totals(tier, other))));
      assertEquals(WHERE + "tier " + Integer.toUnsignedString(tier) + " matched_records is "
          + Long.toUnsignedString(n) + " in the transcript but " + Long.toUnsignedString(other)
          + " recomputed from the submitted tokens", e.getMessage());
    }
  }

  @ParameterizedTest
  @MethodSource("uint32Edges")
  void aTierOnOneSideOnlyIsNamedUnsigned(int tier) {
    AuditException e = assertThrows(AuditException.class, () -> RunReplay.compareTotals(
        WHERE, List.of(totals(tier, 1)), List.of()));
    assertEquals(WHERE + "the transcript has totals for tier " + Integer.toUnsignedString(tier)
        + " but the recomputed run matched nothing in it", e.getMessage());
    e = assertThrows(AuditException.class, () -> RunReplay.compareTotals(
        WHERE, List.of(), List.of(totals(tier, 1))));
    assertEquals(WHERE + "the recomputed run has matches in tier "
        + Integer.toUnsignedString(tier) + " that the transcript's totals omit", e.getMessage());
  }
}
