package org.blindmatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.blindmatch.cli.Cli.Result;
import org.blindmatch.cli.Cli.TokenFile;
import org.blindmatch.crypto.tokenfile.TokenFileHeader;
import org.blindmatch.crypto.tokenfile.TokenFileReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The documented workflow on the files in examples/: keys new, scope, tokenize both sides. */
class TokenizeExamplesTest {
  @TempDir static Path dir;
  static Path pass;
  static Path keyset;
  static String keyId;
  static String digest;
  static Path scope;

  static Result reportRun;
  static Path reportOut;
  static Path reportMap;
  static Result watchRun;
  static Path watchOut;
  static Path watchMap;

  @BeforeAll
  static void tokenizeExamples() throws Exception {
    pass = Cli.passphraseFile(dir);
    keyset = Cli.newKeyset(dir, "keys.json");
    keyId = Cli.primaryKeyId(keyset, pass);
    scope = Cli.example("scope.yaml");
    digest = Cli.scopeDigest(scope);

    reportOut = dir.resolve("out-reports").resolve("reports.bmt");
    Files.createDirectories(reportOut.getParent());
    reportMap = Path.of(reportOut + ".map.csv");
    reportRun = Cli.run("tokenize", "--reports", Cli.example("reports.csv").toString(),
        "--scope", scope.toString(), "--keyset", keyset.toString(),
        "--passphrase-file", pass.toString(), "--out", reportOut.toString(), "--no-progress");

    watchOut = dir.resolve("out-watchlist").resolve("watchlist.bmt");
    Files.createDirectories(watchOut.getParent());
    watchMap = watchOut.resolveSibling("labels.csv");
    watchRun = Cli.run("tokenize", "--watchlist", Cli.example("watchlist.csv").toString(),
        "--scope", scope.toString(), "--keyset", keyset.toString(),
        "--passphrase-file", pass.toString(), "--out", watchOut.toString(),
        "--map", watchMap.toString(), "--no-progress");
  }

  private static void assertLine(String out, String regex) {
    assertTrue(Pattern.compile("(?m)^" + regex + "$").matcher(out).find(),
        () -> "no line matching /" + regex + "/ in:\n" + out);
  }

  @Test
  void scopeCommandPrintsTheDigestOfTheSpec() {
    // docs/PROTOCOL.md §6.1
    assertEquals("8b3f0bc94781570ab55c0429ff473705d4b384994d6ddb703f79b413411b6abe", digest);
    Result r = Cli.run("scope", scope.toString()).ok();
    assertLine(r.out(), "scope  sea-compounds-2026");
    assertLine(r.out(), "  0 ip\\+hour .*width=3600s v4=/32 v6=/64 tolerance=1800s.*");
    assertLine(r.out(), "  1 ip-only .*width=none.*");
    assertLine(r.out(), "disclosure min_records=3 min_submitters=2 dp=none \\(defaults\\)");
  }

  @Test
  void keysNewPrintsOnePrimaryKey() {
    Result r = Cli.run("keys", "show", "--keyset", keyset.toString(), "--passphrase-file",
        pass.toString()).ok();
    assertEquals(List.of(keyId), Cli.keyIds(r.out(), false));
    assertTrue(r.out().contains("(1 key)"), r.out());
    assertTrue(r.out().contains("ENABLED"), r.out());
  }

  @Test
  void reportSummaryCountsRowsSkipsAndTokens() {
    reportRun.ok();
    String out = reportRun.out();
    assertLine(out, "input .*reports\\.csv \\(report, timestamps iso8601\\)");
    assertLine(out, "scope +sea-compounds-2026 sha256:" + digest);
    assertLine(out, "key id +" + keyId + " \\(hmac\\)");
    assertLine(out, "rows read +7");
    assertLine(out, "rows skipped +3");
    assertLine(out, " +non_routable:documentation +1");
    assertLine(out, " +non_routable:private +1");
    assertLine(out, " +bad_ip +1");
    assertLine(out, "tokens +8");
    assertLine(out, " +tier ip\\+hour +4");
    assertLine(out, " +tier ip-only +4");
    assertLine(out, "handles +3");
    // the one malformed row is listed on stderr with file, line and field
    assertTrue(reportRun.err().contains("reports.csv:8: ip: "), reportRun.err());
  }

  @Test
  void watchlistSummaryCountsExpandedTokens() {
    watchRun.ok();
    String out = watchRun.out();
    assertLine(out, "input .*watchlist\\.csv \\(watchlist, timestamps iso8601\\)");
    assertLine(out, "rows read +3");
    assertLine(out, "rows skipped +0");
    // KK Park: /30 = 4 addresses x hours 08..12 (30 min tolerance) = 20
    // Shwe Kokko: 1 x hours 17..01 = 9; Bavet: 1 x hours 23, 00..23, 00 = 26
    assertLine(out, "tokens +61");
    assertLine(out, " +tier ip\\+hour +55");
    assertLine(out, " +tier ip-only +6");
    assertLine(out, "handles +3");
    assertEquals("", watchRun.err());
  }

