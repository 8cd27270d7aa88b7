package org.blindmatch.cli.federation;

import static org.blindmatch.cli.federation.FederationTests.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.blindmatch.cli.BlindmatchCli;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.server.clearinghouse.ClearinghouseConfig;
import org.blindmatch.server.clearinghouse.ClearinghouseServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --json} on every reporting command, against a real clearinghouse over mutual TLS:
 * stdout parses as exactly one document of the documented schema (docs/JSON.md), with the
 * values the run produced; human notices stay on stderr.
 */
class JsonOutputTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Runs the CLI, asserts exit 0; parses stdout as one JSON document of {@code schema}. */
  private static JsonNode json(String schema, String... args) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = BlindmatchCli.execute(args, new PrintWriter(out), new PrintWriter(err));
    assertEquals(0, status, () -> String.join(" ", args) + " failed: " + err);
    JsonNode doc;
    try (var parser = JSON.createParser(out.toString())) {
      doc = JSON.readTree(parser);
      assertEquals(null, parser.nextToken(), "one document and nothing else: " + out);
    }
    assertEquals("blindmatch." + schema + "/v1", doc.get("schema").asText(), out.toString());
    return doc;
  }

  @Test
  void everyReportingCommandPrintsOneDocument(@TempDir Path dir) throws Exception {
    TestFederation fed = new TestFederation(dir, 1, false);
    Path platform = fed.node(Role.PLATFORM, "platform-a");
    Path ngo = fed.node(Role.NGO, "ngo");
    Path operator = fed.node(Role.CLEARINGHOUSE, "operator");
    Path auditor = fed.node(Role.AUDITOR, "auditor");
    Files.writeString(dir.resolve("a.csv"), "record_id,ip,timestamp\n"
        + "A-1,45.77.12.9,2026-03-03T08:30:00Z\nA-2,10.0.0.1,2026-03-03T08:30:00Z\n");
    Files.writeString(dir.resolve("w.csv"),
        "label,ip,start,end\nBavet,45.77.12.9,2026-03-03T00:00:00Z,2026-03-03T23:59:59Z\n");
    String pass = dir.resolve("passphrase.txt").toString();

    JsonNode t = json("tokenize", "tokenize", "--reports", dir.resolve("a.csv").toString(),
        "--scope", fed.scope.toString(), "--keyset", fed.keyset.toString(),
        "--passphrase-file", pass, "--out", dir.resolve("a.bmt").toString(), "--no-progress",
        "--json");
    assertEquals("report", t.get("role").asText());
    assertEquals(2, t.get("rows_read").asInt());
    assertEquals(1, t.get("rows_skipped").asInt(), "10.0.0.1 is private: " + t);
    assertEquals(HexFormat.of().formatHex(fed.scopeDigest), t.get("scope_digest").asText());
    assertEquals(false, t.get("reused").asBoolean());
    FederationTests.tokenize(fed, "--watchlist", "w.csv", "w.bmt");

    JsonNode inspect = json("inspect", "inspect", dir.resolve("a.bmt").toString(), "--json");
    assertEquals(t.get("tokens").asLong(), inspect.get("records").asLong());
    assertEquals("ok", inspect.get("checksum").asText());

    Path config = dir.resolve("with-probe.yaml");
    Files.writeString(config, Files.readString(fed.config) + "health_listen: 127.0.0.1:0\n");
    try (ClearinghouseServer server = ClearinghouseServer.start(ClearinghouseConfig.load(
        config))) {
      fed.usePort(server.port());
      JsonNode health = json("health", "health", "clearinghouse", "--config",
          config.toString(), "--address", "127.0.0.1:" + server.healthPort(), "--json");
      assertEquals("SERVING", health.get("status").asText());

      JsonNode submit = json("submit", "submit", "--profile", platform.toString(), "--tokens",
          dir.resolve("a.bmt").toString(), "--id", "a1", "--json");
      assertEquals("a1", submit.get("submission_id").asText());
      assertEquals(t.get("tokens").asLong(), submit.get("records").asLong());
      assertTrue(submit.get("log").get("tree_size").asLong()
          > submit.get("log").get("index").asLong(), submit.toString());
      // One-step submit: the tokenize summary is a notice on stderr, stdout stays one document.
      Files.writeString(dir.resolve("w2.csv"), Files.readString(dir.resolve("w.csv")));
      JsonNode w = json("submit", "submit", "--profile", ngo.toString(), "--watchlist",
          dir.resolve("w2.csv").toString(), "--scope", fed.scope.toString(), "--keyset",
          fed.keyset.toString(), "--passphrase-file", pass, "--id", "w1", "--no-progress",
          "--json");
      assertEquals("w1", w.get("submission_id").asText());

      JsonNode run = json("run", "match", "run", "--profile", operator.toString(), "--scope",
          "test-scope", "--json");
      String runId = run.get("run_id").asText();
      assertEquals(1, run.get("report_inputs").size());
      assertEquals("a1", run.get("report_inputs").get(0).get("submission_id").asText());
      assertEquals(1, run.get("k").asInt());

      JsonNode runs = json("runs", "admin", "runs", "--profile", auditor.toString(), "--json");
      assertEquals(runId, runs.get("runs").get(0).get("run_id").asText());
      assertEquals(run.get("recipients"), runs.get("runs").get(0).get("recipients"));

      JsonNode subs = json("submissions", "admin", "submissions", "--profile",
          operator.toString(), "--json");
      assertEquals(2, subs.get("submissions").size(), subs.toString());

      JsonNode audit = json("audit", "audit", "verify", "--profile", auditor.toString(),
          "--state", dir.resolve("audit-state").toString(), "--json");
      assertTrue(audit.get("verified").asBoolean());
      assertTrue(audit.get("consistent_from_size").isNull(), "a first audit");
      assertEquals(1, audit.get("entries").get("transcripts").asInt());
      assertEquals(2, audit.get("entries").get("receipts").asInt());

      JsonNode results = json("results", "results", "get", "--profile", platform.toString(),
          "--map", dir.resolve("a.bmt.map.csv").toString(), "--json");
      assertEquals(runId, results.get("run_id").asText());
      assertEquals("A-1", results.get("rows").get(0).get("record_id").asText());
      JsonNode list = json("results-list", "results", "list", "--profile", ngo.toString(),
          "--json");
      assertEquals(runId, list.get("runs").get(0).get("run_id").asText());
    }
  }
}
