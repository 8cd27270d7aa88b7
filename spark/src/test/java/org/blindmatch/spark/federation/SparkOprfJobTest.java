package org.blindmatch.spark.federation;

import org.blindmatch.cli.federation.FederationTests;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.blindmatch.cli.BlindmatchCli;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.crypto.tokenfile.TokenFileHeader;
import org.blindmatch.crypto.tokenfile.TokenFileReader;
import org.blindmatch.crypto.tokenfile.TokenFileSet;
import org.blindmatch.server.clearinghouse.ClearinghouseServer;
import org.blindmatch.spark.JobFixture;
import org.blindmatch.spark.LocalSpark;
import org.blindmatch.spark.SparkTokenize;
import org.blindmatch.spark.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark job in oprf mode against {@code blindmatch tokenize --mode oprf}, both asking the
 * same three in-process keyholders (threshold 2) over mutual TLS, on the same generated input
 * (IPv4 and IPv6, three tiers, malformed and non-routable rows): the same tokens bit for bit
 * after canonical ordering, the same headers, the same skips per reason; the clearinghouse
 * accepts the job's output and matches it like the CLI's; one keyholder down still works;
 * keyholders over their quota fail the job clearly after bounded back-off.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkOprfJobTest {
  Path dir;
  Path scope;
  OprfKeyholders keyholders;

  @BeforeAll
  void setUp(@TempDir Path tmp) throws Exception {
    dir = tmp;
    keyholders = new OprfKeyholders(dir);
    scope = dir.resolve("spark-scope.yaml");
    Files.writeString(scope, TestData.SCOPE);
    TestData.reports(dir.resolve("events.csv"), 3_000, 42);
    TestData.watchlist(dir.resolve("watch.csv"), 300, 7);
    TestData.reports(dir.resolve("small.csv"), 600, 3);
  }

  @AfterAll
  void tearDown() {
    if (keyholders != null) {
      keyholders.close();
    }
  }

  private record Run(int status, String out, String err) {}

  private String cli(String kind, String csv, String out, List<String> addresses) {
    return cli(kind, csv, out, addresses, scope, keyholders.profile);
  }

  private String cli(String kind, String csv, String out, List<String> addresses, Path scopeFile,
      Path profile) {
    String[] args = {"tokenize", kind, dir.resolve(csv).toString(), "--scope",
        scopeFile.toString(), "--mode", "oprf", "--keyholders", String.join(",", addresses),
        "--threshold", "2", "--oprf-key", keyholders.publicFile.toString(), "--profile",
        profile.toString(), "--out", dir.resolve(out).toString(), "--no-progress",
        "--threads", "2"};
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int status = BlindmatchCli.execute(args, new PrintWriter(o), new PrintWriter(e));
    assertEquals(0, status, () -> String.join(" ", args) + ": " + e);
    return o.toString();
  }

  private Path config(String name, String role, String csv, Path output, List<String> addresses,
      String extra) throws Exception {
    return config(name, role, csv, output, addresses, extra, scope, keyholders.profile);
  }

  private Path config(String name, String role, String csv, Path output, List<String> addresses,
      String extra, Path scopeFile, Path profile) throws Exception {
    Path cfg = dir.resolve(name);
    Files.writeString(cfg, "role: " + role + "\n"
        + "input: {path: '" + dir.resolve(csv) + "', format: csv}\n"
        + "scope: '" + scopeFile + "'\nmode: oprf\n"
        + "oprf:\n"
        + "  keyholders: [" + String.join(", ", addresses) + "]\n"
        + "  public_key: '" + keyholders.publicFile + "'\n"
        + "  threshold: 2\n"
        + "  profile: '" + profile + "'\n"
        + "  batch: 500\n" + extra
        + "output: '" + output + "'\n");
    return cfg;
  }

  private static Run job(Path cfg) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    LocalSpark.session();
    int status = SparkTokenize.run(new String[] {"--config", cfg.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  private String cliOut;

  /** Runs both, compares tokens, headers and skip counts; returns the job's run. */
  private Run compare(String kind, String role, String csv, String name, String extra)
      throws Exception {
    List<String> all = keyholders.addresses();
    cliOut = cli(kind, csv, name + ".bmt", all);
    Path output = dir.resolve(name + "-spark");
    Run run = job(config(name + ".yaml", role, csv, output, all, extra));
    assertEquals(0, run.status(), run.err());
    assertFalse(run.err().contains("\tat "), run.err());
    assertSameAsCli(name, output, cliOut, run);
    return run;
  }

  private void assertSameAsCli(String name, Path output, String cliOut, Run run)
      throws Exception {
    TokenFileSet set = TokenFileSet.open(output.resolve("tokens"));
    TokenFileHeader cliHeader;
    try (TokenFileReader r = TokenFileReader.open(dir.resolve(name + ".bmt"))) {
      cliHeader = r.header();
    }
    assertEquals(TokenFileHeader.KeyMode.OPRF, cliHeader.mode());
    assertEquals(cliHeader, set.header(), "same counts, scope, key epoch, tiers");
    assertTrue(set.parts().stream().anyMatch(p -> p.getFileName().toString()
        .startsWith("input-")), "row counts per input partition: " + set.parts());

    Map<String, String> cliMap = JobFixture.cliMapping(dir.resolve(name + ".bmt.map.csv"));
    Map<String, String> jobMap = JobFixture.jobMapping(output.resolve("mapping"));
    assertEquals(JobFixture.invert(cliMap).keySet(), JobFixture.invert(jobMap).keySet(),
        "the same ids got handles");
    byte[] expected = JobFixture.canonical(JobFixture.records(List.of(dir.resolve(name
        + ".bmt"))), cliMap, JobFixture.invert(cliMap));
    byte[] actual = JobFixture.canonical(JobFixture.records(set.parts()), jobMap,
        JobFixture.invert(cliMap));
    assertArrayEquals(expected, actual, "records byte-identical in canonical order");

    Map<String, Long> cliSkips = new TreeMap<>(JobFixture.cliSkips(cliOut));
    assertEquals(cliSkips, new TreeMap<>(JobFixture.cliSkips(run.out())), run.out());
    Map<String, Long> rejected = new TreeMap<>();
    for (Row r : LocalSpark.session().read().option("header", "true").option("escape", "\"")
        .csv(output.resolve("rejects").toString()).groupBy("reason").count().collectAsList()) {
      rejected.put(r.getString(0), r.getLong(1));
    }
    assertEquals(cliSkips, rejected, "one reject row per skip");
    assertTrue(run.out().contains("key epoch    1 (oprf)"), run.out());
  }

  @Test
  @Order(1)
  void reportsAreBitIdenticalToTheCliInOprfMode() throws Exception {
    Run run = compare("--reports", "report", "events.csv", "events", "");
    for (String reason : new String[] {"bad_ip", "bad_timestamp", "missing_field",
        "empty_record_id", "non_routable:private"}) {
      assertTrue(run.out().contains("  " + reason), reason + " exercised: " + run.out());
    }
    // Each distinct (prefix length, masked address) is asked for exactly once, as by the CLI
    // (whose cache holds them all).
    assertEquals(evaluations(cliOut), evaluations(run.out()), run.out());
  }

  private static String evaluations(String summary) {
    return summary.lines().filter(l -> l.startsWith("evaluations")).findFirst().orElseThrow();
  }

  @Test
  @Order(2)
  void watchlistsAreBitIdenticalToTheCliInOprfMode() throws Exception {
    Run run = compare("--watchlist", "watchlist", "watch.csv", "watch",
        "  address_partitions: 3\n");
    for (String reason : new String[] {"bad_ip", "bad_window", "over_cap_in_every_tier",
        "tier ip+hour: cidr_over_cap", "tier ip+hour: window_over_cap"}) {
      assertTrue(run.out().contains("  " + reason), reason + " exercised: " + run.out());
    }
    assertEquals(JobFixture.tierSummary(cliOut),
        JobFixture.tierSummary(run.out()),
        "the same per-tier skips and labels without a token");
  }

  @Test
  @Order(3)
  void submitAcceptsTheJobsOprfOutputAndMatchesLikeTheCli() throws Exception {
    Path fedScope = keyholders.federationScope();
    TestData.reports(dir.resolve("m-events.csv"), 1_500, 9);
    TestData.watchlist(dir.resolve("m-watch.csv"), 150, 10);
    Path platformA = keyholders.profile;
    Path platformB = keyholders.node(Role.PLATFORM, "platform-b");
    Path ngo = keyholders.node(Role.NGO, "ngo");
    Path operator = keyholders.node(Role.CLEARINGHOUSE, "operator");
    List<String> all = keyholders.addresses();
    try (ClearinghouseServer ch = keyholders.startClearinghouse()) {
      cli("--watchlist", "m-watch.csv", "m-w.bmt", all, fedScope, ngo);
      cli("--reports", "m-events.csv", "m-a.bmt", all, fedScope, platformA);
      Path output = dir.resolve("m-b-spark");
      Run run = job(config("m.yaml", "report", "m-events.csv", output, all, "", fedScope,
          platformB));
      assertEquals(0, run.status(), run.err());
      Map<String, String> mapping = JobFixture.jobMapping(output.resolve("mapping"));
      Path mapCsv = dir.resolve("m-b.map.csv");
      Files.writeString(mapCsv, "handle,record_id\n" + mapping.entrySet().stream()
          .map(e -> e.getKey() + "," + e.getValue() + "\n").collect(Collectors.joining()));

      FederationTests.ok("submit", "--profile", ngo.toString(), "--tokens",
          dir.resolve("m-w.bmt").toString(), "--id", "w1");
      FederationTests.ok("submit", "--profile", platformA.toString(), "--tokens",
          dir.resolve("m-a.bmt").toString(), "--id", "cli");
      String submitted = FederationTests.ok("submit", "--profile", platformB.toString(),
          "--tokens", output.resolve("tokens").toString(), "--id", "spark");
      assertTrue(submitted.contains("receipt"), submitted);
      String match = FederationTests.ok("match", "run", "--profile", operator.toString(),
          "--scope", "test-scope");
      String runId = match.lines().filter(l -> l.startsWith("run ")).findFirst().orElseThrow()
          .substring(4).trim();
      List<String> viaCli = FederationTests.ok("results", "get", "--profile",
          platformA.toString(), "--run", runId, "--map",
          dir.resolve("m-a.bmt.map.csv").toString()).lines().sorted().toList();
      List<String> viaJob = FederationTests.ok("results", "get", "--profile",
          platformB.toString(), "--run", runId, "--map", mapCsv.toString()).lines().sorted()
          .toList();
      assertTrue(viaCli.size() > 10, "the generated data matches: " + viaCli);
      assertTrue(viaCli.stream().anyMatch(l -> l.contains(",ip+hour,")), "IP and time");
      assertEquals(viaCli, viaJob, "the same record ids, tiers, labels and event counts");
    }
  }

  /**
   * The job honours the profile's {@code tls.revocations} as the CLI does (one code path): two
   * of the three keyholders revoked leave one, fewer than t = 2, so the job fails naming the
   * revocations; the CLI with the same profile fails the same way.
   */
  @Test
  @Order(3)
  void revokedKeyholdersAreRefusedByTheJobAsByTheCli() throws Exception {
    Path revoking = keyholders.profileRevoking("keyholder-1", "keyholder-2");
    List<String> all = keyholders.addresses();
    Path output = dir.resolve("revoked-spark");
    Run run = job(config("revoked.yaml", "report", "small.csv", output, all, "", scope,
        revoking));
    assertEquals(1, run.status(), run.out() + run.err());
    assertTrue(run.err().startsWith("error: only 1 of the 3 keyholders answered correctly"),
        run.err());
    assertTrue(run.err().contains("revoked") && run.err().contains(all.get(0))
        && run.err().contains(all.get(1)), run.err());
    assertFalse(run.err().contains("\tat "), run.err());
    assertFalse(Files.exists(output), "no output after a failure");

    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int status = BlindmatchCli.execute(new String[] {"tokenize", "--reports",
        dir.resolve("small.csv").toString(), "--scope", scope.toString(), "--mode", "oprf",
        "--keyholders", String.join(",", all), "--threshold", "2", "--oprf-key",
        keyholders.publicFile.toString(), "--profile", revoking.toString(), "--out",
        dir.resolve("revoked-cli.bmt").toString(), "--no-progress"},
        new PrintWriter(o), new PrintWriter(e));
    assertEquals(1, status, e.toString());
    assertTrue(e.toString().contains("revoked"), e.toString());
  }

  @Test
  @Order(4)
  void keyholdersOverTheirQuotaFailTheJobNamingThemAfterBackOff() throws Exception {
    List<String> limited = keyholders.startLimited(10);
    Path output = dir.resolve("limited-spark");
    Run run = job(config("limited.yaml", "report", "small.csv", output, limited,
        "  rate_limit_retries: 2\n  rate_limit_backoff_ms: 5\n"));
    assertEquals(1, run.status(), run.out() + run.err());
    assertTrue(run.err().startsWith("error: keyholders refused with RESOURCE_EXHAUSTED"),
        run.err());
    assertTrue(run.err().contains("3 times") && run.err().contains("keyholder-1")
        && run.err().contains(limited.get(0)), run.err());
    assertFalse(run.err().contains("\tat "), run.err());
    assertFalse(Files.exists(output), "no output after a failure");
  }

  @Test
  @Order(5)
  void oneKeyholderDownStillWorks() throws Exception {
    List<String> all = keyholders.addresses();
    String cliOut = cli("--reports", "small.csv", "small.bmt", all);
    keyholders.stop(1);
    Path output = dir.resolve("small-spark");
    Run run = job(config("small.yaml", "report", "small.csv", output, all, ""));
    assertEquals(0, run.status(), run.err());
    assertTrue(run.err().contains("warning: keyholder unavailable")
        && run.err().contains(all.get(0)), run.err());
    assertSameAsCli("small", output, cliOut, run);

    // Two down: the driver refuses before any task runs, naming each keyholder.
    keyholders.stop(2);
    Path none = dir.resolve("none-spark");
    run = job(config("none.yaml", "report", "small.csv", none, all, ""));
    assertEquals(1, run.status(), run.out() + run.err());
    assertTrue(run.err().startsWith("error: only 1 of the 3 keyholders answered correctly, "
        + "and epoch 1 needs 2: "), run.err());
    assertTrue(run.err().contains(all.get(0)) && run.err().contains(all.get(1)), run.err());
    assertFalse(run.err().contains("\tat "), run.err());
    assertFalse(Files.exists(none));
  }

  @Test
  @Order(0)
  void badOprfConfigurationsAreOneLineErrorsNamingTheKey() throws Exception {
    List<String> all = keyholders.addresses();
    Path out = dir.resolve("never");
    Path cfg = config("bad.yaml", "report", "small.csv", out, all, "");
    String good = Files.readString(cfg);
    String[][] cases = {
        {good.replace("mode: oprf\n", "mode: oprf\nkeyset: k.json\n"),
            "keyset: hmac mode only"},
        {good.replace("mode: oprf\n", "mode: opfr\n"), "mode: must be hmac or oprf"},
        {good.replace("  threshold: 2\n", "  threshold: 3\n"),
            "oprf.threshold 3 differs from the threshold 2 in " + keyholders.publicFile},
        {good.replace("  batch: 500\n", "  batch: 5000\n"),
            "oprf.batch: expected a whole number in 1..4096"},
        {good.replace("  batch: 500\n", "  batchsize: 5\n"), "oprf.batchsize: unknown key"},
        {good.replace(all.get(0), "kh1.example.org"), "oprf.keyholders: "},
        {good.replace("mode: oprf\n", ""), "oprf: needs mode: oprf"},
        {good.replace(keyholders.publicFile.toString(), dir.resolve("missing.json").toString()),
            "no such oprf public file (oprf.public_key)"},
    };
    for (String[] c : cases) {
      Files.writeString(cfg, c[0]);
      Run run = job(cfg);
      assertEquals(1, run.status(), c[1] + ": " + run.err());
      assertTrue(run.err().startsWith("error: ") && run.err().contains(c[1]),
          c[1] + ": " + run.err());
      assertEquals(1, run.err().lines().count(), run.err());
    }
    assertFalse(Files.exists(out));
  }
}
