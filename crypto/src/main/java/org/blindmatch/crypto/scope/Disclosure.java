package org.blindmatch.crypto.scope;

import java.util.Objects;
import java.util.Optional;

/**
 * A scope's disclosure control: the least number of distinct matched records and of distinct
 * report submitters an aggregate needs to be released to an NGO or the operator, and optional
 * differential privacy for the released counts ({@code docs/PROTOCOL.md} §2 and §7.2).
 * Immutable and thread-safe.
 *
 * @param minRecords an aggregate with fewer distinct matched records is suppressed, 1..10^6
 * @param minSubmitters an aggregate with fewer distinct report submitters is suppressed; also
 *     the differencing guard's bound, 1..1000
 * @param dp differential privacy, or empty for exact counts
 */
public record Disclosure(int minRecords, int minSubmitters, Optional<Dp> dp) {
  /** What a scope without a {@code disclosure} key applies. */
  public static final Disclosure DEFAULT = new Disclosure(3, 2, Optional.empty());
  public static final int MAX_MIN_RECORDS = 1_000_000;
  public static final int MAX_MIN_SUBMITTERS = 1_000;

  /** @throws IllegalArgumentException naming the key out of range */
  public Disclosure {
    Objects.requireNonNull(dp, "dp");
    if (minRecords < 1 || minRecords > MAX_MIN_RECORDS) {
      throw new IllegalArgumentException("min_records: " + minRecords + " is not in 1.."
          + MAX_MIN_RECORDS);
    }
    if (minSubmitters < 1 || minSubmitters > MAX_MIN_SUBMITTERS) {
      throw new IllegalArgumentException("min_submitters: " + minSubmitters + " is not in 1.."
          + MAX_MIN_SUBMITTERS);
    }
  }

  /**
   * Differential privacy for one scope: every released count of a run gets two-sided geometric
   * noise calibrated to {@code epsilonPerRun}; runs of the scope stop when their epsilons would
   * sum past {@code epsilonBudget}. Epsilons are fixed-point in millionths so that every party
   * (and an auditor reading the log) does the budget arithmetic exactly.
   *
   * @param epsilonPerRunMicros epsilon spent by one run, in millionths, &gt; 0
   * @param epsilonBudgetMicros total epsilon of the scope, in millionths, at least one run's
   *     and at most {@link #MAX_EPSILON_MICROS}
   * @param mechanism the noise mechanism
   */
  public record Dp(long epsilonPerRunMicros, long epsilonBudgetMicros, Mechanism mechanism) {
    /** Epsilon 1000: larger budgets give no meaningful protection. */
    public static final long MAX_EPSILON_MICROS = 1_000_000_000L;

    /** @throws IllegalArgumentException naming the key out of range */
    public Dp {
      Objects.requireNonNull(mechanism, "mechanism");
      if (epsilonPerRunMicros <= 0 || epsilonPerRunMicros > MAX_EPSILON_MICROS) {
        throw new IllegalArgumentException("epsilon_per_run: must be above 0 and at most 1000");
      }
      if (epsilonBudgetMicros < epsilonPerRunMicros || epsilonBudgetMicros > MAX_EPSILON_MICROS) {
        throw new IllegalArgumentException("epsilon_budget: must be at least epsilon_per_run "
            + "and at most 1000");
      }
    }
  }

  /** Noise mechanisms; the code is the byte in the canonical encoding. */
  public enum Mechanism {
    GEOMETRIC(1, "geometric");

    private final int code;
    private final String yamlName;

    Mechanism(int code, String yamlName) {
      this.code = code;
      this.yamlName = yamlName;
    }

    public int code() {
      return code;
    }

    /** The name in scope files, transcripts and results. */
    public String yamlName() {
      return yamlName;
    }
  }

  /** An epsilon in millionths as a decimal, e.g. {@code 500000} as {@code "0.5"}. */
  public static String formatEpsilon(long micros) {
    return java.math.BigDecimal.valueOf(micros, 6).stripTrailingZeros().toPlainString();
  }
}
