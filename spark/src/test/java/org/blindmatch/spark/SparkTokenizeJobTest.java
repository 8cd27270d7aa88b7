package org.blindmatch.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.blindmatch.cli.BlindmatchCli;
import org.blindmatch.crypto.tokenfile.TokenFileHeader;
import org.blindmatch.crypto.tokenfile.TokenFileReader;
import org.blindmatch.crypto.tokenfile.TokenFileSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark job against {@code blindmatch tokenize} on the same generated input (IPv4 and
 * IPv6 in every notation, three tiers, non-routable and malformed rows of every kind): the
 * same tokens bit for bit, the same headers, the same skips per reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkTokenizeJobTest {
  Path dir;
  JobFixture fx;

  @BeforeAll
  void setUp(@TempDir Path tmp) throws Exception {
    dir = tmp;
    fx = new JobFixture(dir);
    TestData.reports(dir.resolve("events.csv"), 12_000, 42);
    TestData.watchlist(dir.resolve("watch.csv"), 400, 7);
  }

  private String cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = BlindmatchCli.execute(args, new PrintWriter(out), new PrintWriter(err));
    assertEquals(0, status, () -> String.join(" ", args) + ": " + err);
    return out.toString();
  }

  private String cliTokenize(String kind, String csv, String out) {
    return cli("tokenize", kind, dir.resolve(csv).toString(), "--scope", fx.scope.toString(),
        "--keyset", fx.keyset.toString(), "--passphrase-file", fx.passphrase.toString(),
        "--out", dir.resolve(out).toString(), "--no-progress", "--threads", "2");
  }

  private record Run(int status, String out, String err) {}

  private static Run job(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    LocalSpark.session();
    int status = SparkTokenize.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  /** Runs both, compares tokens, headers and skip counts; returns the job's summary text. */
  private String compare(String kind, String role, String csv, String name, String extra)
      throws Exception {
    String cliOut = cliTokenize(kind, csv, name + ".bmt");
    Path output = dir.resolve(name + "-spark");
    Path cfg = fx.config(name + ".yaml", role, dir.resolve(csv), "csv", output, extra);
    Run run = job("--config", cfg.toString());
    assertEquals(0, run.status(), run.err());
    assertFalse(run.err().contains("\tat "), run.err());

    Path tokens = output.resolve("tokens");
    TokenFileSet set = TokenFileSet.open(tokens);
    assertTrue(set.parts().size() > 1, "the input was split: " + set.parts());
    TokenFileHeader cliHeader;
    try (TokenFileReader r = TokenFileReader.open(dir.resolve(name + ".bmt"))) {
      cliHeader = r.header();
    }
    assertEquals(cliHeader, set.header(), "same counts, scope, key, tiers");

    Map<String, String> cliMap = JobFixture.cliMapping(dir.resolve(name + ".bmt.map.csv"));
    Map<String, String> jobMap = JobFixture.jobMapping(output.resolve("mapping"));
    assertEquals(new HashMap<>(JobFixture.invert(cliMap)).keySet(),
        JobFixture.invert(jobMap).keySet(), "the same ids got handles");
    byte[] cliRecords = JobFixture.records(java.util.List.of(dir.resolve(name + ".bmt")));
    byte[] jobRecords = JobFixture.records(set.parts());
    assertEquals(cliRecords.length, jobRecords.length);
    byte[] expected = JobFixture.canonical(cliRecords, cliMap, JobFixture.invert(cliMap));
    byte[] actual = JobFixture.canonical(jobRecords, jobMap, JobFixture.invert(cliMap));
    assertArrayEquals(expected, actual, "records byte-identical in canonical order");

    assertEquals(JobFixture.tierSummary(cliOut), JobFixture.tierSummary(run.out()),
        "the same per-tier skips and labels without a token");
    Map<String, Long> cliSkips = JobFixture.cliSkips(cliOut);
    assertEquals(new java.util.TreeMap<>(cliSkips),
        new java.util.TreeMap<>(JobFixture.cliSkips(run.out())), run.out());
    Map<String, Long> rejected = new java.util.TreeMap<>();
    for (Row r : rejects(output).groupBy("reason").count().collectAsList()) {
      rejected.put(r.getString(0), r.getLong(1));
    }
    assertEquals(new java.util.TreeMap<>(cliSkips), rejected, "one reject row per skip");
    return run.out();
  }

  private static org.apache.spark.sql.Dataset<Row> rejects(Path output) {
    return LocalSpark.session().read().option("header", "true").option("escape", "\"")
        .csv(output.resolve("rejects").toString());
  }

  @Test
  void reportsAreBitIdenticalToTheCli() throws Exception {
    String out = compare("--reports", "report", "events.csv", "events", "");
    Row r = rejects(dir.resolve("events-spark")).where("reason = 'bad_ip'").first();
    assertTrue(r.getString(0).endsWith("events.csv"), r.toString());
    assertTrue(r.getString(1).startsWith("R-"), r.toString());
    assertEquals("ip", r.getString(2));
    for (String bad : new String[] {"010.1.2.3", "example.org", "fe80::1%eth0", "2a03::1::2"}) {
      assertFalse(r.toString().contains(bad), "never the raw address: " + r);
    }
    for (String reason : new String[] {"bad_ip", "bad_timestamp", "missing_field",
        "empty_record_id", "non_routable:private"}) {
      assertTrue(out.contains("  " + reason), reason + " exercised: " + out);
    }
  }

  @Test
  void watchlistsAreBitIdenticalToTheCli() throws Exception {
    String out = compare("--watchlist", "watchlist", "watch.csv", "watch",
        "partitions: 3\n");
    for (String reason : new String[] {"bad_ip", "bad_window", "over_cap_in_every_tier",
        "tier ip+hour: cidr_over_cap", "tier ip+hour: window_over_cap"}) {
      assertTrue(out.contains("  " + reason), reason + " exercised: " + out);
    }
    assertFalse(out.contains("tier net+day: window_over_cap"), out);
  }

  @Test
  void strictStopsAtTheFirstBadRowAndLeavesNoOutput() throws Exception {
    Path output = dir.resolve("strict-spark");
    Run run = job("--config", fx.config("s.yaml", "report", dir.resolve("events.csv"), "csv",
        output, "").toString(), "--strict");
    assertEquals(1, run.status(), run.out() + run.err());
    assertTrue(run.err().contains("--strict"), run.err());
    assertTrue(run.err().contains("events.csv"), run.err());
    assertFalse(run.err().contains("\tat "), run.err());
    assertFalse(Files.exists(output));
  }

  @Test
  void readsParquetAndJsonWithConfiguredColumnsAndNativeTimestamps() throws Exception {
    Path csv = dir.resolve("small.csv");
    Files.writeString(csv, "record_id,ip,timestamp\nA,45.77.12.9,2026-03-03T10:15:00Z\n"
        + "B,2a03:2880:f10c:83::1,2026-03-03T11:00:00+01:00\nC,10.0.0.1,2026-03-03T10:00:00Z\n"
        + "D,bad,2026-03-03T10:00:00Z\n");
    String cliOut = cliTokenize("--reports", "small.csv", "small.bmt");
    byte[] expectedTokens;
    TokenFileHeader cliHeader;
    try (TokenFileReader r = TokenFileReader.open(dir.resolve("small.bmt"))) {
      cliHeader = r.header();
    }
    Map<String, String> cliMap = JobFixture.cliMapping(dir.resolve("small.bmt.map.csv"));
    expectedTokens = JobFixture.canonical(
        JobFixture.records(java.util.List.of(dir.resolve("small.bmt"))), cliMap,
        JobFixture.invert(cliMap));
    var spark = LocalSpark.session();
    var df = spark.read().option("header", "true").csv(csv.toString())
        .selectExpr("record_id AS account", "ip AS client_ip",
            "to_timestamp(timestamp) AS event_time");
    df.write().parquet(dir.resolve("small.parquet").toString());
    df.write().json(dir.resolve("small.json").toString());
    for (String format : new String[] {"parquet", "json"}) {
      Path output = dir.resolve("small-" + format);
      Path cfg = fx.config("small-" + format + ".yaml", "report", dir.resolve("small." + format),
          format, output, "");
      // the columns are named differently: the configuration maps them
      Files.writeString(cfg, Files.readString(cfg).replace("format: " + format + "}",
          "format: " + format + ", columns: {record_id: account, ip: client_ip, "
              + "timestamp: event_time}}"));
      Run run = job("--config", cfg.toString());
      assertEquals(0, run.status(), run.err());
      TokenFileSet set = TokenFileSet.open(output.resolve("tokens"));
      assertEquals(cliHeader.records(), set.header().records(), format);
      assertEquals(cliHeader.rowsSkipped(), set.header().rowsSkipped(), format);
      Map<String, String> jobMap = JobFixture.jobMapping(output.resolve("mapping"));
      assertArrayEquals(expectedTokens, JobFixture.canonical(JobFixture.records(set.parts()),
          jobMap, JobFixture.invert(cliMap)), format);
      assertEquals(JobFixture.cliSkips(cliOut), JobFixture.cliSkips(run.out()), format);
    }
  }

  @Test
  void badConfigurationAndExistingOutputAreOneLineErrors() throws Exception {
    Path cfg = dir.resolve("bad.yaml");
    Files.writeString(cfg, "role: report\ninput: {path: x, format: orc}\n");
    Run run = job("--config", cfg.toString());
    assertEquals(1, run.status());
    assertTrue(run.err().startsWith("error: " + cfg + ": input.format: must be one of "),
        run.err());
    Files.writeString(cfg, "role: report\nrole2: x\n");
    run = job("--config", cfg.toString());
    assertTrue(run.err().startsWith("error: " + cfg + ": role2: unknown key"), run.err());

    Path small = dir.resolve("cols.csv");
    Files.writeString(small, "account,ip,timestamp\nA,45.77.12.9,2026-03-03T10:15:00Z\n");
    run = job("--config", fx.config("c.yaml", "report", small, "csv", dir.resolve("c"), "")
        .toString());
    assertEquals(1, run.status());
    assertTrue(run.err().startsWith("error: " + small + ": no column \"record_id\" for "
        + "record_id (columns: "), run.err());

    Path output = Files.createDirectories(dir.resolve("exists"));
    run = job("--config", fx.config("e.yaml", "report", dir.resolve("events.csv"), "csv",
        output, "").toString());
    assertEquals(1, run.status());
    assertTrue(run.err().contains("output already exists (use --force"), run.err());

    Path wrongPass = dir.resolve("wrong.txt");
    Files.writeString(wrongPass, "not the passphrase\n");
    Path c2 = fx.config("w.yaml", "report", dir.resolve("events.csv"), "csv",
        dir.resolve("never"), "");
    Files.writeString(c2, Files.readString(c2).replace(fx.passphrase.toString(),
        wrongPass.toString()));
    run = job("--config", c2.toString());
    assertEquals(1, run.status());
    assertTrue(run.err().contains("cannot decrypt the keyset"), run.err());
    assertFalse(Files.exists(dir.resolve("never")));
  }
}
