package org.blindmatch.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.blindmatch.cli.Cli.Result;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code blindmatch tokenize} on bad input: clear messages naming file, line and field; the
 * right exit status; and nothing left in the output directory after a failure.
 */
class TokenizeCommandTest {
  static final String REPORT_HEADER = "record_id,ip,timestamp\n";
  static final String WATCH_HEADER = "label,ip,start,end\n";
  static final String GOOD_REPORT = "R-OK,45.77.12.9,2026-03-01T10:00:00Z\n";
  static final String GOOD_WATCH = "Good,45.77.12.9,2026-03-01T10:00:00Z,2026-03-01T11:00:00Z\n";
  private static final AtomicInteger SEQ = new AtomicInteger();

  @TempDir static Path shared;
  static Path pass;
  static Path keyset;
  static Path scope;

  /** Fresh per test: must be empty again after every failed run. */
  @TempDir Path outDir;

  @BeforeAll
  static void keyset() throws IOException {
    pass = Cli.passphraseFile(shared);
    keyset = Cli.newKeyset(shared, "keys.json");
    scope = Cli.example("scope.yaml");
  }

  /** Writes {@code content} to a new input file outside the output directory. */
  static Path input(String name, String content) throws IOException {
    Path d = shared.resolve("in" + SEQ.incrementAndGet());
    Files.createDirectories(d);
    return Cli.write(d.resolve(name), content);
  }

  Path out() {
    return outDir.resolve("tokens.bmt");
  }

  Result tokenize(String kind, Path input, String... extra) {
    List<String> args = new ArrayList<>(List.of("tokenize", kind, input.toString(),
        "--scope", scope.toString(), "--keyset", keyset.toString(),
        "--passphrase-file", pass.toString(), "--out", out().toString(), "--no-progress"));
    args.addAll(Arrays.asList(extra));
    return Cli.run(args.toArray(String[]::new));
  }

  Result reports(String content, String... extra) throws IOException {
    return tokenize("--reports", input("reports.csv", content), extra);
  }

  Result watchlist(String content, String... extra) throws IOException {
    return tokenize("--watchlist", input("watchlist.csv", content), extra);
  }

  void assertNoOutput() throws IOException {
    assertEquals(List.of(), Cli.list(outDir), "files left in the output directory");
  }

  static void assertErr(Result r, String... fragments) {
    for (String f : fragments) {
      assertTrue(r.err().contains(f), () -> "stderr lacks \"" + f + "\":\n" + r.err());
    }
  }

  static void assertLine(String text, String regex) {
    assertTrue(Pattern.compile("(?m)^" + regex + "$").matcher(text).find(),
        () -> "no line matching /" + regex + "/ in:\n" + text);
  }

  // ---- fatal input problems --------------------------------------------------------------

  @Test
  void emptyFileIsFatal() throws IOException {
    Path in = input("reports.csv", "");
    Result r = tokenize("--reports", in).expect(1);
    assertErr(r, in + ": empty file", "record_id,ip,timestamp");
    assertNoOutput();
  }

  @Test
  void headerWithoutRowsIsFatal() throws IOException {
    Path in = input("watchlist.csv", WATCH_HEADER);
    Result r = tokenize("--watchlist", in).expect(1);
    assertErr(r, in + ": no data rows");
    assertNoOutput();
  }

  @Test
  void missingColumnIsNamed() throws IOException {
    Path in = input("reports.csv", "record_id,ip,time\n" + GOOD_REPORT);
    Result r = tokenize("--reports", in).expect(1);
    assertErr(r, in + ":1: header lacks column timestamp");
    assertNoOutput();
  }

  @Test
  void missingWatchlistColumnsAreNamed() throws IOException {
    Path in = input("watchlist.csv", "label,address,start\nX,45.77.12.9,1772402400\n");
    Result r = tokenize("--watchlist", in).expect(1);
    assertErr(r, in + ":1: header lacks columns ip, end");
    assertNoOutput();
  }

  @Test
  void undetectableTimeFormatIsFatal() throws IOException {
    Path in = input("reports.csv", REPORT_HEADER + "R-1,45.77.12.9,03/01/2026\n" + GOOD_REPORT);
    Result r = tokenize("--reports", in).expect(1);
    assertErr(r, in + ":2: timestamp: ", "--time-format");
    assertNoOutput();
  }

