package org.blindmatch.core.match;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.blindmatch.proto.v1.LabelCount;
import org.blindmatch.proto.v1.RecordMatch;
import org.blindmatch.proto.v1.Results;
import org.blindmatch.proto.v1.TierTotals;

/**
 * A whole match run as a pure function of its inputs: per key id, the {@link MatchEngine} join
 * of its report inputs against its watchlist inputs, split into what each recipient receives
 * (record matches for report submitters, label aggregates suppressed below k for NGOs, tier
 * totals for the operator). The clearinghouse runs it to produce results; an auditor runs it on
 * the replayed token sets to recompute every result digest, so both must give the same bytes
 * for the same inputs in the same order. Stateless and thread-safe.
 */
public final class MatchRun {
  /** The recipient under which the operator's totals are kept. */
  public static final String OPERATOR = "role:clearinghouse";

  private final MatchEngine engine = new MatchEngine();

  /**
   * The inputs of one key id, in run order. {@link MatchInput#submissionId()} is the client's
   * submission id, as results name it.
   */
  public record KeyGroup(int keyId, List<MatchInput> reports, List<MatchInput> watchlists) {
    public KeyGroup {
      reports = List.copyOf(reports);
      watchlists = List.copyOf(watchlists);
    }

    /** True if this group has something to join. */
    public boolean joinable() {
      return !reports.isEmpty() && !watchlists.isEmpty();
    }
  }

  /**
   * What a run computed.
   *
   * @param results per recipient, in the order recipients were first seen (every input's
   *     submitter, then {@link #OPERATOR}); each has the run id and recipient set
   * @param totals per tier, ascending: records, events and labels summed over key ids,
   *     submitters distinct over key ids
   */
  public record Outcome(Map<String, Results> results, List<TierTotals> totals) {}

  /**
   * Runs every joinable group. Reads every input to its end.
   *
   * @param kThreshold NGO label aggregates with fewer matched records are suppressed
   * @throws IOException if an input cannot be read (including a source's own checks failing)
   */
  public Outcome compute(String runId, int kThreshold, List<KeyGroup> groups)
      throws IOException {
    Map<String, Results.Builder> perRecipient = new LinkedHashMap<>();
    Map<Integer, long[]> totals = new TreeMap<>();
    // Distinct report submitters with a match, per tier, over all key ids: a submitter with
    // submissions under two key ids (an hmac key and an oprf epoch, or across a rotation)
    // counts once, as the auditor checks.
    Map<Integer, Set<String>> submitters = new TreeMap<>();
    for (KeyGroup g : groups) {
      for (MatchInput in : g.reports()) {
        results(perRecipient, runId, in.submitter());
      }
      for (MatchInput in : g.watchlists()) {
        results(perRecipient, runId, in.submitter());
      }
      if (!g.joinable()) {
        continue;
      }
      MatchOutcome outcome = engine.run(g.reports(), g.watchlists());
      for (int i = 0; i < g.reports().size(); i++) {
        MatchInput in = g.reports().get(i);
        Results.Builder r = results(perRecipient, runId, in.submitter());
        for (MatchOutcome.RecordMatch m : outcome.recordMatches().get(i)) {
          submitters.computeIfAbsent(m.tier(), k -> new HashSet<>()).add(in.submitter());
          r.addRecordMatches(RecordMatch.newBuilder()
              .setSubmissionId(in.submissionId())
              .setRecordHandle(ByteString.copyFrom(m.recordHandle()))
              .setLabelHandle(ByteString.copyFrom(m.labelHandle()))
              .setTier(m.tier())
              .setEvents(m.events()));
        }
      }
      for (int j = 0; j < g.watchlists().size(); j++) {
        MatchInput in = g.watchlists().get(j);
        Results.Builder r = results(perRecipient, runId, in.submitter());
        for (MatchOutcome.LabelCount c : outcome.labelCounts().get(j)) {
          if (c.matchedRecords() < kThreshold) {
            r.setSuppressed(r.getSuppressed() + 1);
            continue;
          }
          r.addLabelCounts(LabelCount.newBuilder()
              .setSubmissionId(in.submissionId())
              .setLabelHandle(ByteString.copyFrom(c.labelHandle()))
              .setTier(c.tier())
              .setMatchedRecords(c.matchedRecords())
              .setSubmitters(c.submitters()));
        }
      }
      for (MatchOutcome.TierTotals t : outcome.totals()) {
        long[] acc = totals.computeIfAbsent(t.tier(), k -> new long[3]);
        acc[0] += t.matchedRecords();
        acc[1] += t.matchedEvents();
        acc[2] += t.matchedLabels();
      }
    }
    List<TierTotals> tierTotals = new ArrayList<>();
    for (Map.Entry<Integer, long[]> e : totals.entrySet()) {
      tierTotals.add(TierTotals.newBuilder().setTier(e.getKey())
          .setMatchedRecords(e.getValue()[0]).setMatchedEvents(e.getValue()[1])
          .setMatchedLabels(e.getValue()[2])
          .setSubmitters(submitters.getOrDefault(e.getKey(), Set.of()).size()).build());
    }
    results(perRecipient, runId, OPERATOR).addAllTotals(tierTotals);
    Map<String, Results> out = new LinkedHashMap<>();
    perRecipient.forEach((k, v) -> out.put(k, v.build()));
    return new Outcome(out, List.copyOf(tierTotals));
  }

  private static Results.Builder results(Map<String, Results.Builder> perRecipient,
      String runId, String recipient) {
    return perRecipient.computeIfAbsent(recipient,
        k -> Results.newBuilder().setRunId(runId).setRecipient(k));
  }
}
