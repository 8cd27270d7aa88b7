package org.blindmatch.core.match;

import java.util.List;

/**
 * Everything a match run computed, before it is split per recipient.
 *
 * @param recordMatches per report input (same order as given), its matches
 * @param labelCounts per watchlist input (same order as given), its per-label aggregates
 * @param totals per tier totals, ascending by tier
 */
public record MatchOutcome(
    List<List<RecordMatch>> recordMatches,
    List<List<LabelCount>> labelCounts,
    List<TierTotals> totals) {

  /**
   * A report record that matched a label.
   *
   * @param recordHandle the report submitter's 16-byte handle
   * @param watchlistInput index of the watchlist input the label belongs to
   * @param labelHandle the NGO's 16-byte label handle
   * @param tier tier number
   * @param events report events of this record with a token matching this label
   */
  public record RecordMatch(byte[] recordHandle, int watchlistInput, byte[] labelHandle,
      int tier, long events) {}

  /**
   * An NGO label's aggregate in one tier, before suppression.
   *
   * @param labelHandle the label handle
   * @param tier tier number
   * @param matchedRecords distinct (report submission, record handle) pairs matched
   * @param submitters distinct report submitters with a matched record
   */
  public record LabelCount(byte[] labelHandle, int tier, long matchedRecords, long submitters) {}

  /**
   * Totals for one tier.
   *
   * @param tier tier number
   * @param matchedRecords distinct matched (submission, record handle) pairs
   * @param matchedEvents report records with at least one matching watchlist token
   * @param matchedLabels distinct (watchlist submission, label handle) pairs matched
   * @param submitters distinct report submitters with a match
   */
  public record TierTotals(int tier, long matchedRecords, long matchedEvents, long matchedLabels,
      long submitters) {}
}
