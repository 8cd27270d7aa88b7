package org.blindmatch.cli.federation;

import static org.blindmatch.cli.federation.FederationTests.ok;
import static org.blindmatch.cli.federation.FederationTests.tokenize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.Logger;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.crypto.tokenfile.TokenFileReader;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.blindmatch.server.clearinghouse.ClearinghouseConfig;
import org.blindmatch.server.clearinghouse.ClearinghouseServer;
import org.blindmatch.server.logging.LogFormat;
import org.blindmatch.server.logging.RequestLogInterceptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every log line of an end-to-end scenario (submit from a platform and an NGO, match, results,
 * audit verify; server and CLI in this JVM over real mutual TLS), captured in the JSON format:
 * each line is a JSON object, each RPC has one line with its own request id, and no token
 * (hex), key material, record id, submission id or input IP address appears anywhere.
 */
class LogPrivacyTest {
  @Test
  void endToEndLogsAreJsonWithRequestIdsAndNoSecrets(@TempDir Path dir) throws Exception {
    TestFederation fed = new TestFederation(dir, 1, false);
    Path config = dir.resolve("json-logs.yaml");
    Files.writeString(config, Files.readString(fed.config) + "log_format: json\n");
    ClearinghouseConfig cfg = ClearinghouseConfig.load(config);
    assertEquals(LogFormat.JSON, cfg.logFormat());
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    Handler handler = LogFormat.jsonHandler(captured);
    Logger root = Logger.getLogger("");
    root.addHandler(handler);
    ClearinghouseServer server = null;
    try {
      server = ClearinghouseServer.start(cfg);
      fed.usePort(server.port());
      Path platform = fed.node(Role.PLATFORM, "platform-a");
      Path ngo = fed.node(Role.NGO, "ngo");
      Path operator = fed.node(Role.CLEARINGHOUSE, "operator");
      Path auditor = fed.node(Role.AUDITOR, "auditor");
      Files.writeString(dir.resolve("a.csv"), """
          record_id,ip,timestamp
          REC-7f3a91,45.77.12.9,2026-03-03T08:30:00Z
          REC-0b44c2,203.0.113.58,2026-03-03T09:10:00Z
          REC-5e19d7,2001:db8:41::17,2026-03-03T10:00:00Z
          """);
      Files.writeString(dir.resolve("w.csv"), """
          label,ip,start,end
          Bavet,45.77.12.9,2026-03-03T00:00:00Z,2026-03-03T23:59:59Z
          """);
      tokenize(fed, "--reports", "a.csv", "a.bmt");
      tokenize(fed, "--watchlist", "w.csv", "w.bmt");
      ok("submit", "--profile", platform.toString(), "--tokens",
          dir.resolve("a.bmt").toString(), "--id", "sub-7c2e");
      ok("submit", "--profile", ngo.toString(), "--tokens", dir.resolve("w.bmt").toString(),
          "--id", "sub-91fd");
      String run = ok("match", "run", "--profile", operator.toString(), "--scope",
          "test-scope").lines().filter(l -> l.startsWith("run ")).findFirst().orElseThrow()
          .substring(4).trim();
      String results = ok("results", "get", "--profile", platform.toString(), "--run", run,
          "--map", dir.resolve("a.bmt.map.csv").toString());
      assertTrue(results.contains("REC-7f3a91"), "the scenario really matched: " + results);
      ok("results", "get", "--profile", ngo.toString(), "--run", run, "--map",
          dir.resolve("w.bmt.map.csv").toString());
      ok("audit", "verify", "--profile", auditor.toString(), "--state",
          dir.resolve("auditor.state").toString());
    } finally {
      if (server != null) {
        server.close();
      }
      root.removeHandler(handler);
      handler.close();
    }

    List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
    ObjectMapper json = new ObjectMapper();
    Set<String> requestIds = new HashSet<>();
    Set<String> methods = new HashSet<>();
    int rpcLines = 0;
    for (String line : lines) {
      JsonNode o = json.readTree(line);
      assertTrue(o.isObject() && o.has("time") && o.has("level") && o.has("message"), line);
      if (o.path("logger").asText().equals(RequestLogInterceptor.LOGGER)) {
        rpcLines++;
        assertTrue(o.path("request_id").asText().matches("[0-9a-f]{16}"), line);
        assertTrue(requestIds.add(o.path("request_id").asText()), "ids are distinct: " + line);
        methods.add(o.path("message").asText().split(" ")[1]);
      }
    }
    assertTrue(methods.containsAll(List.of("blindmatch.v1.SubmissionService/Upload",
        "blindmatch.v1.SubmissionService/Commit", "blindmatch.v1.MatchService/StartRun")),
        "RPC lines for the scenario: " + methods);
    assertTrue(rpcLines >= 6, lines.toString());

    List<String> secrets = new ArrayList<>(List.of("REC-", "45.77.12.9", "203.0.113.58",
        "2001:db8:41::17", "sub-7c2e", "sub-91fd", "Bavet", TestFederation.PASS));
    for (String bmt : new String[] {"a.bmt", "w.bmt"}) {
      secrets.addAll(tokenHex(dir.resolve(bmt)));
    }
    for (String key : new String[] {"clearinghouse", "platform-a", "ngo"}) {
      List<String> pem = Files.readAllLines(dir.resolve("pki/" + key + ".key"));
      secrets.add(pem.get(1)); // a line of the encrypted key body
    }
    String all = String.join("\n", lines).toLowerCase(Locale.ROOT);
    for (String s : secrets) {
      assertFalse(all.contains(s.toLowerCase(Locale.ROOT)), "a log line contains " + s);
    }
  }

  @Test
  void unknownLogFormatIsRefusedNamingFileAndKey(@TempDir Path dir) throws Exception {
    TestFederation fed = new TestFederation(dir, 1, false);
    assertEquals(LogFormat.TEXT, ClearinghouseConfig.load(fed.config).logFormat());
    Path bad = dir.resolve("bad-format.yaml");
    Files.writeString(bad, Files.readString(fed.config) + "log_format: xml\n");
    String e = FederationTests.fail("serve", "clearinghouse", "--config", bad.toString());
    assertTrue(e.contains("bad-format.yaml") && e.contains("log_format")
        && e.contains("\"xml\" is not text or json"), e);
  }

  /** The hex of every token in a token file, and of its first 8 bytes. */
  private static List<String> tokenHex(Path file) throws Exception {
    List<String> hex = new ArrayList<>();
    try (TokenFileReader r = TokenFileReader.open(file)) {
      byte[] buf = new byte[TokenRecord.LENGTH * 256];
      int n;
      while ((n = r.next(buf, 256)) > 0) {
        for (int i = 0; i < n; i++) {
          int at = i * TokenRecord.LENGTH + TokenRecord.TOKEN_OFFSET;
          hex.add(HexFormat.of().formatHex(buf, at, at + TokenRecord.TOKEN_LENGTH));
          hex.add(HexFormat.of().formatHex(buf, at, at + 8));
        }
      }
    }
    assertFalse(hex.isEmpty(), file + " has tokens");
    return hex;
  }
}
