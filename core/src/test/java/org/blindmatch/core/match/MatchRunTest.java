package org.blindmatch.core.match;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.List;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.blindmatch.proto.v1.TierTotals;
import org.junit.jupiter.api.Test;

/** Run totals over several key ids (an hmac key and an oprf epoch in one run). */
class MatchRunTest {
  private static final String PLATFORM = "blindmatch://t/platform/p";
  private static final String NGO = "blindmatch://t/ngo/n";

  /** One 33-byte record: token filled with {@code token}, handle with {@code handle}. */
  private static MatchInput input(String id, String submitter, int token, int handle) {
    byte[] r = new byte[TokenRecord.LENGTH];
    Arrays.fill(r, TokenRecord.TOKEN_OFFSET, TokenRecord.TOKEN_LENGTH, (byte) token);
    Arrays.fill(r, TokenRecord.HANDLE_OFFSET, TokenRecord.HANDLE_OFFSET + 16, (byte) handle);
    r[TokenRecord.TIER_OFFSET] = 0;
    return new MatchInput(id, submitter, () -> new ByteArrayInputStream(r));
  }

  @Test
  void submittersAreDistinctAcrossKeyIdsAndTheRestIsSummed() throws Exception {
    // The same platform matches under key id 7 (hmac) and key id 1 (oprf epoch).
    MatchRun.Outcome o = new MatchRun().compute("run-1", 1, List.of(
        new MatchRun.KeyGroup(7, List.of(input("p1", PLATFORM, 1, 10)),
            List.of(input("n1", NGO, 1, 20))),
        new MatchRun.KeyGroup(1, List.of(input("p2", PLATFORM, 2, 11)),
            List.of(input("n2", NGO, 2, 21)))));
    assertEquals(1, o.totals().size());
    TierTotals t = o.totals().get(0);
    assertEquals(2, t.getMatchedRecords());
    assertEquals(2, t.getMatchedEvents());
    assertEquals(2, t.getMatchedLabels(), "two watchlists' label handles");
    assertEquals(1, t.getSubmitters(), "one platform, though it matched under two key ids");
    assertEquals(2, o.results().get(PLATFORM).getRecordMatchesCount());
  }
}