  @Test
  void explicitTimeFormatIsUsedForEveryRow() throws IOException {
    // 1772402400 would be detected as epoch-seconds; as millis every row is 1970 (not bad)
    Result r = reports(REPORT_HEADER + "R-1,45.77.12.9,1772402400000\n"
        + "R-2,45.77.12.9,2026-03-01T10:00:00Z\n", "--time-format", "epoch-millis").ok();
    assertLine(r.out(), "input .*\\(report, timestamps epoch-millis\\)");
    assertLine(r.out(), " +bad_timestamp +1");
    assertErr(r, ":3: timestamp: ");
  }

  @Test
  void allRowsBadIsFatal() throws IOException {
    Path in = input("reports.csv", REPORT_HEADER
        + "R-1,not an ip,2026-03-01T10:00:00Z\n"
        + "R-2,10.0.0.1,2026-03-01T10:00:00Z\n"
        + "R-3,45.77.12.9,2026-03-01T10:00:00\n");
    Result r = tokenize("--reports", in).expect(1);
    assertErr(r, in + ": none of the 3 rows produced a token", "bad_ip", "non_routable:private",
        "bad_timestamp");
    assertNoOutput();
  }

  @Test
  void strictStopsAtTheFirstMalformedRow() throws IOException {
    Path in = input("reports.csv", REPORT_HEADER + GOOD_REPORT
        + "R-2,45.77.12.999,2026-03-01T10:00:00Z\n" + GOOD_REPORT);
    Result r = tokenize("--reports", in, "--strict").expect(1);
    assertErr(r, in + ":3: ip: ", ":3:", "ip", "--strict");
    assertNoOutput();
  }

  @Test
  void strictDoesNotStopAtNonRoutableRows() throws IOException {
    Result r = reports(REPORT_HEADER + "R-1,192.168.1.1,2026-03-01T10:00:00Z\n" + GOOD_REPORT,
        "--strict").ok();
    assertLine(r.out(), " +non_routable:private +1");
  }

  @Test
  void unterminatedQuoteIsFatal() throws IOException {
    Path in = input("reports.csv", REPORT_HEADER + GOOD_REPORT
        + "\"R-2,45.77.12.9,2026-03-01T10:00:00Z\n" + GOOD_REPORT);
    Result r = tokenize("--reports", in).expect(1);
    assertErr(r, in + ":3: unterminated quoted field");
    assertNoOutput();
  }

  @Test
  void textAfterClosingQuoteIsFatal() throws IOException {
    Path in = input("watchlist.csv", WATCH_HEADER + GOOD_WATCH
        + "\"Bad\"x,45.77.12.9,2026-03-01T10:00:00Z,2026-03-01T11:00:00Z\n");
    Result r = tokenize("--watchlist", in).expect(1);
    assertErr(r, in + ":3: text after the closing quote");
    assertNoOutput();
  }

  @Test
  void truncatedGzipIsFatalAndNamesTheFile() throws IOException {
    StringBuilder sb = new StringBuilder(REPORT_HEADER);
    for (int i = 0; i < 2000; i++) {
      sb.append("R-").append(i).append(",45.77.").append(i % 250).append('.').append(i % 200 + 1)
          .append(",2026-03-01T10:00:00Z\n");
    }
    Path plain = input("big.csv", sb.toString());
    Path gz = Cli.gzip(plain, plain.resolveSibling("big.csv.gz"));
    byte[] bytes = Files.readAllBytes(gz);
    Files.write(gz, Arrays.copyOf(bytes, bytes.length / 2));
    Result r = tokenize("--reports", gz).expect(1);
    assertErr(r, gz.toString());
    assertNoOutput();
  }

  // ---- skipped rows (non-strict) ---------------------------------------------------------

