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

  WatchlistPartition(PartSettings settings, ReasonCounts counts) {
    super(settings, counts, TokenFileHeader.Role.WATCHLIST);
  }

  @Override
  RowHandler handler(Scope scope, HandleDeriver handles) {
    List<Tier> tiers = scope.tiers();
    WindowExpander[] expanders = WatchlistRow.expanders(scope);
    BucketRange[] ranges = new BucketRange[tiers.size()];
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
      try {
        long start = ReportRow.epochSecond(startText, settings.timeFormat(), "start");
        long end = ReportRow.epochSecond(endText, settings.timeFormat(), "end");
        WatchlistRow.ranges(prefix, start, end, tiers, expanders, ranges);
      } catch (RowSkip skip) {
        out.skip(in, label, skip.field(), skip.reasonKey(), skip.detail(), skip.policy());
        return;
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
