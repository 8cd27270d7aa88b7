package org.blindmatch.core.disclosure;

import java.util.OptionalLong;

/**
 * The arithmetic of a scope's differential-privacy budget, in millionths of epsilon, done the
 * same way by the clearinghouse before a run and by an auditor reading the log: each run
 * charges {@code epsilon_per_run}; a run whose charge would take the spent total past
 * {@code epsilon_budget} is refused. Also the sensitivity noise is calibrated to. Stateless.
 */
public final class PrivacyBudget {
  /**
   * Counts one report event can change by one in a tier, over everything one recipient sees:
   * its label aggregate's matched records and submitters (the event's token matching one
   * label), and the tier totals' matched records, events, labels and submitters (every
   * recipient gets them through the transcript).
   */
  public static final int COUNTS_PER_TIER = 6;

  private PrivacyBudget() {}

  /** The L1 sensitivity of one run's released counts for a scope with {@code tiers} tiers. */
  public static int sensitivity(int tiers) {
    return COUNTS_PER_TIER * tiers;
  }

  /**
   * The spent total after one more run, or empty if it would exceed the budget.
   *
   * @param spentBefore epsilon spent by the scope's earlier runs (unsigned)
   */
  public static OptionalLong charge(long spentBefore, long perRun, long budget) {
    if (Long.compareUnsigned(spentBefore, budget) > 0
        || Long.compareUnsigned(perRun, budget - spentBefore) > 0) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(spentBefore + perRun);
  }
}