  @Test
  void malformedRowsAreSkippedCountedAndListed() throws IOException {
    Path in = input("reports.csv", REPORT_HEADER
        + GOOD_REPORT                                          // 2
        + "R-2,example.com,2026-03-01T10:00:00Z\n"             // 3 host name
        + "R-3,010.1.1.1,2026-03-01T10:00:00Z\n"               // 4 octal-looking
        + "R-4,fe80::1%eth0,2026-03-01T10:00:00Z\n"            // 5 zone id
        + "R-5,45.77.12.9,2026-03-01T10:00:00\n"               // 6 no offset
        + "R-6,45.77.12.9,2026-02-30T10:00:00Z\n"              // 7 no such day
        + "R-7,2a02:6b8::1:443,2026-03-01T10:00:00Z\n"         // 8 v6:port = an address: ok
        + "R-8,45.77.12.9\n"                                   // 9 missing field
        + ",45.77.12.9,2026-03-01T10:00:00Z\n"                 // 10 empty id
        + "R-9,203.0.113.5,2026-03-01T10:00:00Z\n");           // 11 documentation
    Result r = tokenize("--reports", in).ok();
    assertLine(r.out(), "rows read +10");
    assertLine(r.out(), "rows skipped +8");
    assertLine(r.out(), " +bad_ip +3");
    assertLine(r.out(), " +bad_timestamp +2");
    assertLine(r.out(), " +missing_field +1");
    assertLine(r.out(), " +empty_record_id +1");
    assertLine(r.out(), " +non_routable:documentation +1");
    assertLine(r.out(), "tokens +4");
    String err = r.err();
    assertLine(err, "skipped " + Pattern.quote(in + ":3: ip: ") + ".*host name.*");
    assertLine(err, "skipped " + Pattern.quote(in + ":4: ip: ") + ".*leading zero.*");
    assertLine(err, "skipped " + Pattern.quote(in + ":5: ip: ") + ".*zone.*");
    assertLine(err, "skipped " + Pattern.quote(in + ":6: timestamp: ") + ".*offset.*");
    assertLine(err, "skipped " + Pattern.quote(in + ":7: timestamp: ") + ".+");
    assertLine(err, "skipped " + Pattern.quote(in + ":9: row: ") + ".+");
    assertLine(err, "skipped " + Pattern.quote(in + ":10: record_id: ") + ".+");
    assertFalse(err.contains(":8:") || err.contains(":11:"), err);
    assertEquals(7, err.lines().count(), err);
    assertEquals(List.of(out(), Path.of(out() + ".map.csv"), Path.of(out() + ".provenance")),
        Cli.list(outDir));
  }

  @Test
  void watchlistCidrOverEveryTiersCapIsSkippedAndCountedPerTier() throws IOException {
    Result r = watchlist(WATCH_HEADER + GOOD_WATCH
        + "Huge,44.0.0.0/8,2026-03-01T10:00:00Z,2026-03-01T11:00:00Z\n").ok();
    assertLine(r.out(), "rows skipped +1");
    assertLine(r.out(), " +over_cap_in_every_tier +1");
    assertLine(r.out(), "  tier ip\\+hour: cidr_over_cap 1");
    assertLine(r.out(), "  tier ip-only: cidr_over_cap 1");
    assertLine(r.out(), "  tier ip\\+hour: 1 label: \"Huge\"");
    assertErr(r, ":3: ip: ", "max_addresses_per_cidr");
    assertFalse(r.err().contains("44.0.0.0"), r.err());
  }

  @Test
  void reversedWindowIsSkipped() throws IOException {
    Result r = watchlist(WATCH_HEADER
        + "Reversed,45.77.12.10,2026-03-01T11:00:00Z,2026-03-01T10:00:00Z\n" + GOOD_WATCH).ok();
    assertLine(r.out(), "rows skipped +1");
    assertLine(r.out(), " +bad_window +1");
    assertErr(r, ":2: start,end: ");
    assertTrue(r.err().toLowerCase().contains("before"), r.err());
  }

  @Test
  void windowOverOneTiersCapIsSkippedFromThatTierOnly() throws IOException {
    // ip+hour allows 744 buckets: 40 days of hours is over; ip-only has no time component.
    Result r = watchlist(WATCH_HEADER + GOOD_WATCH
        + "Long,45.77.12.10,2026-03-01T00:00:00Z,2026-04-10T00:00:00Z\n"
        + "Long,45.77.12.11,2026-03-01T00:00:00Z,2026-04-10T00:00:00Z\n").ok();
    assertLine(r.out(), "rows skipped +0");
    assertLine(r.out(), "  tier ip\\+hour: window_over_cap 2");
    assertLine(r.out(), "  tier ip\\+hour: 1 label: \"Long\"");
    assertFalse(r.out().contains("tier ip-only: window"), r.out());
    // Good: 2 hour buckets widened by 30 min = 3 buckets, one address; ip-only: 3 addresses.
    assertLine(r.out(), "  tier ip\\+hour +3");
    assertLine(r.out(), "  tier ip-only +3");
    assertErr(r, ":3: start,end: ", "skipped from tier ip+hour only",
        "warning: tier ip+hour: 1 label(s) got no token");
  }

