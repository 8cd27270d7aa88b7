package org.blindmatch.cli.federation;

import static org.blindmatch.cli.federation.FederationTests.fail;
import static org.blindmatch.cli.federation.FederationTests.ok;
import static org.blindmatch.cli.federation.FederationTests.tokenize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.blindmatch.server.clearinghouse.ClearinghouseConfig;
import org.blindmatch.server.clearinghouse.ClearinghouseServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clearinghouse's {@code metrics_listen} port scraped over HTTP after real CLI calls over
 * mutual TLS: calls by method and status code (refusals included), committed records and
 * upload bytes, match runs, store and log gauges; and no identity, address, record or
 * submission id in any series.
 */
class MetricsTest {
  private static final String SUBMISSION = "blindmatch.v1.SubmissionService/";
  private static final String CALLS = "blindmatch_grpc_server_calls_total";

  @Test
  void scrapeCountsRealCallsAndNamesNoParticipant(@TempDir Path dir) throws Exception {
    TestFederation fed = new TestFederation(dir, 1, false);
    Path config = dir.resolve("with-metrics.yaml");
    Files.writeString(config, Files.readString(fed.config) + "metrics_listen: 127.0.0.1:0\n");
    ClearinghouseServer server = ClearinghouseServer.start(ClearinghouseConfig.load(config));
    try {
      fed.usePort(server.port());
      Path platform = fed.node(Role.PLATFORM, "platform-quokka");
      Path ngo = fed.node(Role.NGO, "ngo-wombat");
      Path operator = fed.node(Role.CLEARINGHOUSE, "operator");
      Files.writeString(dir.resolve("a.csv"), """
          record_id,ip,timestamp
          REC-7f3a,45.77.12.9,2026-03-03T08:30:00Z
          REC-9c1d,198.51.100.77,2026-03-03T08:30:00Z
          """);
      Files.writeString(dir.resolve("w.csv"), """
          label,ip,start,end
          Bavet,45.77.12.9,2026-03-03T00:00:00Z,2026-03-03T23:59:59Z
          """);
      tokenize(fed, "--reports", "a.csv", "a.bmt");
      tokenize(fed, "--watchlist", "w.csv", "w.bmt");
      MetricsScrape before = MetricsScrape.of(server.metricsPort());
      assertEquals(0, before.value(CALLS, "method", SUBMISSION + "Commit"));

      String a = ok("submit", "--profile", platform.toString(), "--tokens",
          dir.resolve("a.bmt").toString(), "--id", "sub-alpha");
      String w = ok("submit", "--profile", ngo.toString(), "--tokens",
          dir.resolve("w.bmt").toString(), "--id", "sub-bravo");
      long records = field(a, "records") + field(w, "records");
      long treeAfterSubmits = Long.parseLong(
          w.lines().filter(l -> l.startsWith("log ")).findFirst().orElseThrow()
              .replaceAll(".* of (\\d+),.*", "$1"));
      fail("match", "run", "--profile", platform.toString(), "--scope", "test-scope");
      ok("match", "run", "--profile", operator.toString(), "--scope", "test-scope");

      MetricsScrape m = MetricsScrape.of(server.metricsPort());
      assertEquals(2, m.value(CALLS, "method", SUBMISSION + "Commit", "code", "OK"), m.text());
      assertEquals(2, m.value(CALLS, "method", SUBMISSION + "Upload", "code", "OK"));
      String startRun = "blindmatch.v1.MatchService/StartRun";
      assertEquals(1, m.value(CALLS, "method", startRun, "code", "OK"));
      assertEquals(1, m.value(CALLS, "method", startRun, "code", "PERMISSION_DENIED"),
          "refusals by the authorization interceptor are counted");
      assertEquals(2, m.value("blindmatch_grpc_server_call_duration_seconds_count",
          "method", startRun));
      assertEquals(2, m.value("blindmatch_submission_records_count"));
      assertEquals(records, m.value("blindmatch_submission_records_sum"));
      assertEquals(records * TokenRecord.LENGTH, m.value("blindmatch_upload_bytes_total"));
      assertEquals(1, m.value("blindmatch_match_run_duration_seconds_count", "outcome", "ok"));
      assertEquals(0, m.value("blindmatch_match_run_duration_seconds_count",
          "outcome", "failed"), "a refused call never starts a run");
      assertEquals(2, m.value("blindmatch_store_committed_submissions"));
      assertEquals(1, m.value("blindmatch_store_ready"));
      // TestFederation certificates are valid for one day.
      double expiry = m.value("blindmatch_tls_certificate_expiry_seconds");
      assertTrue(expiry > 0 && expiry <= 86_400, m.text());
      assertEquals(treeAfterSubmits + 1, m.value("blindmatch_log_tree_size"),
          "the run's transcript is the one entry after the receipts");

      for (String secret : new String[] {"quokka", "wombat", "operator", "45.77", "198.51",
          "REC-", "sub-alpha", "sub-bravo", "Bavet", "blindmatch://"}) {
        assertFalse(m.text().contains(secret), secret + " appears in the metrics");
      }

      var http = MetricsScrape.HTTP;
      HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + server.metricsPort() + "/metrics/x")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(404, other.statusCode());
      HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + server.metricsPort() + "/metrics"))
          .POST(HttpRequest.BodyPublishers.ofString("x")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(405, post.statusCode());
    } finally {
      server.close();
    }
  }

  @Test
  void metricsPortIsOptionalAndMustDifferFromTheOthers(@TempDir Path dir) throws Exception {
    TestFederation fed = new TestFederation(dir, 1, false);
    assertEquals(null, ClearinghouseConfig.load(fed.config).metricsListen());
    Path clash = dir.resolve("clash.yaml");
    Files.writeString(clash, Files.readString(fed.config)
        + "health_listen: 127.0.0.1:7480\nmetrics_listen: 127.0.0.1:7480\n");
    String e = fail("serve", "clearinghouse", "--config", clash.toString());
    assertTrue(e.contains("metrics_listen") && e.contains("health_listen"), e);
  }

  private static long field(String out, String name) {
    return Long.parseLong(out.lines().filter(l -> l.startsWith(name + " ")).findFirst()
        .orElseThrow().substring(name.length()).trim());
  }
}
