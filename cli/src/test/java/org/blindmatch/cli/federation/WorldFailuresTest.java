package org.blindmatch.cli.federation;

import static org.blindmatch.cli.federation.FederationTests.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.StreamObserver;
import java.io.FileOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.blindmatch.cli.BlindmatchCli;
import org.blindmatch.core.transport.MutualTls;
import org.blindmatch.core.transport.TlsMaterial;
import org.blindmatch.crypto.pki.FederationCa;
import org.blindmatch.crypto.pki.IssuedNode;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.PemFiles;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.proto.v1.EvaluationCounts;
import org.blindmatch.proto.v1.GetEvaluationCountsRequest;
import org.blindmatch.proto.v1.KeyholderServiceGrpc;
import org.blindmatch.server.keyholder.KeyholderServer;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, point 2: every failure of the world a user can meet prints one line naming the
 * cause and what to do, and exits 1 — never "internal error". A table: each row provokes one
 * condition against real Netty mutual-TLS servers on loopback (the in-process clearinghouse,
 * keyholders, or a fake server presenting an odd certificate or never answering) and asserts
 * stderr's line and the exit status. (The never-answering row waits out the client's 15 s
 * keyholder deadline: the outcome does not depend on speed, only the duration does.)
 */
class WorldFailuresTest {
  @TempDir static Path dir;
  private static TestFederation fed;
  private static final List<AutoCloseable> servers = new ArrayList<>();
  private static Path locked;
  private static boolean immutable;

  /** One condition: the command, what its one line must contain, and how stdout is taken. */
  private record Row(String condition, String[] args, List<String> expected, boolean devFull) {}

  @BeforeAll
  static void federation() throws Exception {
    fed = new TestFederation(dir, 1);
    FederationTests.partiesWithTokens(fed);
    Path pass = dir.resolve("share-passphrases");
    Files.writeString(pass, TestFederation.PASS + "\n" + TestFederation.PASS + "\n");
    ok("oprf", "ceremony", "--threshold", "2", "--keyholders", "2", "--epoch", "1",
        "--out", dir.resolve("epoch1").toString(), "--passphrases", pass.toString(),
        "--holders", "blindmatch://test/keyholder/keyholder-1,"
            + "blindmatch://test/keyholder/keyholder-2");
    locked = Files.createDirectories(dir.resolve("locked"));
    immutable = lock(locked);
  }

  @AfterAll
  static void stop() throws Exception {
    if (immutable) {
      new ProcessBuilder("chattr", "-i", locked.toString()).inheritIO().start().waitFor();
    }
    for (AutoCloseable s : servers) {
      s.close();
    }
    if (fed != null) {
      fed.close();
    }
  }

  @TestFactory
  Stream<DynamicTest> eachFailureIsOneLineAndExitOne() throws Exception {
    Path platform = dir.resolve("platform-a.profile.yaml");
    Path operator = dir.resolve("operator.profile.yaml");
    Path auditor = dir.resolve("auditor.profile.yaml");
    Path publicKey = dir.resolve("epoch1/oprf-public.epoch-1.json");
    int down = freePort();
    String nothing = "127.0.0.1:" + down;
    String refused = "cannot connect to the clearinghouse at " + nothing
        + ": connection refused: is the server running";

    KeyholderServer k1 = keep(fed.startKeyholder(dir, 1, 1));
    KeyholderServer k2 = keep(fed.startKeyholder(dir, 2, 1));
    String keyholders = "127.0.0.1:" + k1.port() + ",127.0.0.1:" + k2.port();

    // A clearinghouse certificate of this federation for another host only.
    fed.issue(Role.CLEARINGHOUSE, "elsewhere", List.of("elsewhere.example"), List.of());
    int wrongSan = fakeServer(PemFiles.readPrivateKey(dir.resolve("pki/elsewhere.key"),
        TestFederation.PASS.toCharArray()), PemFiles.readCertificate(
            dir.resolve("pki/elsewhere.crt")));
    // One for this host from another federation CA.
    IssuedNode foreign = FederationCa.create("test", Duration.ofDays(2)).issue(
        new NodeIdentity("test", Role.CLEARINGHOUSE, "clearinghouse"), List.of("localhost"),
        List.of("127.0.0.1"), Duration.ofDays(1));
    int otherCa = fakeServer(foreign.privateKey(), foreign.certificate());
    // One of this CA, for this host, that expired yesterday.
    PrivateKey caKey = TestCertificates.caKey(fed.ca(), dir);
    Instant now = Instant.now();
    TestCertificates.Leaf old = TestCertificates.issue(fed.ca().certificate(), caKey,
        "blindmatch://test/clearinghouse/clearinghouse", List.of("localhost"),
        List.of("127.0.0.1"), now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(1)),
        KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth);
    int expired = fakeServer(old.key(), old.certificate());

