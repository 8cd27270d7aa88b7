package org.blindmatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.blindmatch.cli.Cli.Rec;
import org.blindmatch.cli.Cli.TokenFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Matching semantics end to end: both sides tokenised through the CLI, tokens intersected
 * per tier and mapped back to record ids and labels through the owners' mapping files.
 */
class MatchingEndToEndTest {
  static final String TIER_HOUR = "ip+hour";
  static final String TIER_IP = "ip-only";

  // Scope (examples/scope.yaml): ip+hour = 1 h buckets, /32 and /64, tolerance 30 min.
  static final String WATCHLIST = """
      label,ip,start,end
      Alpha,45.77.12.9,2026-03-03T10:00:00Z,2026-03-03T11:00:00Z
      Bravo,2a02:6b8:0:1::/64,2026-03-04T00:00:00Z,2026-03-04T00:00:00Z
      "Charlie, Ltd",203.0.114.0/31,2026-03-01T09:40:00Z,2026-03-01T10:10:00Z
      Delta,::ffff:45.77.13.0/120,2026-03-05T00:00:00Z,2026-03-05T00:00:00Z
      Echo,2a0e:1c80:0:100::/56,2026-03-06T12:00:00Z,2026-03-06T12:00:00Z
      Alpha,2a03:2880:f10c:83:face:b00c:0:25de,2026-03-07T00:00:00Z,2026-03-07T00:00:00+00:00
      """;

  static final String REPORTS = """
      record_id,ip,timestamp
      R-A1,45.77.12.9,2026-03-03T09:30:00Z
      R-A2,45.77.12.9,2026-03-03T08:59:59Z
      R-A3,45.77.12.9:51234,2026-03-03T09:00:00Z
      R-A4,::ffff:45.77.12.9,2026-03-03T11:59:59Z
      R-A5,45.77.12.9,2026-03-03T12:00:00Z
      R-A6,[2a03:2880:f10c:83::1]:443,2026-03-07T00:15:00Z
      R-B1,[2a02:6b8:0:1::dead:beef]:443,2026-03-03T23:30:00Z
      R-B2,2a02:6b8:0:1:ffff::1,2026-03-04T00:59:59Z
      R-B3,2a02:6b8:0:2::1,2026-03-04T00:00:00Z
      R-B4,[2a02:6b8:0:1::1],2026-03-04T01:00:00Z
      R-C1,203.0.114.1,2026-03-01T10:59:59Z
      R-C2,203.0.114.2,2026-03-01T10:00:00Z
      R-C3,203.0.114.0,2026-03-01T08:59:59Z
      R-D1,45.77.13.200,2026-03-05T00:10:00+01:00
      R-D2,45.77.14.1,2026-03-05T00:00:00Z
      R-E1,2A0E:1C80:0:1FF::1,2026-03-06T12:29:59Z
      R-E2,2a0e:1c80:0:200::1,2026-03-06T12:00:00Z
      R-E3,2a0e:1c80:0:100:1::,2026-03-06T10:59:59Z
      R-X1,10.1.2.3,2026-03-03T10:00:00Z
      "R-Q, ""quoted""\",45.77.12.9,2026-03-03T10:30:00Z
      R-A1,45.77.14.2,2026-03-03T09:30:00Z
      """;

  static final Set<String> EXPECTED = Set.of(
      // 09:30:00 is exactly start - tolerance
      m("R-A1", "Alpha", TIER_HOUR), m("R-A1", "Alpha", TIER_IP),
      // 08:59:59 is one bucket before the widened window: address-only match
      m("R-A2", "Alpha", TIER_IP),
      // 09:00 is before start - tolerance but in the same hour bucket; v4:port
      m("R-A3", "Alpha", TIER_HOUR), m("R-A3", "Alpha", TIER_IP),
      // IPv4-mapped IPv6 is the IPv4 address; 11:59:59 shares the bucket of end + tolerance
      m("R-A4", "Alpha", TIER_HOUR), m("R-A4", "Alpha", TIER_IP),
      // 12:00:00 is one bucket after
      m("R-A5", "Alpha", TIER_IP),
      // [v6]:port in the /64 of Alpha's second row (same label, second row)
      m("R-A6", "Alpha", TIER_HOUR), m("R-A6", "Alpha", TIER_IP),
      // same /64 as a watchlist /64, at start - tolerance (previous day's 23:00 bucket)
      m("R-B1", "Bravo", TIER_HOUR), m("R-B1", "Bravo", TIER_IP),
      m("R-B2", "Bravo", TIER_HOUR), m("R-B2", "Bravo", TIER_IP),
      // [v6] without a port, one bucket late
      m("R-B4", "Bravo", TIER_IP),
      m("R-C1", "Charlie, Ltd", TIER_HOUR), m("R-C1", "Charlie, Ltd", TIER_IP),
      m("R-C3", "Charlie, Ltd", TIER_IP),
      // +01:00 offset: 2026-03-04T23:10Z, within 30 min before the window
      m("R-D1", "Delta", TIER_HOUR), m("R-D1", "Delta", TIER_IP),
      // a /64 inside a watchlist /56; upper-case hex
      m("R-E1", "Echo", TIER_HOUR), m("R-E1", "Echo", TIER_IP),
      m("R-E3", "Echo", TIER_IP),
      m("R-Q, \"quoted\"", "Alpha", TIER_HOUR), m("R-Q, \"quoted\"", "Alpha", TIER_IP));

