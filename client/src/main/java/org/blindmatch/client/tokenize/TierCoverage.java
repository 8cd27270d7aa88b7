package org.blindmatch.client.tokenize;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one tier of the scope lost in a tokenize run: the rows it skipped although they were
 * well-formed (over its caps), and the watchlist labels that ended with no token in it.
 * Immutable.
 *
 * @param tier the tier's name
 * @param skips rows this tier skipped, by reason ({@code window_over_cap},
 *     {@code cidr_over_cap}, {@code row_over_cap}); rows every tier skipped included
 * @param labelsWithoutToken labels (of rows with a non-empty label) that got no token in this
 *     tier, whatever the reason; 0 for reports
 * @param labelsNamed the first {@link #MAX_NAMED} of those labels, in label order
 */
public record TierCoverage(String tier, Map<String, Long> skips, long labelsWithoutToken,
    List<String> labelsNamed) {
  /** How many labels a summary names per tier before saying "and N more". */
  public static final int MAX_NAMED = 10;

  public TierCoverage {
    skips = Collections.unmodifiableMap(new LinkedHashMap<>(skips));
    labelsNamed = List.copyOf(labelsNamed);
  }

  /** Whether the tier lost nothing. */
  public boolean complete() {
    return skips.isEmpty() && labelsWithoutToken == 0;
  }

  /**
   * The summary lines for {@code tiers} (empty when no tier lost anything), as both
   * {@code blindmatch tokenize} and the Spark job print them:
   * <pre>
   * tier skips   (rows over a tier's caps; each is kept in the tiers it fits)
   *   tier ip+hour: window_over_cap 135
   * labels without a token in a tier
   *   tier ip+hour: 4 labels: "KK Park", "Shwe Kokko", … and 2 more
   * </pre>
   */
  public static List<String> summaryLines(List<TierCoverage> tiers) {
    List<String> lines = new ArrayList<>();
    if (tiers.stream().anyMatch(t -> !t.skips().isEmpty())) {
      lines.add("tier skips   (rows over a tier's caps; each is kept in the tiers it fits)");
      for (TierCoverage t : tiers) {
        t.skips().forEach((reason, n) -> lines.add("  tier " + t.tier() + ": " + reason + " "
            + n));
      }
    }
    if (tiers.stream().anyMatch(t -> t.labelsWithoutToken() > 0)) {
      lines.add("labels without a token in a tier");
      for (TierCoverage t : tiers) {
        if (t.labelsWithoutToken() > 0) {
          lines.add("  tier " + t.tier() + ": " + t.labelsWithoutToken()
              + (t.labelsWithoutToken() == 1 ? " label: " : " labels: ") + t.namedText());
        }
      }
    }
    return lines;
  }

  /** The named labels, quoted, with "and N more" when some were left out. */
  public String namedText() {
    StringBuilder b = new StringBuilder();
    for (String label : labelsNamed) {
      b.append(b.length() == 0 ? "" : ", ").append('"').append(label.replace("\"", "\\\""))
          .append('"');
    }
    if (labelsWithoutToken > labelsNamed.size()) {
      b.append(" and ").append(labelsWithoutToken - labelsNamed.size()).append(" more");
    }
    return b.toString();
  }
}
