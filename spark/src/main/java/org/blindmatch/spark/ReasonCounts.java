package org.blindmatch.spark;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.util.AccumulatorV2;

/**
 * A Spark accumulator counting skipped rows by reason key ({@code bad_ip},
 * {@code non_routable:private}, …). Spark merges the copies of successful tasks on the
 * driver. As for every accumulator updated inside a transformation, a stage that Spark
 * re-runs after losing an executor counts again; the job reads its input once, so this
 * happens only then, and the part headers' totals stay exact regardless.
 */
public final class ReasonCounts extends AccumulatorV2<String, Map<String, Long>> {
  private static final long serialVersionUID = 1L;

  private final TreeMap<String, Long> counts = new TreeMap<>();

  @Override
  public boolean isZero() {
    synchronized (counts) {
      return counts.isEmpty();
    }
  }

  @Override
  public AccumulatorV2<String, Map<String, Long>> copy() {
    ReasonCounts c = new ReasonCounts();
    synchronized (counts) {
      c.counts.putAll(counts);
    }
    return c;
  }

  @Override
  public void reset() {
    synchronized (counts) {
      counts.clear();
    }
  }

  @Override
  public void add(String reason) {
    synchronized (counts) {
      counts.merge(reason, 1L, Long::sum);
    }
  }

  @Override
  public void merge(AccumulatorV2<String, Map<String, Long>> other) {
    Map<String, Long> theirs = other.value();
    synchronized (counts) {
      theirs.forEach((k, v) -> counts.merge(k, v, Long::sum));
    }
  }

  /** A sorted snapshot. */
  @Override
  public Map<String, Long> value() {
    synchronized (counts) {
      return Collections.unmodifiableMap(new TreeMap<>(counts));
    }
  }
}
