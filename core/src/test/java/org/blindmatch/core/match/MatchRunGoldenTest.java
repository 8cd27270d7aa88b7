package org.blindmatch.core.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.blindmatch.proto.v1.Results;
import org.blindmatch.proto.v1.TierTotals;
import org.junit.jupiter.api.Test;

/**
 * The exact bytes of every recipient's {@code Results} and of the totals, over fixed
 * pseudo-random runs, hashed and compared with the digest recorded when the engine was
 * rewritten. The clearinghouse signs digests of these bytes and auditors replay past runs, so
 * any change here (even to the order of a list) breaks replay of logged runs: if this fails,
 * the change is a protocol change, not a refactoring.
 */
class MatchRunGoldenTest {
  private static final String EXPECTED =
      "9ae9a5506960178144cf2b73e6a50f29381c17b6b3a0cf4a61987be17ff68b07";

  private static final int[] TOKENS = {0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff};
  private static final int[] HANDLES = {0x00, 0x05, 0x7f, 0x80, 0xff};
  private static final int[] TIERS = {0, 1, 2, 9, 10, 15};

  @Test
  void resultsBytesAreUnchanged() throws IOException, NoSuchAlgorithmException {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(buf);
    long matches = 0;
    long shown = 0;
    long suppressed = 0;
    for (int seed = 0; seed < 400; seed++) {
      MatchScenario s = scenario(new Random(seed));
      MatchRun.Outcome o = new MatchRun().compute("run-" + seed, s.kThreshold(), s.keyGroups());
      out.writeInt(seed);
      for (Map.Entry<String, Results> e : o.results().entrySet()) {
        out.writeUTF(e.getKey());
        matches += e.getValue().getRecordMatchesCount();
        shown += e.getValue().getLabelCountsCount();
        suppressed += e.getValue().getSuppressed();
        byte[] b = e.getValue().toByteArray();
        out.writeInt(b.length);
        out.write(b);
      }
      for (TierTotals t : o.totals()) {
        byte[] b = t.toByteArray();
        out.writeInt(b.length);
        out.write(b);
      }
    }
    out.flush();
    // Not vacuous: the runs match, show and suppress plenty.
    assertTrue(matches > 1000 && shown > 300 && suppressed > 300,
        matches + " matches, " + shown + " label counts, " + suppressed + " suppressed");
    assertEquals(EXPECTED, HexFormat.of().formatHex(sha.digest(buf.toByteArray())));
  }

  /** A run of 1–2 key groups, 0–3 inputs a side, 0–12 records an input, k in 0..4. */
  private static MatchScenario scenario(Random r) {
    int k = r.nextInt(5);
    List<Integer> tiers = new ArrayList<>();
    for (int t : TIERS) {
      if (r.nextInt(3) == 0) {
        tiers.add(t);
      }
    }
    if (tiers.isEmpty()) {
      tiers.add(TIERS[r.nextInt(TIERS.length)]);
    }
    int tokens = 1 + r.nextInt(TOKENS.length);
    int handles = 1 + r.nextInt(HANDLES.length);
    // Half the runs let two watchlists share a label handle, so the merge order of equal
    // records from different inputs is pinned too.
    boolean sharedLabels = r.nextBoolean();
    List<MatchScenario.Group> groups = new ArrayList<>();
    int nGroups = 1 + r.nextInt(2);
    for (int g = 0; g < nGroups; g++) {
      List<MatchScenario.Sub> reports = new ArrayList<>();
      List<MatchScenario.Sub> watchlists = new ArrayList<>();
      int nReports = r.nextInt(4);
      int nWatchlists = r.nextInt(4);
      for (int i = 0; i < nReports; i++) {
        reports.add(new MatchScenario.Sub("r" + g + "-" + i, "platform-" + r.nextInt(3),
            records(r, tokens, handles, tiers, 0)));
      }
      for (int j = 0; j < nWatchlists; j++) {
        watchlists.add(new MatchScenario.Sub("w" + g + "-" + j, "ngo-" + r.nextInt(2),
            records(r, tokens, handles, tiers, sharedLabels ? 0 : (j + 1) << 8)));
      }
      groups.add(new MatchScenario.Group(g == 0 ? 7 : 1, reports, watchlists));
    }
    return new MatchScenario(k, groups);
  }

  private static List<MatchScenario.Rec> records(Random r, int tokens, int handles,
      List<Integer> tiers, int handleHigh) {
    List<MatchScenario.Rec> recs = new ArrayList<>();
    int n = r.nextInt(13);
    for (int i = 0; i < n; i++) {
      MatchScenario.Rec rec = new MatchScenario.Rec(TOKENS[r.nextInt(tokens)],
          HANDLES[r.nextInt(handles)] | handleHigh, tiers.get(r.nextInt(tiers.size())));
      recs.add(rec);
      if (r.nextInt(4) == 0) {
        recs.add(rec);
      }
    }
    return recs;
  }
}
