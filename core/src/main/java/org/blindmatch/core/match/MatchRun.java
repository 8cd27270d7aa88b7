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
import org.blindmatch.core.disclosure.CountNoise;
import org.blindmatch.core.disclosure.Release;
import org.blindmatch.proto.v1.LabelCount;
import org.blindmatch.proto.v1.RecordMatch;
import org.blindmatch.proto.v1.Results;
import org.blindmatch.proto.v1.TierTotals;

/**
 * A whole match run as a pure function of its inputs: per key id, the {@link MatchEngine} join
 * of its report inputs against its watchlist inputs, split into what each recipient receives
 * (record matches for report submitters, label aggregates for NGOs and tier totals for the
 * operator, both released as a {@link Release} says). The clearinghouse runs it to produce results; an auditor runs it on
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
   *     submitters distinct over key ids; as released to the operator (thresholded and noised
   *     as its {@link Release} says), so the transcript carries exactly the operator's totals
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
    return compute(runId, Release.legacy(kThreshold), groups);
  }

  /**
   * Runs every joinable group, in order, and splits the joins per recipient, releasing NGO
   * aggregates and (when {@link Release#suppressTotals()}) the operator's tier totals only
   * where they reach the release's thresholds, with its noise on every released count, and
   * stamping its {@link Release#stamp()} into those recipients' results. Report submitters'
   * record matches are always exact. The noise is drawn in a fixed order (NGO aggregates in
   * result order, then tiers ascending), so a seeded noise source gives the same results.
   *
   * @param release thresholds and noise
   * @throws IOException as {@link #compute(String, int, List)}
   */
  public Outcome compute(String runId, Release release, List<KeyGroup> groups)
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
        Results.Builder r = results(perRecipient, runId, in.submitter());
        release.stamp().ifPresent(r::setDisclosure);
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
          if (release.releases(a.matchedRecords(), a.submitters())) {
            r.addLabelCounts(labelCount(in, a, release.noise()));
          } else {
            r.setSuppressed(r.getSuppressed() + 1);
          }
        }
      }
      for (MatchOutcome.TierSummary t : outcome.tierSummaries()) {
        sums.merge(t.tier(), TierSums.of(t), TierSums::plus);
      }
    }
    List<TierTotals> tierTotals = new ArrayList<>();
    Results.Builder operator = results(perRecipient, runId, OPERATOR);
    release.stamp().ifPresent(operator::setDisclosure);
    CountNoise noise = release.noise();
    for (Map.Entry<Integer, TierSums> e : sums.entrySet()) {
      TierSums s = e.getValue();
      long tierSubmitters = submitters.getOrDefault(e.getKey(), Set.of()).size();
      if (release.suppressTotals() && !release.releases(s.records(), tierSubmitters)) {
        operator.setSuppressed(operator.getSuppressed() + 1);
        continue;
      }
      tierTotals.add(TierTotals.newBuilder().setTier(e.getKey())
          .setMatchedRecords(noise.release(s.records()))
          .setMatchedEvents(noise.release(s.events()))
          .setMatchedLabels(noise.release(s.labels()))
          .setSubmitters(noise.release(tierSubmitters)).build());
    }
    operator.addAllTotals(tierTotals);
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

  private static LabelCount labelCount(MatchInput in, MatchOutcome.LabelAggregate a,
      CountNoise noise) {
    return LabelCount.newBuilder()
        .setSubmissionId(in.submissionId())
        .setLabelHandle(ByteString.copyFrom(a.labelHandle().bytes()))
        .setTier(a.tier())
        .setMatchedRecords(noise.release(a.matchedRecords()))
        .setSubmitters(noise.release(a.submitters()))
        .build();
  }

  private static Results.Builder results(Map<String, Results.Builder> perRecipient,
      String runId, String recipient) {
    return perRecipient.computeIfAbsent(recipient,
        k -> Results.newBuilder().setRunId(runId).setRecipient(k));
  }
}
