package org.blindmatch.core.disclosure;

import java.util.Objects;
import java.util.Optional;
import org.blindmatch.proto.v1.DisclosureApplied;

/**
 * How a run releases aggregates to NGOs and the operator: the thresholds below which an
 * aggregate is suppressed, whether tier totals are thresholded too, the noise on released
 * counts, and the {@link DisclosureApplied} stamped into those recipients' results.
 * Immutable; thread-safe if its noise is.
 *
 * @param minRecords an aggregate with fewer distinct matched records is suppressed (unsigned)
 * @param minSubmitters an aggregate with fewer distinct report submitters is suppressed
 * @param suppressTotals whether the operator's tier totals are thresholded as well
 * @param noise applied to every released NGO and operator count
 * @param stamp set in NGO and operator results; empty for runs before disclosure control
 */
public record Release(long minRecords, long minSubmitters, boolean suppressTotals,
    CountNoise noise, Optional<DisclosureApplied> stamp) {
  public Release {
    Objects.requireNonNull(noise, "noise");
    Objects.requireNonNull(stamp, "stamp");
  }

  /**
   * Runs logged before disclosure control: NGO aggregates below {@code k} records suppressed,
   * nothing else, exact counts.
   *
   * @param k unsigned (uint32)
   */
  public static Release legacy(int k) {
    return new Release(Integer.toUnsignedLong(k), 0, false, CountNoise.EXACT, Optional.empty());
  }

  /** The release a run with {@code applied} makes, with {@code noise} on released counts. */
  public static Release of(DisclosureApplied applied, CountNoise noise) {
    return new Release(Integer.toUnsignedLong(applied.getMinRecords()),
        Integer.toUnsignedLong(applied.getMinSubmitters()), true, noise, Optional.of(applied));
  }

  /** Whether an aggregate of this many records and submitters is released. */
  public boolean releases(long records, long submitters) {
    return Long.compareUnsigned(records, minRecords) >= 0
        && Long.compareUnsigned(submitters, minSubmitters) >= 0;
  }
}
