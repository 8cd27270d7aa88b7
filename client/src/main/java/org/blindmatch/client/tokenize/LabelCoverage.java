package org.blindmatch.client.tokenize;

import java.util.ArrayList;
import java.util.BitSet;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which watchlist labels got at least one token in which tier, so a summary can name the
 * labels a tier lost entirely (in label order, so that every way of tokenizing names the same
 * ones). Holds every distinct label (a watchlist has few). Not thread-safe.
 */
public final class LabelCoverage {
  private final Map<String, BitSet> tiersWithToken = new TreeMap<>();

  /** A row carried {@code label} (whether or not it produced a token). */
  public void seen(String label) {
    tiersWithToken.computeIfAbsent(label, k -> new BitSet());
  }

  /** A row of {@code label} produced tokens in tier {@code t}. */
  public void covered(String label, int t) {
    tiersWithToken.computeIfAbsent(label, k -> new BitSet()).set(t);
  }

  /**
   * Per tier, in tier-number order: its skips from {@code skips} (by tier name, then reason)
   * and its uncovered labels.
   */
  public List<TierCoverage> result(List<String> tierNames, Map<String, Map<String, Long>> skips) {
    List<TierCoverage> out = new ArrayList<>();
    for (int t = 0; t < tierNames.size(); t++) {
      long missing = 0;
      List<String> named = new ArrayList<>();
      for (Map.Entry<String, BitSet> e : tiersWithToken.entrySet()) {
        if (!e.getValue().get(t)) {
          missing++;
          if (named.size() < TierCoverage.MAX_NAMED) {
            named.add(e.getKey());
          }
        }
      }
      out.add(new TierCoverage(tierNames.get(t),
          skips.getOrDefault(tierNames.get(t), Map.of()), missing, named));
    }
    return out;
  }
}
