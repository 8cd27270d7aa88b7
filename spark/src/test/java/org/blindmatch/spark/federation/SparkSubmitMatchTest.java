package org.blindmatch.spark.federation;

import org.blindmatch.cli.federation.FederationTests;
import org.blindmatch.cli.federation.TestFederation;
import static org.blindmatch.cli.federation.FederationTests.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.spark.JobFixture;
import org.blindmatch.spark.LocalSpark;
import org.blindmatch.spark.SparkTokenize;
import org.blindmatch.spark.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark job's output through the real submit path: a clearinghouse over mutual TLS on
 * loopback, one platform submitting the CLI's token file, another the job's part directory
 * of the same events, an NGO's watchlist; the match gives both platforms the same results.
 */
class SparkSubmitMatchTest {
  @TempDir Path dir;

  @Test
  void submitAcceptsTheJobOutputAndMatchesLikeTheCli() throws Exception {
    try (TestFederation fed = new TestFederation(dir, 1)) {
      Path platformA = fed.node(Role.PLATFORM, "platform-a");
      Path platformB = fed.node(Role.PLATFORM, "platform-b");
      Path ngo = fed.node(Role.NGO, "ngo");
      Path operator = fed.node(Role.CLEARINGHOUSE, "operator");
      TestData.reports(dir.resolve("events.csv"), 4_000, 5);
      TestData.watchlist(dir.resolve("w.csv"), 300, 6);
      FederationTests.tokenize(fed, "--watchlist", "w.csv", "w.bmt");
      FederationTests.tokenize(fed, "--reports", "events.csv", "a.bmt");

      Path jobDir = Files.createDirectories(dir.resolve("job"));
      JobFixture fx = new JobFixture(jobDir, fed.scope, fed.keyset);
      Files.writeString(fx.passphrase, TestFederation.PASS + "\n");
      Path output = dir.resolve("b-spark");
      Path cfg = fx.config("job.yaml", "report", dir.resolve("events.csv"), "csv", output, "");
      LocalSpark.session();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int status = SparkTokenize.run(new String[] {"--config", cfg.toString()},
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8));
      assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
      Map<String, String> mapping = JobFixture.jobMapping(output.resolve("mapping"));
      Path mapCsv = dir.resolve("b.map.csv");
      Files.writeString(mapCsv, "handle,record_id\n" + mapping.entrySet().stream()
          .map(e -> e.getKey() + "," + e.getValue() + "\n").collect(Collectors.joining()));

      ok("submit", "--profile", ngo.toString(), "--tokens", dir.resolve("w.bmt").toString(),
          "--id", "w1");
      ok("submit", "--profile", platformA.toString(), "--tokens",
          dir.resolve("a.bmt").toString(), "--id", "cli");
      String submitted = ok("submit", "--profile", platformB.toString(), "--tokens",
          output.resolve("tokens").toString(), "--id", "spark");
      assertTrue(submitted.contains("receipt"), submitted);
      String run = ok("match", "run", "--profile", operator.toString(), "--scope",
          "test-scope");
      String runId = run.lines().filter(l -> l.startsWith("run ")).findFirst().orElseThrow()
          .substring(4).trim();

      List<String> cli = ok("results", "get", "--profile", platformA.toString(), "--run",
          runId, "--map", dir.resolve("a.bmt.map.csv").toString()).lines().sorted().toList();
      List<String> spark = ok("results", "get", "--profile", platformB.toString(), "--run",
          runId, "--map", mapCsv.toString()).lines().sorted().toList();
      assertTrue(cli.size() > 10, "the generated data matches: " + cli);
      assertTrue(cli.stream().anyMatch(l -> l.contains(",ip+hour,")), "IP and time: " + cli);
      assertEquals(cli, spark, "the same record ids, tiers, labels and event counts");

      // A part directory missing a part is refused, naming the part, before any upload.
      Path broken = Files.createDirectories(dir.resolve("broken"));
      try (var parts = Files.list(output.resolve("tokens"))) {
        for (Path p : parts.filter(Files::isRegularFile).toList()) {
          Files.copy(p, broken.resolve(p.getFileName()));
        }
      }
      Files.delete(broken.resolve("part-00001.bmt"));
      String refused = FederationTests.fail("submit", "--profile", platformB.toString(),
          "--tokens", broken.toString(), "--id", "broken");
      assertTrue(refused.contains("part part-00001.bmt is listed in MANIFEST but missing"),
          refused);
    }
  }
}
