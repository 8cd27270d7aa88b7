package org.blindmatch.client.audit;

import org.blindmatch.client.federation.FederationClient;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.blindmatch.crypto.hash.Sha256;
import org.blindmatch.proto.v1.RecipientDigest;
import org.blindmatch.proto.v1.Results;
import org.blindmatch.proto.v1.RunInput;
import org.blindmatch.proto.v1.RunTranscript;
import org.blindmatch.proto.v1.TierTotals;
import org.blindmatch.core.match.MatchInput;
import org.blindmatch.core.match.MatchRun;
import org.blindmatch.core.disclosure.CountNoise;
import org.blindmatch.core.disclosure.Release;

/**
 * Audit replay of one logged run: streams every input's committed records from the
 * clearinghouse (each checked against its logged receipt by {@link ReplayedRecords}), recomputes
 * the run with the clearinghouse's own {@link MatchRun}, and compares every recipient's result
 * digest and the tier totals with the signed transcript. Memory holds one chunk per input and
 * the matches found, never a token set. Not thread-safe.
 */
final class RunReplay {
  private final FederationClient client;
  private final MatchRun matchRun = new MatchRun();

  RunReplay(FederationClient client) {
    this.client = client;
  }

  /**
   * Replays {@code t}, logged at {@code index}. Every input must already be checked to have a
   * logged receipt ({@code committed} maps {@code submitter "\n" submission id} to it).
   *
   * @return empty if the run was recomputed and agrees; the reason if it cannot be replayed
   *     because an input's token data was purged after its TTL
   * @throws AuditException naming the entry, the run and the check that failed
   */
  Optional<String> replay(RunTranscript t, long index, Map<String, AuditState.Committed> committed)
      throws AuditException {
    String where = "log entry " + index + " (run " + t.getRunId() + "): replay: ";
    MatchRun.Outcome outcome;
    try {
      // Noise is the one thing a replay cannot redraw: it recomputes exact counts and, for
      // recipients whose counts are noised, compares what the noise does not touch.
      Release release = t.hasDisclosure() ? Release.of(t.getDisclosure(), CountNoise.EXACT)
          : Release.legacy(t.getKThreshold());
      outcome = matchRun.compute(t.getRunId(), release, groups(t, committed));
    } catch (ReplayedRecords.Mismatch e) {
      throw new AuditException(where + e.getMessage());
    } catch (ReplayedRecords.CallFailed e) {
      if (e.status.getStatus().getCode() == Status.Code.FAILED_PRECONDITION) {
        return Optional.of(e.getMessage());
      }
      throw new AuditException(where + "cannot stream an input: " + e.getMessage());
    } catch (IOException e) {
      throw new AuditException(where + "cannot read an input: " + e.getMessage());
    }
    boolean noised = t.hasDisclosure() && t.getDisclosure().hasDp();
    if (noised) {
      compareTiers(where, t.getTotalsList(), outcome.totals());
    } else {
      compareTotals(where, t.getTotalsList(), outcome.totals());
    }
    Map<String, RecipientDigest> logged = new LinkedHashMap<>();
    for (RecipientDigest d : t.getRecipientsList()) {
      logged.put(d.getRecipient(), d);
    }
    for (Map.Entry<String, Results> e : outcome.results().entrySet()) {
      RecipientDigest d = logged.remove(e.getKey());
      if (d == null) {
        throw new AuditException(where + "the transcript has no result digest for recipient "
            + e.getKey() + ", who took part");
      }
      ByteString digest = d.getResultsSha256();
      byte[] recomputed = Sha256.digest(e.getValue().toByteArray());
      Results r = e.getValue();
      long released = r.getLabelCountsCount() + r.getTotalsCount();
      if (t.hasDisclosure() && (d.getSuppressed() != r.getSuppressed()
          || d.getReleased() != released)) {
        throw new AuditException(where + "recipient " + e.getKey() + " has "
            + Long.toUnsignedString(d.getSuppressed()) + " suppressed and "
            + Long.toUnsignedString(d.getReleased()) + " released aggregates in the transcript "
            + "but " + r.getSuppressed() + " and " + released + " recomputed");
      }
      if (noised && r.hasDisclosure()) {
        continue; // its counts are noised: the digest is over values the replay cannot redraw
      }
      if (!MessageDigest.isEqual(digest.toByteArray(), recomputed)) {
        throw new AuditException(where + "the result digest for recipient " + e.getKey()
            + " is " + HexFormat.of().formatHex(digest.toByteArray()) + " but the recomputed "
            + "results hash to " + HexFormat.of().formatHex(recomputed) + " ("
            + describe(e.getValue()) + ")");
      }
    }
    if (!logged.isEmpty()) {
      throw new AuditException(where + "the transcript has a result digest for "
          + logged.keySet().iterator().next() + ", who took no part in the run");
    }
    return Optional.empty();
  }