  @TempDir static Path dir;
  static Path pass;
  static Path scope;
  static Path keyset;
  static Path reportsCsv;
  static Path watchCsv;
  static Path reportOut;
  static Path watchOut;

  static String m(String id, String label, String tier) {
    return id + " | " + label + " | " + tier;
  }

  @BeforeAll
  static void tokenizeBothSides() throws Exception {
    pass = Cli.passphraseFile(dir);
    scope = Cli.example("scope.yaml");
    keyset = Cli.newKeyset(dir, "keys.json");
    reportsCsv = Cli.write(dir.resolve("reports.csv"), REPORTS);
    watchCsv = Cli.write(dir.resolve("watchlist.csv"), WATCHLIST);
    reportOut = tokenize("--reports", reportsCsv, scope, keyset, "reports.bmt");
    watchOut = tokenize("--watchlist", watchCsv, scope, keyset, "watchlist.bmt");
  }

  static Path tokenize(String kind, Path input, Path scopeFile, Path keysetFile, String out) {
    Path outFile = dir.resolve(out);
    Cli.run("tokenize", kind, input.toString(), "--scope", scopeFile.toString(),
        "--keyset", keysetFile.toString(), "--passphrase-file", pass.toString(),
        "--out", outFile.toString(), "--no-progress").ok();
    return outFile;
  }

  static Path map(Path out) {
    return Path.of(out + ".map.csv");
  }

  /** (record id | label | tier name) for every report token equal to a watchlist token. */
  static Set<String> matches(Path reports, Path watchlist) throws Exception {
    TokenFile r = Cli.readTokens(reports);
    TokenFile w = Cli.readTokens(watchlist);
    Map<String, String> ids = Cli.readMapping(map(reports), "record_id");
    Map<String, String> labels = Cli.readMapping(map(watchlist), "label");
    List<String> tierNames = List.of(TIER_HOUR, TIER_IP);
    Map<String, Set<String>> byToken = new HashMap<>();
    for (Rec rec : w.records()) {
      byToken.computeIfAbsent(rec.tier() + ":" + rec.token(), k -> new HashSet<>())
          .add(labels.get(rec.handle()));
    }
    Set<String> out = new TreeSet<>();
    for (Rec rec : r.records()) {
      for (String label : byToken.getOrDefault(rec.tier() + ":" + rec.token(), Set.of())) {
        out.add(m(ids.get(rec.handle()), label, tierNames.get(rec.tier())));
      }
    }
    return out;
  }

  static long overlap(Path a, Path b) throws Exception {
    Set<String> ta = Cli.readTokens(a).records().stream().map(Rec::token)
        .collect(Collectors.toSet());
    return Cli.readTokens(b).records().stream().map(Rec::token).filter(ta::contains).count();
  }

  @Test
  void exactlyTheExpectedEventsMatchPerTier() throws Exception {
    assertEquals(new TreeSet<>(EXPECTED), matches(reportOut, watchOut));
  }

  @Test
  void tokenCountsFollowTheExpansionRules() throws Exception {
    TokenFile w = Cli.readTokens(watchOut);
    // ip+hour: Alpha 1x3 + Bravo 1x2 + Charlie 2x2 + Delta 256x2 + Echo 256x2 + Alpha 1x2
    assertEquals(List.of(new org.blindmatch.crypto.tokenfile.TokenFileHeader.TierCount(0, 1035),
            new org.blindmatch.crypto.tokenfile.TokenFileHeader.TierCount(1, 517)),
        w.header().tiers());
    TokenFile r = Cli.readTokens(reportOut);
    assertEquals(21, r.header().rowsRead());
    assertEquals(1, r.header().rowsSkipped());
    assertEquals(40, r.header().records());
  }