  @Test
  void reportTokenFileHeaderMatchesScopeAndKey() throws Exception {
    reportRun.ok();
    try (TokenFileReader reader = TokenFileReader.open(reportOut)) {
      TokenFileHeader h = reader.header();
      assertEquals(TokenFileHeader.Role.REPORT, h.role());
      assertEquals(TokenFileHeader.KeyMode.HMAC, h.mode());
      assertEquals(digest, h.scopeDigestHex());
      assertEquals(keyId, Integer.toUnsignedString(h.keyId()));
      assertEquals(7, h.rowsRead());
      assertEquals(3, h.rowsSkipped());
      assertEquals(8, h.records());
      assertEquals(List.of(new TokenFileHeader.TierCount(0, 4), new TokenFileHeader.TierCount(1, 4)),
          h.tiers());
      assertEquals(8, reader.verify());
    }
  }

  @Test
  void watchlistTokenFileHeaderMatchesScopeAndKey() throws Exception {
    watchRun.ok();
    try (TokenFileReader reader = TokenFileReader.open(watchOut)) {
      TokenFileHeader h = reader.header();
      assertEquals(TokenFileHeader.Role.WATCHLIST, h.role());
      assertEquals(digest, h.scopeDigestHex());
      assertEquals(keyId, Integer.toUnsignedString(h.keyId()));
      assertEquals(3, h.rowsRead());
      assertEquals(0, h.rowsSkipped());
      assertEquals(61, h.records());
      assertEquals(61, reader.verify());
    }
  }

  @Test
  void inspectVerifiesTheChecksum() {
    Result r = Cli.run("inspect", reportOut.toString()).ok();
    assertTrue(r.out().contains("checksum    ok"), r.out());
    assertTrue(r.out().contains("sha256:" + digest), r.out());
  }

  @Test
  void idsAndLabelsAreOnlyInTheMappingFiles() throws Exception {
    reportRun.ok();
    watchRun.ok();
    byte[] reportBytes = Files.readAllBytes(reportOut);
    byte[] watchBytes = Files.readAllBytes(watchOut);
    for (String id : List.of("R-1001", "R-1002", "R-1005", "1001")) {
      assertFalse(Cli.containsBytes(reportBytes, id.getBytes(StandardCharsets.UTF_8)), id);
    }
    for (String label : List.of("KK Park", "Myawaddy", "Shwe Kokko", "Bavet")) {
      assertFalse(Cli.containsBytes(watchBytes, label.getBytes(StandardCharsets.UTF_8)), label);
    }
    Map<String, String> reports = Cli.readMapping(reportMap, "record_id");
    assertEquals(Set.of("R-1001", "R-1002", "R-1005"), new HashSet<>(reports.values()));
    Map<String, String> labels = Cli.readMapping(watchMap, "label");
    assertEquals(Set.of("KK Park (Myawaddy)", "Shwe Kokko", "Bavet"),
        new HashSet<>(labels.values()));
    // every handle in a token file resolves through its mapping
    for (Cli.Rec r : Cli.readTokens(reportOut).records()) {
      assertTrue(reports.containsKey(r.handle()), r.handle());
    }
    for (Cli.Rec r : Cli.readTokens(watchOut).records()) {
      assertTrue(labels.containsKey(r.handle()), r.handle());
    }
  }

  @Test
  void mappingFilesAreOwnerOnly() throws Exception {
    reportRun.ok();
    watchRun.ok();
    Set<PosixFilePermission> ownerRw =
        Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    assertEquals(ownerRw, Files.getPosixFilePermissions(reportMap));
    assertEquals(ownerRw, Files.getPosixFilePermissions(watchMap));
  }

  @Test
  void onlyTheTwoOutputsAndTheirProvenanceAreLeftInTheOutputDirectory() throws Exception {
    reportRun.ok();
    watchRun.ok();
    assertEquals(Set.of(reportOut, reportMap, Path.of(reportOut + ".provenance")),
        Set.copyOf(Cli.list(reportOut.getParent())));
    assertEquals(Set.of(watchMap, watchOut, Path.of(watchOut + ".provenance")),
        Set.copyOf(Cli.list(watchOut.getParent())));
  }

  @Test
  void theExamplesMatchWhereTheyShould() throws Exception {
    TokenFile reports = Cli.readTokens(reportOut);
    TokenFile watch = Cli.readTokens(watchOut);
    Map<String, String> ids = Cli.readMapping(reportMap, "record_id");
    Map<String, String> labels = Cli.readMapping(watchMap, "label");
    Map<String, Set<String>> watchTokens = new HashMap<>();
    for (Cli.Rec w : watch.records()) {
      watchTokens.computeIfAbsent(w.tier() + "/" + w.token(), k -> new HashSet<>())
          .add(labels.get(w.handle()));
    }
    Set<String> matches = new HashSet<>();
    for (Cli.Rec r : reports.records()) {
      for (String label : watchTokens.getOrDefault(r.tier() + "/" + r.token(), Set.of())) {
        matches.add(ids.get(r.handle()) + "|" + label + "|" + r.tier());
      }
    }
    // R-1001 (203.0.114.7) is outside KK Park's /30; R-1002 at 18:00Z is in Shwe Kokko's
    // window; R-1005 on 03-03 08:30Z is in Bavet's.
    assertEquals(Set.of("R-1002|Shwe Kokko|0", "R-1002|Shwe Kokko|1",
        "R-1005|Bavet|0", "R-1005|Bavet|1"), matches);
  }
}
