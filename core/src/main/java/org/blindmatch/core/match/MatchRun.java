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
 *
 * <p>The domain types of the join ({@link MatchOutcome}) are named apart from the proto
 * messages built here ({@link Results}, {@link RecordMatch}, {@link LabelCount},
 * {@link TierTotals}).
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
   * Runs every joinable group, in order, and splits the joins per recipient.
   *
   * @param runId the run id every {@code Results} carries
   * @param kThreshold NGO label aggregates with fewer matched records are left out and counted
   *     in {@code suppressed}; unsigned (uint32), so 2^31 and above suppress every aggregate
   * @param groups the key groups in the clearinghouse's run order; inputs as {@link
   *     MatchEngine#run} requires
   * @throws IOException if an input cannot be read (including a source's own checks failing)
   */
  public Outcome compute(String runId, int kThreshold, List<KeyGroup> groups)
      throws IOException {
    Map<String, Results.Builder> perRecipient = new LinkedHashMap<>();
    Map<Integer, TierSums> sums = new TreeMap<>();
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
        for (MatchOutcome.MatchedRecord m : outcome.recordMatches().get(i)) {
          submitters.computeIfAbsent(m.tier(), k -> new HashSet<>()).add(in.submitter());
          r.addRecordMatches(recordMatch(in, m));
        }
      }
      for (int j = 0; j < g.watchlists().size(); j++) {
        MatchInput in = g.watchlists().get(j);
        Results.Builder r = results(perRecipient, runId, in.submitter());
        for (MatchOutcome.LabelAggregate a : outcome.labelAggregates().get(j)) {
          // k is uint32 on the wire (a transcript's k_threshold, read by the replay).
          if (a.matchedRecords() < Integer.toUnsignedLong(kThreshold)) {
            r.setSuppressed(r.getSuppressed() + 1);
          } else {
            r.addLabelCounts(labelCount(in, a));
          }
        }
      }
      for (MatchOutcome.TierSummary t : outcome.tierSummaries()) {
        sums.merge(t.tier(), TierSums.of(t), TierSums::plus);
      }
    }
    List<TierTotals> tierTotals = new ArrayList<>();
    sums.forEach((tier, s) -> tierTotals.add(TierTotals.newBuilder().setTier(tier)
        .setMatchedRecords(s.records()).setMatchedEvents(s.events())
        .setMatchedLabels(s.labels())
        .setSubmitters(submitters.getOrDefault(tier, Set.of()).size()).build()));
    results(perRecipient, runId, OPERATOR).addAllTotals(tierTotals);
    Map<String, Results> out = new LinkedHashMap<>();
    perRecipient.forEach((k, v) -> out.put(k, v.build()));
    return new Outcome(out, List.copyOf(tierTotals));
  }

  /** A tier's totals summed over key ids (submitters are not: they are counted distinct). */
  private record TierSums(long records, long events, long labels) {
    static TierSums of(MatchOutcome.TierSummary t) {
      return new TierSums(t.matchedRecords(), t.matchedEvents(), t.matchedLabels());
    }

    TierSums plus(TierSums o) {
      return new TierSums(records + o.records, events + o.events, labels + o.labels);
    }
  }

  private static RecordMatch recordMatch(MatchInput in, MatchOutcome.MatchedRecord m) {
    return RecordMatch.newBuilder()
        .setSubmissionId(in.submissionId())
        .setRecordHandle(ByteString.copyFrom(m.recordHandle().bytes()))
        .setLabelHandle(ByteString.copyFrom(m.labelHandle().bytes()))
        .setTier(m.tier())
        .setEvents(m.events())
        .build();
  }

  private static LabelCount labelCount(MatchInput in, MatchOutcome.LabelAggregate a) {
    return LabelCount.newBuilder()
        .setSubmissionId(in.submissionId())
        .setLabelHandle(ByteString.copyFrom(a.labelHandle().bytes()))
        .setTier(a.tier())
        .setMatchedRecords(a.matchedRecords())
        .setSubmitters(a.submitters())
        .build();
  }

  private static Results.Builder results(Map<String, Results.Builder> perRecipient,
      String runId, String recipient) {
    return perRecipient.computeIfAbsent(recipient,
        k -> Results.newBuilder().setRunId(runId).setRecipient(k));
  }
}