  @Test
  void mappingsHoldEachIdAndLabelOnce() throws Exception {
    Map<String, String> ids = Cli.readMapping(map(reportOut), "record_id");
    // R-A1 appears twice, not consecutively: same handle, two mapping lines, one entry
    assertEquals(19, ids.size());
    assertTrue(ids.containsValue("R-Q, \"quoted\""), ids.toString());
    Map<String, String> labels = Cli.readMapping(map(watchOut), "label");
    assertEquals(Set.of("Alpha", "Bravo", "Charlie, Ltd", "Delta", "Echo"),
        new HashSet<>(labels.values()));
    assertEquals(5, labels.size());
  }

  @Test
  void anotherKeysetGivesNoOverlap() throws Exception {
    Path keyset2 = Cli.newKeyset(dir, "keys2.json");
    Path other = tokenize("--reports", reportsCsv, scope, keyset2, "reports-key2.bmt");
    assertNotEquals(Cli.readTokens(reportOut).header().keyId(),
        Cli.readTokens(other).header().keyId());
    assertEquals(40, Cli.readTokens(other).header().records());
    assertEquals(0, overlap(other, watchOut));
    assertEquals(Set.of(), matches(other, watchOut));
  }

  @Test
  void anotherScopeIdGivesNoOverlap() throws Exception {
    String yaml = Files.readString(scope).replace("scope: sea-compounds-2026",
        "scope: sea-compounds-2026-b");
    Path scope2 = Cli.write(dir.resolve("scope-b.yaml"), yaml);
    assertNotEquals(Cli.scopeDigest(scope), Cli.scopeDigest(scope2));
    Path other = tokenize("--reports", reportsCsv, scope2, keyset, "reports-scope2.bmt");
    assertEquals(Cli.scopeDigest(scope2), Cli.readTokens(other).header().scopeDigestHex());
    assertEquals(40, Cli.readTokens(other).header().records());
    assertEquals(0, overlap(other, watchOut));
  }

  @Test
  void gzipInputGivesTheSameTokens() throws Exception {
    Path gz = Cli.gzip(reportsCsv, dir.resolve("reports.csv.gz"));
    Path fromGz = tokenize("--reports", gz, scope, keyset, "reports-gz.bmt");
    TokenFile plain = Cli.readTokens(reportOut);
    TokenFile zipped = Cli.readTokens(fromGz);
    assertEquals(plain.header().rowsRead(), zipped.header().rowsRead());
    assertEquals(plain.header().rowsSkipped(), zipped.header().rowsSkipped());
    assertEquals(plain.sortedTokens(0), zipped.sortedTokens(0));
    assertEquals(plain.sortedTokens(1), zipped.sortedTokens(1));
    // handles are per run by design
    assertNotEquals(plain.records().get(0).handle(), zipped.records().get(0).handle());
    assertEquals(new TreeSet<>(EXPECTED), matches(fromGz, watchOut));
  }

  @Test
  void concatenatedGzipWithByteOrderMarkGivesTheSameTokens() throws Exception {
    // `cat a.gz b.gz c.gz` is valid gzip (RFC 1952 members). Here the UTF-8 BOM is split
    // across the first two members and a record across the last two.
    byte[] csv = Files.readAllBytes(reportsCsv);
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    int cut = REPORTS.indexOf("R-C1") + 7;
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    for (byte[] part : List.of(
        java.util.Arrays.copyOfRange(bom, 0, 2),
        concat(java.util.Arrays.copyOfRange(bom, 2, 3), java.util.Arrays.copyOfRange(csv, 0, cut)),
        java.util.Arrays.copyOfRange(csv, cut, csv.length))) {
      java.io.ByteArrayOutputStream member = new java.io.ByteArrayOutputStream();
      try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(member)) {
        gz.write(part);
      }
      all.write(member.toByteArray());
    }
    Path gz = Files.write(dir.resolve("reports-members.csv.gz"), all.toByteArray());
    Path fromGz = tokenize("--reports", gz, scope, keyset, "reports-members.bmt");
    TokenFile plain = Cli.readTokens(reportOut);
    TokenFile zipped = Cli.readTokens(fromGz);
    assertEquals(plain.header().rowsRead(), zipped.header().rowsRead());
    assertEquals(plain.sortedTokens(0), zipped.sortedTokens(0));
    assertEquals(plain.sortedTokens(1), zipped.sortedTokens(1));
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