  /** Inputs per key id in the order the clearinghouse ran them (its accepted key order). */
  private List<MatchRun.KeyGroup> groups(RunTranscript t, Map<String, AuditState.Committed> committed) {
    Map<Integer, List<List<MatchInput>>> byKey = new LinkedHashMap<>();
    for (RunInput in : t.getReportInputsList()) {
      side(byKey, in.getKeyId(), 0).add(input(in, committed));
    }
    for (RunInput in : t.getWatchlistInputsList()) {
      side(byKey, in.getKeyId(), 1).add(input(in, committed));
    }
    List<MatchRun.KeyGroup> groups = new ArrayList<>();
    byKey.forEach((k, sides) -> groups.add(new MatchRun.KeyGroup(k, sides.get(0), sides.get(1))));
    return groups;
  }

  private static List<MatchInput> side(Map<Integer, List<List<MatchInput>>> byKey, int keyId,
      int side) {
    return byKey.computeIfAbsent(keyId, k -> List.of(new ArrayList<>(), new ArrayList<>()))
        .get(side);
  }

  private MatchInput input(RunInput in, Map<String, AuditState.Committed> committed) {
    AuditState.Committed c = committed.get(LogAuditor.key(in.getSubmitter(), in.getSubmissionId()));
    return new MatchInput(in.getSubmissionId(), in.getSubmitter(), () -> new ReplayedRecords(
        client, in.getSubmitter(), in.getSubmissionId(), c.recordCount(), c.merkleRoot()));
  }

  /** Noised totals: only which tiers were released can be recomputed. */
  private static void compareTiers(String where, List<TierTotals> logged,
      List<TierTotals> recomputed) throws AuditException {
    List<Integer> a = logged.stream().map(TierTotals::getTier).toList();
    List<Integer> b = recomputed.stream().map(TierTotals::getTier).toList();
    if (!a.equals(b)) {
      throw new AuditException(where + "the transcript releases totals for tiers " + a
          + " but the recomputed run releases them for tiers " + b);
    }
  }

  /** Every count and tier in the messages is uint64/uint32 on the wire: printed unsigned. */
  static void compareTotals(String where, List<TierTotals> logged,
      List<TierTotals> recomputed) throws AuditException {
    if (logged.equals(recomputed)) {
      return;
    }
    Map<Integer, TierTotals> byTier = new LinkedHashMap<>();
    recomputed.forEach(x -> byTier.put(x.getTier(), x));
    for (TierTotals l : logged) {
      TierTotals r = byTier.remove(l.getTier());
      if (r == null) {
        throw new AuditException(where + "the transcript has totals for tier "
            + Integer.toUnsignedString(l.getTier()) + " but the recomputed run matched nothing in it");
      }
      long[][] pairs = {
          {l.getMatchedRecords(), r.getMatchedRecords()}, {l.getMatchedEvents(),
          r.getMatchedEvents()}, {l.getMatchedLabels(), r.getMatchedLabels()},
          {l.getSubmitters(), r.getSubmitters()}};
      String[] names = {"matched_records", "matched_events", "matched_labels", "submitters"};
      for (int i = 0; i < pairs.length; i++) {
        if (pairs[i][0] != pairs[i][1]) {
          throw new AuditException(where + "tier " + Integer.toUnsignedString(l.getTier()) + " "
              + names[i] + " is " + Long.toUnsignedString(pairs[i][0]) + " in the transcript but "
              + Long.toUnsignedString(pairs[i][1]) + " recomputed from the submitted tokens");
        }
      }
    }
    if (!byTier.isEmpty()) {
      throw new AuditException(where + "the recomputed run has matches in tier "
          + Integer.toUnsignedString(byTier.keySet().iterator().next()) + " that the transcript's totals omit");
    }
    throw new AuditException(where + "the transcript's totals are not in ascending tier order");
  }

  private static String describe(Results r) {
    return r.getRecordMatchesCount() + " record matches, " + r.getLabelCountsCount()
        + " label counts, " + Long.toUnsignedString(r.getSuppressed()) + " suppressed";
  }
}
