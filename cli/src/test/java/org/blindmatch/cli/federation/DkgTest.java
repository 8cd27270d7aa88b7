package org.blindmatch.cli.federation;

import org.blindmatch.testing.TestTimeout;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.blindmatch.cli.BlindmatchCli;
import org.blindmatch.crypto.ip.IpAddress;
import org.blindmatch.crypto.ip.IpParser;
import org.blindmatch.crypto.oprf.KeyPair;
import org.blindmatch.crypto.oprf.OprfKeyFiles;
import org.blindmatch.crypto.oprf.OprfServer;
import org.blindmatch.crypto.oprf.ShamirSharing;
import org.blindmatch.crypto.oprf.Suite;
import org.blindmatch.crypto.oprf.dkg.DkgPublicFile;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.scope.ScopeLoader;
import org.blindmatch.crypto.token.OprfTokenDeriver;
import org.blindmatch.crypto.token.OprfTokenEncoding;
import org.blindmatch.crypto.tokenfile.TokenFileReader;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.blindmatch.server.keyholder.KeyholderServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code oprf dkg} at the CLI: every keyholder's operator runs it against the others over real
 * mutual TLS on loopback; each ends with its encrypted share and the same signed public file;
 * the keyholders then serve the epoch and a platform tokenizes in oprf mode with exactly the
 * tokens of the RFC 9497 OPRF under the key reconstructed (in the test only) from t shares. A
 * keyholder that does not take part is excluded and named.
 */
class DkgTest {
  private static final String REPORTS = """
      record_id,ip,timestamp
      r1,45.77.10.7,2026-03-01T10:15:00Z
      r2,2a01:4f8:1234:5678::1,2026-03-02T08:00:00Z
      """;

  private record Result(int status, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = BlindmatchCli.execute(args, new PrintWriter(out), new PrintWriter(err));
    assertFalse(err.toString().contains("\tat "), "no stack trace: " + err);
    return new Result(status, out.toString(), err.toString());
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Issues keyholders 1..n and writes their configurations; returns --keyholder values. */
  private static List<String> keyholders(TestFederation fed, Path dir, int n) throws Exception {
    List<String> list = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      String name = "keyholder-" + i;
      fed.issue(Role.KEYHOLDER, name, List.of("localhost"), List.of("127.0.0.1"));
      list.add("--keyholder=blindmatch://test/keyholder/" + name + "=127.0.0.1:" + freePort());
    }
    return list;
  }

  /** Runs `oprf dkg` for each of {@code running} concurrently; results by index. */
  private static Map<Integer, Result> dkg(Path dir, List<String> holders, int t,
      Set<Integer> running, String session, int joinTimeout) throws Exception {
    return dkg(dir, holders, t, running, session, joinTimeout, List.of());
  }

