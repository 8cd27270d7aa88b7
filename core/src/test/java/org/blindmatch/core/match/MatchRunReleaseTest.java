package org.blindmatch.core.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.blindmatch.core.disclosure.CountNoise;
import org.blindmatch.core.disclosure.GeometricNoise;
import org.blindmatch.core.disclosure.Release;
import org.blindmatch.proto.v1.DisclosureApplied;
import org.blindmatch.proto.v1.DpAccount;
import org.blindmatch.proto.v1.Results;
import org.junit.jupiter.api.Test;

/** {@link MatchRun} with a {@link Release}: thresholds on submitters, totals, noise. */
class MatchRunReleaseTest {
  private static final String P = "blindmatch://t/platform/p";
  private static final String Q = "blindmatch://t/platform/q";
  private static final String NGO = "blindmatch://t/ngo/n";

  private static MatchScenario.Rec rec(int token, int handle, int tier) {
    return new MatchScenario.Rec(token, handle, tier);
  }

  private static MatchInput input(String id, String submitter, MatchScenario.Rec... recs) {
    return new MatchScenario.Sub(id, submitter, List.of(recs)).input();
  }

  /** Label 20: 4 records of one platform; label 21: 2 records of each of two platforms. */
  private static List<MatchRun.KeyGroup> groups() {
    return List.of(new MatchRun.KeyGroup(7,
        List.of(input("p1", P, rec(1, 10, 0), rec(1, 11, 0), rec(1, 12, 0), rec(1, 13, 0),
                rec(2, 14, 0), rec(2, 15, 0), rec(3, 16, 1)),
            input("q1", Q, rec(2, 30, 0), rec(2, 31, 0))),
        List.of(input("n1", NGO, rec(1, 20, 0), rec(2, 21, 0), rec(3, 22, 1)))));
  }

  private static DisclosureApplied applied(int minRecords, int minSubmitters) {
    return DisclosureApplied.newBuilder().setMinRecords(minRecords)
        .setMinSubmitters(minSubmitters).build();
  }

  @Test
  void aSingleSubmittersLabelIsSuppressedThoughItHasEnoughRecords() throws Exception {
    MatchRun.Outcome o = new MatchRun().compute("run-1",
        Release.of(applied(3, 2), CountNoise.EXACT), groups());
    Results ngo = o.results().get(NGO);
    assertEquals(1, ngo.getLabelCountsCount(), "only label 21 has two submitters");
    assertEquals(4, ngo.getLabelCounts(0).getMatchedRecords());
    assertEquals(2, ngo.getLabelCounts(0).getSubmitters());
    assertEquals(2, ngo.getSuppressed(), "label 20 (one submitter) and 22 (one record)");
    assertEquals(applied(3, 2), ngo.getDisclosure());
  }

  @Test
  void theOperatorsTierTotalsAreThresholdedAlike() throws Exception {
    MatchRun.Outcome o = new MatchRun().compute("run-2",
        Release.of(applied(3, 2), CountNoise.EXACT), groups());
    Results op = o.results().get(MatchRun.OPERATOR);
    assertEquals(1, op.getTotalsCount(), "tier 1 has one record of one platform");
    assertEquals(0, op.getTotals(0).getTier());
    assertEquals(1, op.getSuppressed());
    assertEquals(o.totals(), op.getTotalsList(), "the transcript carries what was released");
    assertEquals(Results.getDefaultInstance().getDisclosure(),
        o.results().get(P).getDisclosure(), "platforms' results carry no disclosure stamp");
    assertEquals(7, o.results().get(P).getRecordMatchesCount(), "platforms' matches exact");
  }

  @Test
  void legacyReleaseKeepsTheOldBehaviour() throws Exception {
    MatchRun.Outcome o = new MatchRun().compute("run-3", Release.legacy(3), groups());
    assertEquals(2, o.results().get(NGO).getLabelCountsCount());
    assertEquals(2, o.totals().size());
    assertTrue(!o.results().get(NGO).hasDisclosure());
  }

  @Test
  void noiseTouchesEveryReleasedCountAndASeedReproducesIt() throws Exception {
    DisclosureApplied dp = applied(1, 1).toBuilder().setDp(DpAccount.newBuilder()
        .setMechanism("geometric").setEpsilonPerRunMicros(100_000).setSensitivity(12)).build();
    MatchRun.Outcome exact = new MatchRun().compute("run-4",
        Release.of(dp, CountNoise.EXACT), groups());
    MatchRun.Outcome a = new MatchRun().compute("run-4", Release.of(dp,
        new GeometricNoise(100_000, 12, new SplittableRandom(5))), groups());
    MatchRun.Outcome b = new MatchRun().compute("run-4", Release.of(dp,
        new GeometricNoise(100_000, 12, new SplittableRandom(5))), groups());
    assertEquals(a.results(), b.results());
    // alpha = e^(-1/120): P(Z = 0) is under 0.5%, so 20 exact released counts mean no noise.
    assertNotEquals(exact.results().get(NGO).getLabelCountsList(),
        a.results().get(NGO).getLabelCountsList());
    assertNotEquals(exact.totals(), a.totals());
    assertEquals(exact.results().get(P), a.results().get(P), "record matches are exact");
    assertEquals(exact.results().get(NGO).getLabelCountsCount(),
        a.results().get(NGO).getLabelCountsCount(), "suppression is decided on exact counts");
  }
}
