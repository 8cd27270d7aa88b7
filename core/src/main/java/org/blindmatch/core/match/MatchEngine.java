package org.blindmatch.core.match;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.blindmatch.crypto.tokenfile.TokenRecord;

/**
 * Joins report submissions against watchlist submissions on equal tokens.
 *
 * <p>All inputs must be sorted ascending by record bytes and use the same scope and key.
 * Report and watchlist sides are each k-way merged and walked together, so memory holds one
 * group of equal tokens plus the matches found (never the token sets). A report event
 * matches a label when a watchlist record of that label has the same token; duplicate
 * watchlist records of one label for one token count once. Stateless and thread-safe.
 */
public final class MatchEngine {
  private static final HexFormat HEX = HexFormat.of();
  private static final int T = TokenRecord.TOKEN_LENGTH;

  /** Runs the join. */
  public MatchOutcome run(List<MatchInput> reports, List<MatchInput> watchlists)
      throws IOException {
    List<Map<String, long[]>> perReport = new ArrayList<>();
    for (int i = 0; i < reports.size(); i++) {
      perReport.add(new LinkedHashMap<>());
    }
    // (watchlist input, label hex, tier) -> distinct "reportInput:handleHex", submitters
    Map<String, Set<String>> labelRecords = new TreeMap<>();
    Map<String, Set<String>> labelSubmitters = new TreeMap<>();
    Map<Integer, Set<String>> tierRecords = new TreeMap<>();
    Map<Integer, long[]> tierEvents = new TreeMap<>();
    Map<Integer, Set<String>> tierLabels = new TreeMap<>();
    Map<Integer, Set<String>> tierSubmitters = new TreeMap<>();

    try (MergedStream r = open(reports); MergedStream w = open(watchlists)) {
      byte[] token = new byte[T];
      List<byte[]> group = new ArrayList<>(); // watchlist records: source(4) label(16) tier(1)
      while (r.peek() != null && w.peek() != null) {
        int cmp = Arrays.compareUnsigned(r.peek().current(), 0, T, w.peek().current(), 0, T);
        if (cmp < 0) {
          r.advance();
          continue;
        }
        if (cmp > 0) {
          w.advance();
          continue;
        }
        System.arraycopy(w.peek().current(), 0, token, 0, T);
        group.clear();
        Set<String> seen = new HashSet<>();
        while (w.peek() != null && sameToken(w.peek().current(), token)) {
          RecordStream s = w.peek();
          String label = HEX.formatHex(s.current(), TokenRecord.HANDLE_OFFSET,
              TokenRecord.HANDLE_OFFSET + 16);
          if (seen.add(s.source() + ":" + label)) {
            byte[] entry = new byte[21];
            entry[0] = (byte) (s.source() >>> 24);
            entry[1] = (byte) (s.source() >>> 16);
            entry[2] = (byte) (s.source() >>> 8);
            entry[3] = (byte) s.source();
            System.arraycopy(s.current(), TokenRecord.HANDLE_OFFSET, entry, 4, 16);
            entry[20] = s.current()[TokenRecord.TIER_OFFSET];
            group.add(entry);
          }
          w.advance();
        }
        while (r.peek() != null && sameToken(r.peek().current(), token)) {
          RecordStream s = r.peek();
          byte[] rec = s.current();
          int tier = rec[TokenRecord.TIER_OFFSET] & 0xff;
          String handle = HEX.formatHex(rec, TokenRecord.HANDLE_OFFSET,
              TokenRecord.HANDLE_OFFSET + 16);
          String recordKey = s.source() + ":" + handle;
          String submitter = reports.get(s.source()).submitter();
          tierEvents.computeIfAbsent(tier, k -> new long[1])[0]++;
          tierRecords.computeIfAbsent(tier, k -> new HashSet<>()).add(recordKey);
          tierSubmitters.computeIfAbsent(tier, k -> new HashSet<>()).add(submitter);
          for (byte[] e : group) {
            int ws = ((e[0] & 0xff) << 24) | ((e[1] & 0xff) << 16) | ((e[2] & 0xff) << 8)
                | (e[3] & 0xff);
            String label = HEX.formatHex(e, 4, 20);
            String matchKey = handle + "|" + ws + "|" + label + "|" + tier;
            perReport.get(s.source()).computeIfAbsent(matchKey, k -> new long[1])[0]++;
            String labelKey = ws + "|" + label + "|" + tier;
            labelRecords.computeIfAbsent(labelKey, k -> new HashSet<>()).add(recordKey);
            labelSubmitters.computeIfAbsent(labelKey, k -> new HashSet<>()).add(submitter);
            tierLabels.computeIfAbsent(tier, k -> new HashSet<>()).add(ws + ":" + label);
          }
          r.advance();
        }
      }
      // Read every segment to its end: the store verifies each segment's checksum there.
      while (r.peek() != null) {
        r.advance();
      }
      while (w.peek() != null) {
        w.advance();
      }
    }

    List<List<MatchOutcome.RecordMatch>> recordMatches = new ArrayList<>();
    for (Map<String, long[]> m : perReport) {
      List<MatchOutcome.RecordMatch> list = new ArrayList<>();
      for (Map.Entry<String, long[]> e : m.entrySet()) {
        String[] p = e.getKey().split("\\|");
        list.add(new MatchOutcome.RecordMatch(HEX.parseHex(p[0]), Integer.parseInt(p[1]),
            HEX.parseHex(p[2]), Integer.parseInt(p[3]), e.getValue()[0]));
      }
      recordMatches.add(list);
    }
    List<List<MatchOutcome.LabelCount>> labelCounts = new ArrayList<>();
    for (int i = 0; i < watchlists.size(); i++) {
      labelCounts.add(new ArrayList<>());
    }
    for (Map.Entry<String, Set<String>> e : labelRecords.entrySet()) {
      String[] p = e.getKey().split("\\|");
      labelCounts.get(Integer.parseInt(p[0])).add(new MatchOutcome.LabelCount(
          HEX.parseHex(p[1]), Integer.parseInt(p[2]), e.getValue().size(),
          labelSubmitters.get(e.getKey()).size()));
    }
    List<MatchOutcome.TierTotals> totals = new ArrayList<>();
    for (Map.Entry<Integer, long[]> e : tierEvents.entrySet()) {
      int tier = e.getKey();
      totals.add(new MatchOutcome.TierTotals(tier, tierRecords.get(tier).size(),
          e.getValue()[0], tierLabels.getOrDefault(tier, Set.of()).size(),
          tierSubmitters.get(tier).size()));
    }
    return new MatchOutcome(recordMatches, labelCounts, totals);
  }

  private static boolean sameToken(byte[] record, byte[] token) {
    return Arrays.equals(record, 0, T, token, 0, T);
  }

  private static MergedStream open(List<MatchInput> inputs) throws IOException {
    List<RecordStream> streams = new ArrayList<>();
    try {
      for (int i = 0; i < inputs.size(); i++) {
        streams.add(new RecordStream(
            new BufferedInputStream(inputs.get(i).records().open(), 1 << 16), i));
      }
    } catch (IOException | RuntimeException e) {
      for (RecordStream s : streams) {
        s.close();
      }
      throw e;
    }
    return new MergedStream(streams);
  }
}