  /** As above, each run also given {@code extra} options. */
  private static Map<Integer, Result> dkg(Path dir, List<String> holders, int t,
      Set<Integer> running, String session, int joinTimeout, List<String> extra)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(running.size());
    try {
      Map<Integer, Future<Result>> futures = new HashMap<>();
      for (int i : running) {
        List<String> args = new ArrayList<>(List.of("oprf", "dkg", "--config",
            dir.resolve("kh-" + i + ".yaml").toString(), "--threshold", String.valueOf(t),
            "--epoch", "1", "--session", session, "--out", dir.resolve("out-" + i).toString(),
            "--join-timeout", String.valueOf(joinTimeout)));
        args.addAll(extra);
        args.addAll(holders);
        Files.writeString(dir.resolve("kh-" + i + ".yaml"), "federation: test\n"
            + "listen: 127.0.0.1:0\ndata_dir: keyholder-" + i + "-data\n"
            + "tls: {ca: pki/ca.crt, cert: pki/keyholder-" + i + ".crt, key: pki/keyholder-"
            + i + ".key}\npassphrase_file: passphrase.txt\n"
            + "share: epoch1/keyholder-" + i + ".epoch-1.share\n"
            + "public_key: epoch1/oprf-public.epoch-1.json\n");
        futures.put(i, pool.submit(() -> run(args.toArray(String[]::new))));
      }
      Map<Integer, Result> out = new HashMap<>();
      for (var f : futures.entrySet()) {
        out.put(f.getKey(), f.getValue().get());
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Every run succeeded and wrote the same public file; copies the files to epoch1/. */
  private static OprfKeyFiles.EpochPublicKey collect(Path dir, Map<Integer, Result> results)
      throws Exception {
    byte[] first = null;
    Files.createDirectories(dir.resolve("epoch1"));
    for (var r : results.entrySet()) {
      int i = r.getKey();
      assertEquals(0, r.getValue().status(), "keyholder " + i + ": " + r.getValue().err()
          + r.getValue().out());
      Path pub = dir.resolve("out-" + i + "/oprf-public.epoch-1.json");
      byte[] bytes = Files.readAllBytes(pub);
      if (first == null) {
        first = bytes;
        Files.copy(pub, dir.resolve("epoch1/oprf-public.epoch-1.json"));
      }
      assertArrayEquals(first, bytes, "keyholder " + i + " wrote another public file");
      Files.copy(dir.resolve("out-" + i + "/keyholder-" + i + ".epoch-1.share"),
          dir.resolve("epoch1/keyholder-" + i + ".epoch-1.share"));
    }
    DkgPublicFile.Read read = DkgPublicFile.read(dir.resolve("epoch1/oprf-public.epoch-1.json"));
    assertTrue(read.attestation().isPresent(), "the public file carries the signatures");
    return read.key();
  }

  /** The key reconstructed from the shares of {@code indices} (a test-only view). */
  private static OprfServer reconstructed(Path dir, List<Integer> indices) throws Exception {
    BigInteger k = BigInteger.ZERO;
    for (int i : indices) {
      OprfKeyFiles.EpochShare s = OprfKeyFiles.readShare(
          dir.resolve("epoch1/keyholder-" + i + ".epoch-1.share"),
          TestFederation.PASS.toCharArray());
      k = k.add(s.share().value().multiply(ShamirSharing.lagrangeCoefficient(i, indices)));
    }
    k = k.mod(org.bouncycastle.asn1.sec.SECNamedCurves.getByName("secp256r1").getN());
    return new OprfServer(Suite.VOPRF_P256_SHA256, KeyPair.of(k));
  }

  private static Map<String, Integer> expectedTokens(Path scopeFile, OprfServer full)
      throws Exception {
    Scope scope = ScopeLoader.load(scopeFile);
    Map<String, Integer> m = new HashMap<>();
    for (String line : REPORTS.strip().split("\n")) {
      String[] f = line.split(",");
      if (f[0].equals("record_id")) {
        continue;
      }
      IpAddress address = IpParser.parseEndpoint(f[1]);
      long epoch = java.time.Instant.parse(f[2]).getEpochSecond();
      for (int t = 0; t < scope.tiers().size(); t++) {
        int bits = scope.tier(t).prefixFor(address.family());
        byte[] s = full.evaluate(OprfTokenEncoding.address(scope.digest(), bits,
            address.mask(bits)));
        byte[] token = new OprfTokenDeriver(s).token(t, scope.tier(t).bucketWidth().seconds(),
            scope.tier(t).bucketWidth().bucketOf(epoch));
        m.merge(HexFormat.of().formatHex(token) + "/" + t, 1, Integer::sum);
      }
    }
    return m;
  }

  private static Map<String, Integer> tokens(Path file) throws Exception {
    Map<String, Integer> m = new HashMap<>();
    try (TokenFileReader r = TokenFileReader.open(file)) {
      byte[] rec = new byte[TokenRecord.LENGTH];
      while (r.next(rec, 1) == 1) {
        m.merge(HexFormat.of().formatHex(rec, 0, 16) + "/" + rec[TokenRecord.TIER_OFFSET], 1,
            Integer::sum);
      }
    }
    return m;
  }

  /** Serves the new epoch and tokenizes through {@code serving}; compares with the reference. */
  private static void tokenizeAgainst(TestFederation fed, Path dir, List<Integer> serving,
      int t, OprfKeyFiles.EpochPublicKey key) throws Exception {
    OprfServer full = reconstructed(dir, serving.subList(0, t));
    assertEquals(key.groupKey(), full.publicKey(), "t shares reconstruct the group key");
    OprfServer other = reconstructed(dir, serving.subList(serving.size() - t, serving.size()));
    assertEquals(key.groupKey(), other.publicKey(), "any t shares do");
    Path platform = fed.node(Role.PLATFORM, "platform-" + serving.size() + "-" + t);
    Files.writeString(dir.resolve("reports.csv"), REPORTS);
    List<KeyholderServer> servers = new ArrayList<>();
    try {
      List<String> addresses = new ArrayList<>();
      for (int i : serving) {
        KeyholderServer s = fed.startKeyholder(dir, i);
        servers.add(s);
        addresses.add("127.0.0.1:" + s.port());
      }
      Path out = dir.resolve("r-" + serving.size() + ".bmt");
      Result r = run("tokenize", "--reports", dir.resolve("reports.csv").toString(),
          "--scope", fed.scope.toString(), "--mode", "oprf", "--keyholders",
          String.join(",", addresses), "--threshold", String.valueOf(t),
          "--oprf-key", dir.resolve("epoch1/oprf-public.epoch-1.json").toString(),
          "--profile", platform.toString(), "--out", out.toString(), "--no-progress");
      assertEquals(0, r.status(), r.err());
      assertEquals(expectedTokens(fed.scope, full), tokens(out));
    } finally {
      servers.forEach(KeyholderServer::close);
    }
  }

  private void honest(Path dir, int t, int n) throws Exception {
    try (TestFederation fed = new TestFederation(dir, 1, false)) {
      List<String> holders = keyholders(fed, dir, n);
      Set<Integer> all = new TreeSet<>();
      for (int i = 1; i <= n; i++) {
        all.add(i);
      }
      Map<Integer, Result> results = dkg(dir, holders, t, all, "honest-run-1", 600);
      OprfKeyFiles.EpochPublicKey key = collect(dir, results);
      assertEquals(all, key.holders().keySet());
      assertEquals(t, key.shares().threshold());
      assertTrue(results.get(1).out().contains("must answer"), results.get(1).out());
      tokenizeAgainst(fed, dir, new ArrayList<>(all), t, key);
      if (n == 3) {
        auditedWithHolderSignatures(fed);
      }
    }
  }

  /**
   * The clearinghouse logs the epoch with every holder's signature and certificate, and an
   * auditor verifies each signature under the key the holder's CA-issued certificate names.
   */
  private static void auditedWithHolderSignatures(TestFederation fed) throws Exception {
    Files.writeString(fed.config, Files.readString(fed.config)
        + "oprf_public_keys: [epoch1/oprf-public.epoch-1.json]\n");
    try (org.blindmatch.server.clearinghouse.ClearinghouseServer ch =
        org.blindmatch.server.clearinghouse.ClearinghouseServer.start(
            org.blindmatch.server.clearinghouse.ClearinghouseConfig.load(fed.config))) {
      fed.usePort(ch.port());
      Path auditor = fed.node(Role.AUDITOR, "auditor");
      Result r = run("audit", "verify", "--profile", auditor.toString(), "--state",
          fed.dir.resolve("audit").toString());
      assertEquals(0, r.status(), r.err());
      assertTrue(r.out().contains("dkg          1 oprf key epoch signed by every keyholder"),
          r.out());
    }
  }

  @Test
  void honestRunTwoOfThree(@TempDir Path dir) throws Exception {
    honest(dir, 2, 3);
  }

  @Test
  void honestRunThreeOfFive(@TempDir Path dir) throws Exception {
    honest(dir, 3, 5);
  }

  @Test
  void aKeyholderThatDoesNotTakePartIsExcludedAndNamed(@TempDir Path dir) throws Exception {
    try (TestFederation fed = new TestFederation(dir, 1, false)) {
      List<String> holders = keyholders(fed, dir, 3);
      // Keyholder 3 never starts its node and the operators say so (--absent): the others do
      // not wait for it and exclude it as a dealer. The join waits only for the event of
      // keyholders 1 and 2 meeting; its timeout is the suite's one generous bound.
      Map<Integer, Result> results = dkg(dir, holders, 2, Set.of(1, 2), "dropout-run-1",
          (int) TestTimeout.seconds(),
          List.of("--absent", "blindmatch://test/keyholder/keyholder-3"));
      OprfKeyFiles.EpochPublicKey key = collect(dir, results);
      assertEquals(Set.of(1, 2), key.holders().keySet());
      for (Result r : results.values()) {
        assertTrue(r.out().contains("declared absent, taking no part: 3 (blindmatch://test/"
            + "keyholder/keyholder-3)"), r.out());
        assertTrue(r.out().contains("excluded keyholder 3 (blindmatch://test/keyholder/"
            + "keyholder-3)"), r.out());
      }
      tokenizeAgainst(fed, dir, List.of(1, 2), 2, key);
    }
  }

  @Test
  void badInvocationsFailClearlyAndWriteNothing(@TempDir Path dir) throws Exception {
    try (TestFederation fed = new TestFederation(dir, 1, false)) {
      List<String> holders = keyholders(fed, dir, 3);
      Files.writeString(dir.resolve("kh-1.yaml"), "federation: test\n"
          + "listen: 127.0.0.1:0\ndata_dir: d\n"
          + "tls: {ca: pki/ca.crt, cert: pki/keyholder-1.crt, key: pki/keyholder-1.key}\n"
          + "passphrase_file: passphrase.txt\nshare: s\npublic_key: p\n");
      List<String> base = new ArrayList<>(List.of("oprf", "dkg", "--config",
          dir.resolve("kh-1.yaml").toString(), "--epoch", "1", "--out",
          dir.resolve("o").toString()));
      List<String> a = new ArrayList<>(base);
      a.addAll(List.of("--threshold", "4", "--session", "bad-run-01"));
      a.addAll(holders);
      Result r = run(a.toArray(String[]::new));
      assertEquals(2, r.status(), r.err());
      assertTrue(r.err().contains("--threshold 4 with 3 --keyholder entries"), r.err());
      // n >= 2t-1: three keyholders cannot run t=3 (an honest majority is GJKR's premise)
      List<String> m = new ArrayList<>(base);
      m.addAll(List.of("--threshold", "3", "--session", "bad-run-01"));
      m.addAll(holders);
      r = run(m.toArray(String[]::new));
      assertEquals(2, r.status(), r.err());
      assertTrue(r.err().contains("at least 2T-1 keyholders (5 for T=3"), r.err());
      assertFalse(r.err().contains("Exception"), r.err());
      List<String> b = new ArrayList<>(base);
      b.addAll(List.of("--threshold", "2", "--session", "x"));
      b.addAll(holders);
      r = run(b.toArray(String[]::new));
      assertEquals(1, r.status());
      assertTrue(r.err().contains("session id"), r.err());
      List<String> c = new ArrayList<>(base);
      c.addAll(List.of("--threshold", "2", "--session", "bad-run-01",
          "--keyholder=blindmatch://test/keyholder/keyholder-2=127.0.0.1:1",
          "--keyholder=blindmatch://test/keyholder/keyholder-3=127.0.0.1:2",
          "--keyholder=blindmatch://test/keyholder/keyholder-4=127.0.0.1:3"));
      r = run(c.toArray(String[]::new));
      assertEquals(1, r.status());
      assertTrue(r.err().contains("not among the --keyholder identities"), r.err());
      List<String> d = new ArrayList<>(base);
      d.addAll(List.of("--threshold", "2", "--session", "bad-run-01",
          "--absent", "blindmatch://test/keyholder/keyholder-2",
          "--absent", "blindmatch://test/keyholder/keyholder-3"));
      d.addAll(holders);
      r = run(d.toArray(String[]::new));
      assertEquals(1, r.status());
      assertTrue(r.err().contains("only 1 keyholders would take part, fewer than --threshold 2"),
          r.err());
      assertFalse(Files.exists(dir.resolve("o/oprf-public.epoch-1.json")));
    }
  }
}