    // A keyholder (keyholder-1's certificate) that accepts calls and never answers them.
    Server silent = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .sslContext(MutualTls.serverContext(TlsMaterial.load(dir.resolve("pki/ca.crt"),
            dir.resolve("pki/keyholder-1.crt"), dir.resolve("pki/keyholder-1.key"),
            TestFederation.PASS.toCharArray())))
        .addService(new KeyholderServiceGrpc.KeyholderServiceImplBase() {
          @Override
          public void getEvaluationCounts(GetEvaluationCountsRequest r,
              StreamObserver<EvaluationCounts> out) {
            // Never answers: the client's deadline ends the call.
          }
        })
        .build().start();
    servers.add(silent::shutdownNow);
    String silentAt = "127.0.0.1:" + silent.getPort();

    // A second clearinghouse configured on the first one's port.
    Path clash = dir.resolve("clash.yaml");
    Files.writeString(clash, Files.readString(fed.config)
        .replace("listen: 127.0.0.1:0", "listen: 127.0.0.1:" + fed.server.port())
        .replace("data_dir: data", "data_dir: clash-data"));

    String[] oprfTokenize = {"tokenize", "--reports", dir.resolve("a.csv").toString(),
        "--scope", fed.scope.toString(), "--mode", "oprf", "--keyholders", keyholders,
        "--threshold", "2", "--oprf-key", publicKey.toString(), "--profile",
        platform.toString(), "--out", dir.resolve("oprf.bmt").toString(), "--no-progress",
        "--oprf-batch", "2"};
    String[] oprfDown = oprfTokenize.clone();
    oprfDown[8] = nothing + ",127.0.0.1:" + freePort();
    oprfDown[16] = dir.resolve("oprf-down.bmt").toString();

    List<Row> rows = List.of(
        row("server down: submit", List.of(refused),
            "submit", "--profile", at(platform, nothing).toString(),
            "--tokens", dir.resolve("a.bmt").toString()),
        row("server down: results", List.of(refused),
            "results", "get", "--profile", at(platform, nothing).toString(), "--run", "r1"),
        row("server down: match", List.of(refused),
            "match", "run", "--profile", at(operator, nothing).toString(), "--scope",
            "test-scope"),
        row("server down: admin", List.of(refused),
            "admin", "runs", "--profile", at(operator, nothing).toString()),
        row("server down: audit", List.of(refused),
            "audit", "verify", "--profile", at(auditor, nothing).toString(), "--state",
            dir.resolve("audit-state").toString()),
        row("server down: health", List.of("not healthy", "connection refused"),
            "health", "clearinghouse", "--config", fed.config.toString(), "--tls",
            "--address", nothing),
        row("keyholders down: keyholder counts",
            List.of("cannot connect to the keyholder at " + nothing, "connection refused"),
            "keyholder", "counts", "--profile", auditor.toString(), "--keyholders", nothing,
            "--oprf-key", publicKey.toString()),
        row("keyholder never answers: keyholder counts",
            List.of("the keyholder at " + silentAt + " did not answer before the deadline",
                "blindmatch health"),
            "keyholder", "counts", "--profile", auditor.toString(), "--keyholders", silentAt,
            "--oprf-key", publicKey.toString()),
        row("keyholders down: tokenize --mode oprf",
            List.of("only 0 of the 2 keyholders answered",
                "cannot connect to the keyholder at " + nothing), oprfDown),
        row("unknown host", List.of("cannot reach the clearinghouse at no-such-host.invalid:"
                + "7443: unknown host", "check the server address"),
            "results", "get", "--profile", at(platform, "no-such-host.invalid:7443")
                .toString(), "--run", "r1"),
        row("certificate for another host",
            List.of("names elsewhere.example, not 127.0.0.1: reissue it with --ip 127.0.0.1"),
            "results", "get", "--profile", at(platform, "127.0.0.1:" + wrongSan).toString(),
            "--run", "r1"),
        row("certificate from another CA",
            List.of("is issued by", "not by this federation's CA"),
            "results", "get", "--profile", at(platform, "127.0.0.1:" + otherCa).toString(),
            "--run", "r1"),
        row("expired server certificate",
            List.of("TLS with the clearinghouse at 127.0.0.1:" + expired, "expired on",
                "reissue it"),
            "results", "get", "--profile", at(platform, "127.0.0.1:" + expired).toString(),
            "--run", "r1"),
        row("a keyholder where the clearinghouse should be",
            List.of("blindmatch://test/keyholder/keyholder-1, not a clearinghouse"),
            "results", "get", "--profile", at(platform, "127.0.0.1:" + k1.port()).toString(),
            "--run", "r1"),
        row("wrong role for the call",
            List.of("refused: PERMISSION_DENIED", "this node's role may not do this"),
            "match", "run", "--profile", platform.toString(), "--scope", "test-scope"),
        row("keyholder quota exceeded",
            List.of("evaluation quota of epoch 1 exceeded", "0 of 1 remain",
                "quota_per_identity"), oprfTokenize),
        row("address in use", List.of("cannot listen on 127.0.0.1:" + fed.server.port()
                + " (listen): address in use (another process is listening there"),
            "serve", "clearinghouse", "--config", clash.toString()),
        row("permission denied on the output", List.of(locked.toString(), "ermi"),
            "tokenize", "--reports", dir.resolve("a.csv").toString(), "--scope",
            fed.scope.toString(), "--keyset", fed.keyset.toString(), "--passphrase-file",
            dir.resolve("passphrase.txt").toString(), "--out",
            locked.resolve("x.bmt").toString(), "--no-progress"),
        new Row("disk full on standard output", new String[] {"inspect",
            dir.resolve("a.bmt").toString()}, List.of("cannot write standard output"), true));

