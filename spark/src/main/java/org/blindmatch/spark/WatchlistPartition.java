package org.blindmatch.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.blindmatch.client.tokenize.HandleDeriver;
import org.blindmatch.client.tokenize.ReportRow;
import org.blindmatch.client.tokenize.RowSkip;
import org.blindmatch.client.tokenize.WatchlistRow;
import org.blindmatch.crypto.ip.IpPrefix;
import org.blindmatch.crypto.scope.Tier;
import org.blindmatch.crypto.time.BucketRange;
import org.blindmatch.crypto.time.WindowExpander;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.tokenfile.TokenFileHeader;

/**
 * Watchlist rows ({@code label, ip, start, end, file}) to watchlist records, with the checks,
 * caps, reasons and order of {@code blindmatch tokenize --watchlist} ({@link WatchlistRow}).
 * Each label gets one mapping line per partition (the job de-duplicates them).
 */
final class WatchlistPartition extends PartitionTokenizer {
  private static final long serialVersionUID = 1L;

  /** Key of {@link #labels} for a label seen on a row. */
  static final String SEEN = "*";

  private final ReasonCounts tierSkips;
  private final ReasonCounts labels;

  /**
   * @param tierSkips counts {@code <tier name>\t<reason>} of rows a tier skipped
   * @param labels counts {@code *\t<label>} for every row carrying the label and
   *     {@code <tier number>\t<label>} for every row of the label with tokens in that tier
   */
  WatchlistPartition(PartSettings settings, ReasonCounts counts, ReasonCounts tierSkips,
      ReasonCounts labels) {
    super(settings, counts, TokenFileHeader.Role.WATCHLIST);
    this.tierSkips = tierSkips;
    this.labels = labels;
  }

  @Override
  RowHandler handler(Scope scope, HandleDeriver handles) {
    List<Tier> tiers = scope.tiers();
    WindowExpander[] expanders = WatchlistRow.expanders(scope);
    BucketRange[] ranges = new BucketRange[tiers.size()];
    RowSkip[] skips = new RowSkip[tiers.size()];
    Map<String, byte[]> labelHandles = new HashMap<>();
    return (in, out) -> {
      if (missing(in)) {
        out.skip(in, in.getString(0), "row", "missing_field",
            "lacks a field the header names", false);
        return;
      }
      String label = in.isNullAt(0) ? "" : in.getString(0).trim();
      if (label.isEmpty()) {
        out.skip(in, null, "label", "empty_label", "empty", false);
        return;
      }
      labels.add(SEEN + "\t" + label);
      IpPrefix prefix;
      try {
        prefix = WatchlistRow.prefix(text(in, 1));
      } catch (RowSkip skip) {
        out.skip(in, label, skip.field(), skip.reasonKey(), skip.detail(), skip.policy());
        return;
      }
      CharSequence startText = ReportRow.trimmed(text(in, 2));
      CharSequence endText = ReportRow.trimmed(text(in, 3));
      if (startText.length() == 0 || endText.length() == 0) {
        out.skip(in, label, startText.length() == 0 ? "start" : "end", "bad_timestamp",
            "empty", false);
        return;
      }
      int kept;
      try {
        long start = ReportRow.epochSecond(startText, settings.timeFormat(), "start");
        long end = ReportRow.epochSecond(endText, settings.timeFormat(), "end");
        kept = WatchlistRow.ranges(prefix, start, end, tiers, expanders, ranges, skips);
      } catch (RowSkip skip) {
        out.skip(in, label, skip.field(), skip.reasonKey(), skip.detail(), skip.policy());
        return;
      }
      if (kept == 0) {
        RowSkip every = WatchlistRow.everyTier(skips);
        out.skip(in, label, every.field(), every.reasonKey(), every.detail(), false);
        for (int t = 0; t < skips.length; t++) {
          tierSkips.add(tiers.get(t).name() + "\t" + skips[t].reasonKey());
        }
        return;
      }
      for (int t = 0; t < skips.length; t++) {
        if (skips[t] == null) {
          labels.add(t + "\t" + label);
        } else {
          out.tierSkip(in, tiers.get(t).name(), skips[t]);
          tierSkips.add(tiers.get(t).name() + "\t" + skips[t].reasonKey());
        }
      }
      byte[] handle = labelHandles.get(label);
      if (handle == null) {
        handle = new byte[HandleDeriver.LENGTH];
        byte[] bytes = label.getBytes(StandardCharsets.UTF_8);
        handles.derive(bytes, bytes.length, handle, 0);
        out.mapping(handle, label);
        labelHandles.put(label, handle);
      }
      out.accepted.watchlistRow(prefix, ranges, handle);
    };
  }
}
