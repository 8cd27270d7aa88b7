package org.blindmatch.client.tokenize;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts rows that produced no token, by reason, and keeps the first few bad-row messages.
 * Also counts, per tier, the rows one tier skipped while another kept them (a watchlist row
 * over one tier's caps); those rows did produce tokens and are not in {@link #total()}.
 *
 * <p>Two kinds of skip: <em>policy</em> skips (a well-formed address in non-routable space,
 * reason {@code non_routable:<class>}) and <em>bad rows</em> (malformed input). In strict
 * mode the first bad row is fatal; policy skips never are. Messages name file, line, field
 * and reason but never echo the raw value of an address or record id. Not thread-safe.
 */
public final class SkipLedger {
  /** How many bad-row messages are kept for display. */
  public static final int MAX_MESSAGES = 20;

  private final String source;
  private final boolean strict;
  private final Map<String, Long> counts = new LinkedHashMap<>();
  private final List<String> messages = new ArrayList<>();
  private final Map<String, Map<String, Long>> tierCounts = new LinkedHashMap<>();
  private long total;
  private long badRows;
  private long tierSkips;

  public SkipLedger(String source, boolean strict) {
    this.source = source;
    this.strict = strict;
  }

  /** Records a row skipped by policy (it is well-formed but must not be tokenised). */
  public void policySkip(String reason) {
    counts.merge(reason, 1L, Long::sum);
    total++;
  }

  /**
   * Records a malformed row.
   *
   * @param reasonKey the counter key, e.g. {@code bad_ip}
   * @param detail a human reason that does not contain the raw value
   * @throws InputException in strict mode
   */
  public void badRow(long line, String field, String reasonKey, String detail)
      throws InputException {
    String message = source + ":" + line + ": " + field + ": " + detail;
    if (strict) {
      throw new InputException(message + " (--strict: stopping at the first bad row)");
    }
    counts.merge(reasonKey, 1L, Long::sum);
    total++;
    badRows++;
    if (messages.size() < MAX_MESSAGES) {
      messages.add(message);
    }
  }

  /**
   * Records a row that produced no token, as a policy skip or a bad row.
   *
   * @throws InputException for a bad row in strict mode
   */
  public void skip(long line, RowSkip skip) throws InputException {
    if (skip.policy()) {
      policySkip(skip.reasonKey());
    } else {
      badRow(line, skip.field(), skip.reasonKey(), skip.detail());
    }
  }

  /**
   * Records that tier {@code tierName} skipped the row at {@code line} although another tier
   * kept it (the row counts as tokenised).
   *
   * @throws InputException in strict mode: the row is not what the input says it is
   */
  public void tierSkip(long line, String tierName, RowSkip skip) throws InputException {
    String message = source + ":" + line + ": " + skip.field() + ": " + skip.detail()
        + "; skipped from tier " + tierName + " only";
    if (strict) {
      throw new InputException(message + " (--strict: stopping at the first bad row)");
    }
    tierCounts.computeIfAbsent(tierName, k -> new java.util.TreeMap<>())
        .merge(skip.reasonKey(), 1L, Long::sum);
    tierSkips++;
    if (messages.size() < MAX_MESSAGES) {
      messages.add(message);
    }
  }

  /**
   * Records a row every tier skipped (by {@code skips[t]}, named {@code tierNames[t]}): it
   * counts per tier and, as a bad row {@code over_cap_in_every_tier}, among the rows that
   * produced no token.
   *
   * @throws InputException in strict mode
   */
  public void everyTierSkip(long line, List<String> tierNames, RowSkip[] skips)
      throws InputException {
    skip(line, WatchlistRow.everyTier(skips));
    for (int t = 0; t < skips.length; t++) {
      tierCounts.computeIfAbsent(tierNames.get(t), k -> new java.util.TreeMap<>())
          .merge(skips[t].reasonKey(), 1L, Long::sum);
    }
  }

  public long total() {
    return total;
  }

  public long badRows() {
    return badRows;
  }

  /** Counts by reason, in first-seen order. */
  public Map<String, Long> counts() {
    return Collections.unmodifiableMap(counts);
  }

  /**
   * Per tier name (tiers that skipped any row only), its skip counts by reason, including
   * rows every tier skipped.
   */
  public Map<String, Map<String, Long>> tierCounts() {
    Map<String, Map<String, Long>> copy = new LinkedHashMap<>();
    tierCounts.forEach((k, v) -> copy.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
    return Collections.unmodifiableMap(copy);
  }

  /** Skips that have a message: bad rows plus rows skipped from one tier only. */
  public long noted() {
    return badRows + tierSkips;
  }

  /** The first {@link #MAX_MESSAGES} bad-row messages. */
  public List<String> messages() {
    return Collections.unmodifiableList(messages);
  }
}