    return rows.stream().map(r -> DynamicTest.dynamicTest(r.condition(), () -> check(r)));
  }

  private static void check(Row r) throws Exception {
    StringWriter err = new StringWriter();
    int status;
    if (r.devFull()) {
      try (PrintWriter full = new PrintWriter(new FileOutputStream("/dev/full"))) {
        status = BlindmatchCli.execute(r.args(), full, new PrintWriter(err));
      }
    } else {
      status = BlindmatchCli.execute(r.args(), new PrintWriter(new StringWriter()),
          new PrintWriter(err));
    }
    String text = err.toString();
    assertEquals(1, status, () -> r.condition() + ": exit status; stderr:\n" + text);
    assertFalse(text.contains("internal error") || text.contains("\tat "), text);
    List<String> lines = text.lines().filter(l -> l.startsWith("blindmatch: ")).toList();
    assertEquals(1, lines.size(), () -> "one error line: " + text);
    for (String e : r.expected()) {
      assertTrue(lines.get(0).contains(e), () -> "expected \"" + e + "\" in: " + lines.get(0));
    }
  }

  private static Row row(String condition, List<String> expected, String... args) {
    return new Row(condition, args, expected, false);
  }

  /** A copy of {@code profile} dialling {@code server}. */
  private static Path at(Path profile, String server) throws Exception {
    Path copy = profile.resolveSibling(profile.getFileName() + "." + server.replace(':', '_')
        + ".yaml");
    Files.writeString(copy, Files.readString(profile)
        .replaceFirst("server: \\S+", "server: " + server));
    return copy;
  }

  /** A TLS 1.3 server on loopback presenting {@code cert}; clients refuse it first. */
  private static int fakeServer(PrivateKey key, java.security.cert.X509Certificate cert)
      throws Exception {
    Server s = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .sslContext(GrpcSslContexts.configure(SslContextBuilder.forServer(key, cert))
            .protocols("TLSv1.3").build())
        .build().start();
    servers.add(s::shutdownNow);
    return s.getPort();
  }

  private static KeyholderServer keep(KeyholderServer k) {
    servers.add(k);
    return k;
  }

  /** A loopback port nothing listens on (it was free a moment ago). */
  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Makes {@code d} refuse new files: by permissions, or for root (whom permissions do not
   * stop) by the immutable attribute; true if the attribute was set.
   */
  private static boolean lock(Path d) throws Exception {
    d.toFile().setWritable(false, false);
    if (!Files.isWritable(d)) {
      return false;
    }
    int rc;
    try {
      rc = new ProcessBuilder("chattr", "+i", d.toString()).inheritIO().start().waitFor();
    } catch (java.io.IOException e) {
      rc = -1;
    }
    Assumptions.assumeTrue(rc == 0, "cannot make a directory unwritable here");
    return true;
  }
}
