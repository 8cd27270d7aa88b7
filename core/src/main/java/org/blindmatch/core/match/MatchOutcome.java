package org.blindmatch.core.match;

import java.util.List;

/**
 * Everything one {@link MatchEngine} join computed, before it is split per recipient and
 * before suppression. Immutable. The orders below are part of the contract: the results the
 * clearinghouse signs are built in them, and an auditor's replay must rebuild the same bytes.
 *
 * @param recordMatches per report input (same order as given), its matched records, in the
 *     order first met: by the smallest token they matched on, then record handle, tier and
 *     label handle (two watchlist inputs with the same label handle: merge order)
 * @param labelAggregates per watchlist input (same order as given), its per-label aggregates,
 *     by label handle, then by tier number compared as a decimal string (so tier 10 before
 *     tier 2, an order kept from the first version of the results)
 * @param tierSummaries per tier with a matched event, ascending by tier
 */
public record MatchOutcome(
    List<List<MatchedRecord>> recordMatches,
    List<List<LabelAggregate>> labelAggregates,
    List<TierSummary> tierSummaries) {

  public MatchOutcome {
    recordMatches = recordMatches.stream().map(List::copyOf).toList();
    labelAggregates = labelAggregates.stream().map(List::copyOf).toList();
    tierSummaries = List.copyOf(tierSummaries);
  }

  /**
   * A report record that matched a label.
   *
   * @param recordHandle the report submitter's record handle
   * @param watchlistInput index of the watchlist input the label belongs to
   * @param labelHandle the NGO's label handle
   * @param tier the report record's tier number
   * @param events report records of this handle and tier whose token matches this label
   *     (duplicate records each count)
   */
  public record MatchedRecord(Handle recordHandle, int watchlistInput, Handle labelHandle,
      int tier, long events) {}

  /**
   * An NGO label's aggregate in one tier, before suppression.
   *
   * @param labelHandle the label handle
   * @param tier tier number
   * @param matchedRecords distinct (report input, record handle) pairs matched
   * @param submitters distinct report submitters with a matched record
   */
  public record LabelAggregate(Handle labelHandle, int tier, long matchedRecords,
      long submitters) {}

  /**
   * What one join matched in one tier.
   *
   * @param tier tier number
   * @param matchedRecords distinct matched (report input, record handle) pairs
   * @param matchedEvents report records with at least one matching watchlist token
   * @param matchedLabels distinct (watchlist input, label handle) pairs matched
   * @param submitters distinct report submitters with a match
   */
  public record TierSummary(int tier, long matchedRecords, long matchedEvents,
      long matchedLabels, long submitters) {}
}