  @Test
  void labelsWithoutATokenAreNamedUpToALimit() throws IOException {
    StringBuilder csv = new StringBuilder(WATCH_HEADER + GOOD_WATCH);
    for (int i = 0; i < 13; i++) {
      csv.append(String.format("L%02d,45.77.12.%d,2026-01-01T00:00:00Z,2026-03-31T00:00:00Z%n",
          i, 20 + i));
    }
    Result r = watchlist(csv.toString()).ok();
    assertLine(r.out(), "  tier ip\\+hour: window_over_cap 13");
    assertLine(r.out(), "  tier ip\\+hour: 13 labels: \"L00\", \"L01\", .*\"L09\" and 3 more");
    assertFalse(r.out().contains("L10"), r.out());
    assertLine(r.out(), "  tier ip-only +14");
  }

  @Test
  void strictStopsAtARowOverOneTiersCap() throws IOException {
    Result r = watchlist(WATCH_HEADER + GOOD_WATCH
        + "Long,45.77.12.10,2026-03-01T00:00:00Z,2026-04-10T00:00:00Z\n", "--strict").expect(1);
    assertErr(r, ":3: start,end: ", "tier ip+hour", "--strict");
    assertNoOutput();
  }

  @Test
  void nonRoutableWatchlistCidrIsSkippedWhole() throws IOException {
    // 192.0.0.0/22 overlaps 192.0.0.0/24 and 192.0.2.0/24
    Result r = watchlist(WATCH_HEADER + GOOD_WATCH
        + "Overlap,192.0.0.0/22,2026-03-01T10:00:00Z,2026-03-01T11:00:00Z\n").ok();
    assertLine(r.out(), "rows skipped +1");
    assertLine(r.out(), " +non_routable:.* +1");
    assertLine(r.out(), "tokens +4");
  }

  // ---- files and options -----------------------------------------------------------------

  @Test
  void existingOutputIsNotReplacedWithoutForce() throws IOException {
    byte[] before = "precious".getBytes(StandardCharsets.UTF_8);
    Files.write(out(), before);
    Path in = input("reports.csv", REPORT_HEADER + GOOD_REPORT);
    Result r = tokenize("--reports", in).expect(1);
    assertErr(r, out().toString(), "already exists", "--force");
    assertArrayEquals(before, Files.readAllBytes(out()));
    assertEquals(List.of(out()), Cli.list(outDir));

    tokenize("--reports", in, "--force").ok();
    assertEquals(List.of(out(), Path.of(out() + ".map.csv"), Path.of(out() + ".provenance")),
        Cli.list(outDir));
    assertEquals(1, Cli.list(outDir).stream().filter(p -> p.equals(out())).count());
  }

  @Test
  void existingProvenanceIsNotReplacedWithoutForce() throws IOException {
    Path provenance = Path.of(out() + ".provenance");
    Files.writeString(provenance, "mine\n");
    Result r = reports(REPORT_HEADER + GOOD_REPORT).expect(1);
    assertErr(r, provenance.toString(), "already exists", "--force");
    assertEquals("mine\n", Files.readString(provenance));
    assertEquals(List.of(provenance), Cli.list(outDir));
  }

  @Test
  void aRerunWithoutForceKeepsTheFirstRunsOutputs() throws IOException {
    Path in = input("reports.csv", REPORT_HEADER + GOOD_REPORT);
    tokenize("--reports", in).ok();
    Path map = Path.of(out() + ".map.csv");
    byte[] tokens = Files.readAllBytes(out());
    byte[] mapping = Files.readAllBytes(map);
    Result again = tokenize("--reports", in).expect(1);
    assertErr(again, out().toString(), "already exists", "--force");
    assertArrayEquals(tokens, Files.readAllBytes(out()));
    assertArrayEquals(mapping, Files.readAllBytes(map));
  }

  @Test
  void existingMappingIsNotReplacedWithoutForce() throws IOException {
    Path map = Path.of(out() + ".map.csv");
    Files.writeString(map, "handle,record_id\n");
    Result r = reports(REPORT_HEADER + GOOD_REPORT).expect(1);
    assertErr(r, map.toString(), "already exists");
    assertEquals("handle,record_id\n", Files.readString(map));
    assertEquals(List.of(map), Cli.list(outDir));
  }

