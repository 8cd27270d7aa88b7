package org.blindmatch.cli.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.blindmatch.client.csv.CsvException;
import org.blindmatch.client.csv.CsvReader;
import org.blindmatch.crypto.ip.AddressClass;
import org.blindmatch.crypto.ip.AddressClassifier;
import org.blindmatch.crypto.ip.IpAddress;
import org.blindmatch.crypto.ip.IpParseException;
import org.blindmatch.crypto.ip.IpParser;
import org.blindmatch.crypto.ip.IpPrefix;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.scope.Tier;
import org.blindmatch.crypto.time.BucketRange;
import org.blindmatch.crypto.time.TimeParseException;
import org.blindmatch.crypto.time.TimestampFormat;
import org.blindmatch.crypto.time.WindowException;
import org.blindmatch.crypto.time.WindowExpander;

/**
 * The demo's ground truth: the same join computed in plaintext over the raw CSVs, without
 * keys or tokens, by the rule of docs/PROTOCOL.md §1 (same masked address at the tier's
 * prefix, and for timed tiers a bucket inside the widened window).
 */
final class ReferenceJoin {
  /** Expected platform results: "record_id|tier|label" → events. */
  final Map<String, Map<String, Long>> perPlatform = new TreeMap<>();
  /** Expected NGO aggregates: "label|tier" → distinct "platform:record_id". */
  final Map<String, Set<String>> labelRecords = new TreeMap<>();
  /** "label|tier" → distinct platforms. */
  final Map<String, Set<String>> labelPlatforms = new TreeMap<>();

  private record WatchRow(String label, IpPrefix prefix, List<BucketRange> ranges) {}

  static ReferenceJoin compute(Scope scope, Path watchlist, Map<String, Path> reports)
      throws IOException, CsvException, IpParseException, TimeParseException, WindowException {
    ReferenceJoin j = new ReferenceJoin();
    List<WatchRow> rows = new ArrayList<>();
    try (InputStream in = Files.newInputStream(watchlist);
        CsvReader csv = new CsvReader(in, watchlist.toString())) {
      csv.next();
      while (csv.next()) {
        IpPrefix prefix = IpParser.parseCidr(csv.field(1));
        long s = TimestampFormat.ISO_8601.parseEpochSecond(csv.field(2));
        long e = TimestampFormat.ISO_8601.parseEpochSecond(csv.field(3));
        List<BucketRange> ranges = new ArrayList<>();
        for (Tier t : scope.tiers()) {
          ranges.add(new WindowExpander(t.bucketWidth(), t.watchlistToleranceSeconds(),
              t.maxBucketsPerWindow()).expand(s, e));
        }
        rows.add(new WatchRow(csv.field(0), prefix, ranges));
      }
    }
    for (Map.Entry<String, Path> platform : reports.entrySet()) {
      Map<String, Long> matches = new TreeMap<>();
      j.perPlatform.put(platform.getKey(), matches);
      try (InputStream in = Files.newInputStream(platform.getValue());
          CsvReader csv = new CsvReader(in, platform.getValue().toString())) {
        csv.next();
        while (csv.next()) {
          IpAddress a = IpParser.parseEndpoint(csv.field(1));
          if (AddressClassifier.classify(a) != AddressClass.GLOBAL) {
            continue;
          }
          long t = TimestampFormat.ISO_8601.parseEpochSecond(csv.field(2));
          String record = csv.field(0);
          for (int tier = 0; tier < scope.tiers().size(); tier++) {
            Tier spec = scope.tier(tier);
            Set<String> labelsThisEvent = new HashSet<>();
            for (WatchRow w : rows) {
              if (w.prefix().family() != a.family()) {
                continue;
              }
              int p = Math.min(spec.prefixFor(a.family()), w.prefix().length());
              if (!a.mask(p).equals(w.prefix().network().mask(p))) {
                continue;
              }
              if (!w.ranges().get(tier).contains(spec.bucketWidth().bucketOf(t))) {
                continue;
              }
              labelsThisEvent.add(w.label());
            }
            for (String label : labelsThisEvent) {
              matches.merge(record + "|" + spec.name() + "|" + label, 1L, Long::sum);
              String key = label + "|" + spec.name();
              j.labelRecords.computeIfAbsent(key, k -> new HashSet<>())
                  .add(platform.getKey() + ":" + record);
              j.labelPlatforms.computeIfAbsent(key, k -> new HashSet<>()).add(platform.getKey());
            }
          }
        }
      }
    }
    return j;
  }
}
