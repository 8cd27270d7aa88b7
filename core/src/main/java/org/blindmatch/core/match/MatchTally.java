package org.blindmatch.core.match;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The bookkeeping of one join: {@link MatchEngine} reports each matched report record, and
 * this class counts it per report input, per label and tier, and per tier. Holds only
 * matches, never tokens. Not thread-safe; one instance per join.
 */
final class MatchTally {
  /**
   * Labels by handle, then by tier compared as decimal strings. The first engine keyed its
   * aggregates by {@code "input|labelHex|tier"} strings in a sorted map; signed results and
   * replays depend on that order, so it is kept.
   */
  private static final Comparator<LabelTier> LABEL_ORDER =
      Comparator.comparing((LabelTier l) -> l.label().handle())
          .thenComparing(l -> Integer.toString(l.tier()));

  /** A report record: handles are only meaningful within their submission. */
  private record RecordRef(int reportInput, Handle handle) {}

  /** One report record handle matched to one label in one tier. */
  private record RecordLabel(Handle record, LabelRef label, int tier) {}

  private record LabelTier(LabelRef label, int tier) {}

  private static final class LabelCounts {
    final Set<RecordRef> records = new HashSet<>();
    final Set<String> submitters = new HashSet<>();
  }

  private static final class TierCounts {
    final Set<RecordRef> records = new HashSet<>();
    final Set<LabelRef> labels = new HashSet<>();
    final Set<String> submitters = new HashSet<>();
    long events;
  }

  private final int watchlistInputs;
  /** Per report input, event counts in the order the matches were first met. */
  private final List<Map<RecordLabel, Long>> events = new ArrayList<>();
  private final Map<LabelTier, LabelCounts> labels = new HashMap<>();
  private final Map<Integer, TierCounts> tiers = new TreeMap<>();

  MatchTally(int reportInputs, int watchlistInputs) {
    this.watchlistInputs = watchlistInputs;
    for (int i = 0; i < reportInputs; i++) {
      events.add(new LinkedHashMap<>());
    }
  }

  /**
   * Counts one report record (one event) whose token some watchlist records share.
   *
   * @param matched the distinct labels of those watchlist records, in merge order, not empty
   */
  void add(int reportInput, String submitter, Handle record, int tier, List<LabelRef> matched) {
    RecordRef ref = new RecordRef(reportInput, record);
    TierCounts t = tiers.computeIfAbsent(tier, k -> new TierCounts());
    t.events++;
    t.records.add(ref);
    t.submitters.add(submitter);
    for (LabelRef label : matched) {
      events.get(reportInput).merge(new RecordLabel(record, label, tier), 1L, Long::sum);
      LabelCounts c = labels.computeIfAbsent(new LabelTier(label, tier), k -> new LabelCounts());
      c.records.add(ref);
      c.submitters.add(submitter);
      t.labels.add(label);
    }
  }

  MatchOutcome outcome() {
    List<List<MatchOutcome.MatchedRecord>> recordMatches = new ArrayList<>();
    for (Map<RecordLabel, Long> m : events) {
      List<MatchOutcome.MatchedRecord> list = new ArrayList<>();
      m.forEach((k, n) -> list.add(new MatchOutcome.MatchedRecord(k.record(),
          k.label().watchlistInput(), k.label().handle(), k.tier(), n)));
      recordMatches.add(list);
    }
    List<List<MatchOutcome.LabelAggregate>> labelAggregates = new ArrayList<>();
    for (int i = 0; i < watchlistInputs; i++) {
      labelAggregates.add(new ArrayList<>());
    }
    List<LabelTier> ordered = new ArrayList<>(labels.keySet());
    ordered.sort(LABEL_ORDER);
    for (LabelTier l : ordered) {
      LabelCounts c = labels.get(l);
      labelAggregates.get(l.label().watchlistInput()).add(new MatchOutcome.LabelAggregate(
          l.label().handle(), l.tier(), c.records.size(), c.submitters.size()));
    }
    List<MatchOutcome.TierSummary> tierSummaries = new ArrayList<>();
    tiers.forEach((tier, t) -> tierSummaries.add(new MatchOutcome.TierSummary(tier,
        t.records.size(), t.events, t.labels.size(), t.submitters.size())));
    return new MatchOutcome(recordMatches, labelAggregates, tierSummaries);
  }
}