  @Test
  void outputThatIsADirectoryFailsWithoutLeavingTheMapping() throws IOException {
    Files.createDirectories(out().resolve("keep"));
    Path in = input("reports.csv", REPORT_HEADER + GOOD_REPORT);
    Result r = tokenize("--reports", in, "--force").expect(1);
    assertErr(r, out().toString(), "directory");
    assertEquals(List.of(out()), Cli.list(outDir), "nothing but the directory is left");
    assertEquals(List.of(out().resolve("keep")), Cli.list(out()));
  }

  @Test
  void outputInAMissingDirectoryNamesThatDirectory() throws IOException {
    Path in = input("reports.csv", REPORT_HEADER + GOOD_REPORT);
    Path missingDir = outDir.resolve("no-such-dir");
    Result r = Cli.run("tokenize", "--reports", in.toString(), "--scope", scope.toString(),
        "--keyset", keyset.toString(), "--passphrase-file", pass.toString(),
        "--out", missingDir.resolve("t.bmt").toString()).expect(1);
    assertErr(r, missingDir.toString());
    assertFalse(r.err().contains(".tmp"), "names a temporary file the user never gave:\n"
        + r.err());
    assertNoOutput();
  }

  @Test
  void wrongPassphraseIsRejected() throws IOException {
    Path wrong = Cli.write(shared.resolve("wrong-pass.txt"), "not the passphrase at all\n");
    Path in = input("reports.csv", REPORT_HEADER + GOOD_REPORT);
    Result r = Cli.run("tokenize", "--reports", in.toString(), "--scope", scope.toString(),
        "--keyset", keyset.toString(), "--passphrase-file", wrong.toString(),
        "--out", out().toString()).expect(1);
    assertErr(r, keyset.toString(), "wrong passphrase");
    assertNoOutput();
  }

  @Test
  void nonexistentInputIsReported() throws IOException {
    Path missing = shared.resolve("nope").resolve("reports.csv");
    Result r = tokenize("--reports", missing).expect(1);
    assertErr(r, missing + ": no such file");
    assertNoOutput();
  }

  @Test
  void outputSameAsInputIsRefused() throws IOException {
    Path in = Cli.write(outDir.resolve("tokens.bmt"), REPORT_HEADER + GOOD_REPORT);
    Result r = tokenize("--reports", in, "--force").expect(1);
    assertErr(r, "three different files");
    assertEquals(REPORT_HEADER + GOOD_REPORT, Files.readString(in));
    assertEquals(List.of(in), Cli.list(outDir));
  }

  @Test
  void outputSpelledDifferentlyFromTheInputIsRefused() throws IOException {
    // --out names the input through a "." segment; with --force the input would be replaced
    // by the token file.
    Path in = Cli.write(outDir.resolve("tokens.bmt"), REPORT_HEADER + GOOD_REPORT);
    Path sameFile = outDir.resolve(".").resolve("tokens.bmt");
    Result r = Cli.run("tokenize", "--reports", in.toString(), "--scope", scope.toString(),
        "--keyset", keyset.toString(), "--passphrase-file", pass.toString(),
        "--out", sameFile.toString(), "--map", outDir.resolve("m.csv").toString(), "--force");
    assertArrayEquals((REPORT_HEADER + GOOD_REPORT).getBytes(StandardCharsets.UTF_8),
        Files.readAllBytes(in), "the input was replaced");
    r.expect(1);
    assertErr(r, "three different files");
    assertEquals(List.of(in), Cli.list(outDir));
  }

  @Test
  void mappingSpelledDifferentlyFromTheOutputIsRefused() throws IOException {
    // --map names the token file through "sub/.."; both would be renamed onto one path and
    // the mapping (the only way back from handles to ids) silently lost.
    Files.createDirectories(outDir.resolve("sub"));
    Path in = input("reports.csv", REPORT_HEADER + GOOD_REPORT);
    Result r = tokenize("--reports", in, "--map",
        outDir.resolve("sub").resolve("..").resolve("tokens.bmt").toString());
    r.expect(1);
    assertErr(r, "three different files");
    assertEquals(List.of(outDir.resolve("sub")), Cli.list(outDir));
  }

