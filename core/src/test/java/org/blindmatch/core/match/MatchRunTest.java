package org.blindmatch.core.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.blindmatch.proto.v1.LabelCount;
import org.blindmatch.proto.v1.RecordMatch;
import org.blindmatch.proto.v1.Results;
import org.blindmatch.proto.v1.TierTotals;
import org.junit.jupiter.api.Test;

/** Worked examples of {@link MatchRun}; {@link MatchEnginePropertyTest} covers random runs. */
class MatchRunTest {
  private static final String PLATFORM = "blindmatch://t/platform/p";
  private static final String PLATFORM2 = "blindmatch://t/platform/q";
  private static final String NGO = "blindmatch://t/ngo/n";

  private static MatchScenario.Rec rec(int token, int handle, int tier) {
    return new MatchScenario.Rec(token, handle, tier);
  }

  private static MatchInput input(String id, String submitter, MatchScenario.Rec... recs) {
    return new MatchScenario.Sub(id, submitter, List.of(recs)).input();
  }

  @Test
  void submittersAreDistinctAcrossKeyIdsAndTheRestIsSummed() throws Exception {
    // The same platform matches under key id 7 (hmac) and key id 1 (oprf epoch).
    MatchRun.Outcome o = new MatchRun().compute("run-1", 1, List.of(
        new MatchRun.KeyGroup(7, List.of(input("p1", PLATFORM, rec(1, 10, 0))),
            List.of(input("n1", NGO, rec(1, 20, 0)))),
        new MatchRun.KeyGroup(1, List.of(input("p2", PLATFORM, rec(2, 11, 0))),
            List.of(input("n2", NGO, rec(2, 21, 0))))));
    assertEquals(1, o.totals().size());
    TierTotals t = o.totals().get(0);
    assertEquals(2, t.getMatchedRecords());
    assertEquals(2, t.getMatchedEvents());
    assertEquals(2, t.getMatchedLabels(), "two watchlists' label handles");
    assertEquals(1, t.getSubmitters(), "one platform, though it matched under two key ids");
    assertEquals(2, o.results().get(PLATFORM).getRecordMatchesCount());
  }

  @Test
  void duplicateLabelRecordsCountOnceAndDuplicateEventsEach() throws Exception {
    // Record 10 has two events with token 1; the label has token 1 twice (two CIDR rows).
    MatchRun.Outcome o = new MatchRun().compute("run-2", 1, List.of(new MatchRun.KeyGroup(7,
        List.of(input("p1", PLATFORM, rec(1, 10, 2), rec(1, 10, 2), rec(3, 10, 2))),
        List.of(input("n1", NGO, rec(1, 20, 2), rec(1, 20, 2), rec(4, 20, 2))))));
    RecordMatch m = o.results().get(PLATFORM).getRecordMatches(0);
    assertEquals(1, o.results().get(PLATFORM).getRecordMatchesCount());
    assertEquals("p1", m.getSubmissionId());
    assertEquals(2, m.getTier());
    assertEquals(2, m.getEvents(), "two events, each matched once");
    LabelCount c = o.results().get(NGO).getLabelCounts(0);
    assertEquals(1, c.getMatchedRecords());
    assertEquals(1, c.getSubmitters());
    assertEquals(List.of(TierTotals.newBuilder().setTier(2).setMatchedRecords(1)
        .setMatchedEvents(2).setMatchedLabels(1).setSubmitters(1).build()), o.totals());
  }

  @Test
  void aggregatesBelowKAreSuppressedAndCounted() throws Exception {
    // Label 20 is matched by two records (of two platforms), label 21 by one; k = 2.
    MatchRun.Outcome o = new MatchRun().compute("run-3", 2, List.of(new MatchRun.KeyGroup(7,
        List.of(input("p1", PLATFORM, rec(1, 10, 0), rec(2, 11, 0)),
            input("q1", PLATFORM2, rec(1, 10, 0))),
        List.of(input("n1", NGO, rec(1, 20, 0), rec(2, 21, 0))))));
    Results ngo = o.results().get(NGO);
    assertEquals(1, ngo.getSuppressed());
    assertEquals(1, ngo.getLabelCountsCount());
    assertEquals(2, ngo.getLabelCounts(0).getMatchedRecords(), "same handle, two submissions");
    assertEquals(2, ngo.getLabelCounts(0).getSubmitters());
    assertEquals(2, o.results().get(PLATFORM).getRecordMatchesCount(), "k is for NGOs only");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {0, Integer.MAX_VALUE, Integer.MIN_VALUE,
      -1})
  void kIsUnsigned(int k) throws Exception {
    // A transcript's k_threshold is uint32: 2^31 and 2^32-1 are huge, not negative.
    MatchRun.Outcome o = new MatchRun().compute("run-k", k, List.of(new MatchRun.KeyGroup(7,
        List.of(input("p1", PLATFORM, rec(1, 10, 0))),
        List.of(input("n1", NGO, rec(1, 20, 0))))));
    Results ngo = o.results().get(NGO);
    assertEquals(k == 0 ? 0 : 1, ngo.getSuppressed(), "k = " + Integer.toUnsignedString(k));
    assertEquals(k == 0 ? 1 : 0, ngo.getLabelCountsCount());
  }

  @Test
  void everyInputsSubmitterGetsResultsThenTheOperator() throws Exception {
    // Key id 1 has no watchlist: nothing is joined there, but its platform is a recipient.
    MatchRun.Outcome o = new MatchRun().compute("run-4", 1, List.of(
        new MatchRun.KeyGroup(1, List.of(input("q1", PLATFORM2, rec(1, 10, 0))), List.of()),
        new MatchRun.KeyGroup(7, List.of(input("p1", PLATFORM, rec(5, 10, 0))),
            List.of(input("n1", NGO, rec(6, 20, 0))))));
    assertEquals(List.of(PLATFORM2, PLATFORM, NGO, MatchRun.OPERATOR),
        List.copyOf(o.results().keySet()));
    for (Results r : o.results().values()) {
      assertEquals("run-4", r.getRunId());
      assertEquals(0, r.getRecordMatchesCount() + r.getLabelCountsCount() + r.getTotalsCount());
    }
    assertEquals(List.of(), o.totals());
  }

  @Test
  void anInputEndingInsideARecordFailsAndEveryInputIsClosed() {
    List<TrackedStream> opened = new ArrayList<>();
    byte[] good = new byte[TokenRecord.LENGTH];
    byte[] torn = new byte[TokenRecord.LENGTH + 5];
    MatchInput report = new MatchInput("p1", PLATFORM, () -> track(opened, good));
    MatchInput watchlist = new MatchInput("n1", NGO, () -> track(opened, torn));
    assertThrows(EOFException.class, () -> new MatchRun().compute("run-5", 1,
        List.of(new MatchRun.KeyGroup(7, List.of(report), List.of(watchlist)))));
    assertEquals(2, opened.size());
    assertTrue(opened.stream().allMatch(s -> s.closed), "every opened input is closed");
  }

  private static InputStream track(List<TrackedStream> opened, byte[] body) {
    TrackedStream s = new TrackedStream(body);
    opened.add(s);
    return s;
  }

  private static final class TrackedStream extends ByteArrayInputStream {
    boolean closed;

    TrackedStream(byte[] body) {
      super(body);
    }

    @Override
    public void close() throws IOException {
      closed = true;
      super.close();
    }
  }
}
