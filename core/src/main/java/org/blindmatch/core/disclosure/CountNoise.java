package org.blindmatch.core.disclosure;

/**
 * What a run does to each count it releases to an NGO or the operator: {@link #EXACT} leaves it
 * alone; {@link GeometricNoise} adds differential-privacy noise. Implementations are used by
 * one run at a time and need not be thread-safe.
 */
public interface CountNoise {
  /** Releases counts exactly (scopes without {@code dp}; an auditor's replay). */
  CountNoise EXACT = exact -> exact;

  /**
   * The value to release for an exact count.
   *
   * @param exact a count, read as unsigned
   * @return the released count, never negative as unsigned
   */
  long release(long exact);
}