  @Test
  void usageErrorsExitWith2() throws IOException {
    Path in = input("reports.csv", REPORT_HEADER + GOOD_REPORT);
    assertEquals(2, tokenize("--reports", in, "--frobnicate").status());
    assertEquals(2, Cli.run("tokenize", "--reports", in.toString(), "--out", out().toString())
        .status(), "missing --scope and --keyset");
    assertEquals(2, Cli.run("tokenize", "--reports", in.toString(), "--watchlist", in.toString(),
        "--scope", scope.toString(), "--keyset", keyset.toString(), "--out", out().toString())
        .status(), "--reports and --watchlist together");
    assertEquals(2, Cli.run("frobnicate").status());
    assertEquals(2, Cli.run().status());
    assertNoOutput();
  }

  // ---- privacy ---------------------------------------------------------------------------

  @Test
  void messagesNeverEchoAddressesOrRecordIds() throws IOException {
    Path in = input("reports.csv", REPORT_HEADER
        + "R-SECRET-1,45.77.12.9,2026-03-01T10:00:00Z\n"
        + "R-SECRET-2,1.2.3.4.5,2026-03-01T10:00:00Z\n"
        + "R-SECRET-3,[2a02:6b8::beef]:99999,2026-03-01T10:00:00Z\n"
        + "R-SECRET-4,fe80::1%eth0,2026-03-01T10:00:00Z\n"
        + "R-SECRET-5,89.160.20.1,2026-13-01T10:00:00Z\n"
        + "R-SECRET-6,10.20.30.40,2026-03-01T10:00:00Z\n"
        + "R-SECRET-7,89.160.20.2\n"
        + "R-SECRET-8,010.7.7.7,2026-03-01T10:00:00Z\n");
    Result r = tokenize("--reports", in).ok();
    Result strict = tokenize("--reports", in, "--strict", "--force").expect(1);
    for (Result run : List.of(r, strict)) {
      String all = run.all();
      for (String secret : List.of("45.77.12.9", "1.2.3.4.5", "2a02:6b8::beef", "99999",
          "fe80::1", "eth0", "89.160.20.1", "10.20.30.40", "89.160.20.2", "010.7.7.7",
          "R-SECRET")) {
        assertFalse(all.contains(secret), () -> "output echoes \"" + secret + "\":\n" + all);
      }
    }
    assertLine(r.out(), "rows skipped +7");
  }

  @Test
  void watchlistMessagesNeverEchoAddressesOrLabels() throws IOException {
    Result r = watchlist(WATCH_HEADER + GOOD_WATCH
        + "Secret Label A,44.0.0.0/8,2026-03-01T10:00:00Z,2026-03-01T11:00:00Z\n"
        + "Secret Label B,89.160.20.0/25,2026-03-01T12:00:00Z,2026-03-01T11:00:00Z\n"
        + "Secret Label C,89.160.20.7/24,2026-03-01T10:00:00Z,2026-03-01T11:00:00Z\n"
        + "Secret Label D,89.160.21.1,2026-03-01T10:00:00Z,yesterday\n").ok();
    String all = r.all();
    for (String secret : List.of("44.0.0.0", "89.160.20", "89.160.21")) {
      assertFalse(all.contains(secret), () -> "output echoes \"" + secret + "\":\n" + all);
    }
    // Messages never echo a label; the summary on stdout names, to their owner, the labels
    // that got no token in a tier.
    assertFalse(r.err().contains("Secret Label"), r.err());
    assertLine(r.out(), "  tier ip-only: 4 labels: \"Secret Label A\", .*\"Secret Label D\"");
    assertLine(r.out(), "rows skipped +4");
  }

  @Test
  void badTimestampMessagesDoNotEchoTheValue() throws IOException {
    // A row whose timestamp column holds the address (a duplicated column, a shifted row):
    // the bad-row message must name line and field, never the value.
    Result r = reports(REPORT_HEADER + GOOD_REPORT
        + "R-2,89.160.20.9,89.160.20.9\n"
        + "R-3,89.160.20.10,2026-03-01T10:00:00 R-3\n").ok();
    assertErr(r, ":3: timestamp: ", ":4: timestamp: ");
    assertFalse(r.all().contains("89.160.20"), r.all());
    assertFalse(r.all().contains("R-3"), r.all());
  }
}
