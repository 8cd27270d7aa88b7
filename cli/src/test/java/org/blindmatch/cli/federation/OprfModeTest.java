package org.blindmatch.cli.federation;

import org.blindmatch.server.config.ConfigException;
import static org.blindmatch.cli.federation.FederationTests.fail;
import static org.blindmatch.cli.federation.FederationTests.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.blindmatch.cli.BlindmatchCli;
import org.blindmatch.crypto.ip.IpAddress;
import org.blindmatch.crypto.ip.IpParser;
import org.blindmatch.crypto.oprf.BlindEvaluation;
import org.blindmatch.crypto.oprf.Element;
import org.blindmatch.crypto.oprf.KeyPair;
import org.blindmatch.crypto.oprf.OprfKeyFiles;
import org.blindmatch.crypto.oprf.OprfServer;
import org.blindmatch.crypto.oprf.ShamirSharing;
import org.blindmatch.crypto.oprf.Suite;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.scope.ScopeLoader;
import org.blindmatch.crypto.token.OprfTokenDeriver;
import org.blindmatch.crypto.token.OprfTokenEncoding;
import org.blindmatch.crypto.tokenfile.TokenFileHeader;
import org.blindmatch.crypto.tokenfile.TokenFileReader;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.blindmatch.proto.v1.EvaluateRequest;
import org.blindmatch.proto.v1.EvaluateResponse;
import org.blindmatch.proto.v1.GetShareKeyRequest;
import org.blindmatch.proto.v1.KeyholderServiceGrpc;
import org.blindmatch.proto.v1.ShareKey;
import org.blindmatch.server.clearinghouse.ClearinghouseConfig;
import org.blindmatch.server.clearinghouse.ClearinghouseServer;
import org.blindmatch.server.keyholder.KeyholderConfig;
import org.blindmatch.server.keyholder.KeyholderServer;
import org.blindmatch.server.security.IdentityInterceptor;
import org.blindmatch.core.transport.MutualTls;
import org.blindmatch.core.transport.TlsMaterial;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * oprf mode at the CLI, over real mutual TLS with three keyholders (threshold 2): tokens are
 * exactly those of the full key; one keyholder down still works, two down fail clearly; a
 * keyholder returning a tampered evaluation is named and skipped; the clearinghouse accepts
 * oprf submissions and matches them, and refuses a federation in which its operator holds
 * enough shares to evaluate alone.
 */
class OprfModeTest {
  private static final String REPORTS = """
      record_id,ip,timestamp
      r1,45.77.10.7,2026-03-01T10:15:00Z
      r1,45.77.10.7,2026-03-01T11:20:00Z
      r2,103.21.244.9,2026-03-01T10:00:00Z
      r3,2a01:4f8:1234:5678::1,2026-03-02T08:00:00Z
      r4,45.77.10.7,2026-03-04T10:15:00Z
      r5,81.2.69.200,2026-03-01T10:00:00Z
      r6,10.0.0.1,2026-03-01T10:00:00Z
      """;
  private static final String WATCHLIST = """
      label,ip,start,end
      compound-a,45.77.10.4/30,2026-03-01T10:00:00Z,2026-03-01T12:00:00Z
      compound-b,2a01:4f8:1234:5678::/64,2026-03-02T07:00:00Z,2026-03-02T09:00:00Z
      """;

  @Test
  void oprfModeEndToEnd(@TempDir Path dir) throws Exception {
    try (TestFederation fed = new TestFederation(dir, 1, false)) {
      Path pass = dir.resolve("share-passphrases");
      String p = TestFederation.PASS;
      Files.writeString(pass, p + "\n" + p + "\n" + p + "\n");
      ok("oprf", "ceremony", "--threshold", "2", "--keyholders", "3", "--epoch", "1",
          "--out", dir.resolve("epoch1").toString(), "--passphrases", pass.toString(),
          "--holders", "blindmatch://test/keyholder/keyholder-1,"
              + "blindmatch://test/keyholder/keyholder-2,blindmatch://test/keyholder/keyholder-3");
      Path publicFile = dir.resolve("epoch1/oprf-public.epoch-1.json");
      Files.writeString(fed.config, Files.readString(fed.config)
          + "oprf_public_keys: [epoch1/oprf-public.epoch-1.json]\n");
      Path platform = fed.node(Role.PLATFORM, "platform-a");
      Path ngo = fed.node(Role.NGO, "ngo-a");
      Files.writeString(dir.resolve("reports.csv"), REPORTS);
      Files.writeString(dir.resolve("watchlist.csv"), WATCHLIST);
      KeyholderServer[] holders = new KeyholderServer[3];
      try (ClearinghouseServer ch = ClearinghouseServer.start(ClearinghouseConfig.load(
          fed.config))) {
        fed.usePort(ch.port());
        for (int i = 0; i < 3; i++) {
          holders[i] = fed.startKeyholder(dir, i + 1);
        }
        Map<String, Integer> expected = expectedTokens(dir, fed.scope, publicFile);

        // All three up: the tokens are exactly the full key's.
        String out = ok(tokenize(dir, platform, publicFile, "reports", "r1.bmt", holders));
        assertTrue(out.contains("key epoch    1 (oprf)"), out);
        assertTrue(out.contains("oprf backend "
            + org.blindmatch.crypto.ec.P256Backends.selected().name()), out);
        assertEquals(expected, tokens(dir.resolve("r1.bmt")));
        assertEquals(TokenFileHeader.KeyMode.OPRF,
            TokenFileReader.open(dir.resolve("r1.bmt")).header().mode());

        // One down: still works, the missing keyholder is named.
        String[] all = addresses(holders).split(",");
        holders[0].close();
        Result one = run(tokenize(dir, platform, publicFile, "reports", "r2.bmt", all));
        assertEquals(0, one.status, one.err);
        assertTrue(one.err.contains("keyholder unavailable") && one.err.contains(all[0]),
            one.err);
        assertEquals(expected, tokens(dir.resolve("r2.bmt")));

        // Two down: a clear failure, nothing written.
        holders[1].close();
        String err = fail(tokenize(dir, platform, publicFile, "reports", "r3.bmt", all));
        assertTrue(err.contains("only 1 of the 3 keyholders answered correctly")
            && err.contains("needs 2"), err);
        assertFalse(Files.exists(dir.resolve("r3.bmt")));
        assertFalse(Files.exists(dir.resolve("r3.bmt.map.csv")));

        // A keyholder that tampers with one evaluation is named and replaced.
        holders[0] = fed.startKeyholder(dir, 1);
        Server tampering = tamperingKeyholder(dir, 2);
        try {
          String[] args = tokenize(dir, platform, publicFile, "reports", "r4.bmt",
              "127.0.0.1:" + tampering.getPort(), "127.0.0.1:" + holders[0].port(),
              "127.0.0.1:" + holders[2].port());
          Result tampered = run(args);
          assertEquals(0, tampered.status, tampered.err);
          assertTrue(tampered.err.contains("keyholder 2")
              && tampered.err.contains("DLEQ proof does not verify"), tampered.err);
          assertEquals(expected, tokens(dir.resolve("r4.bmt")));
        } finally {
          tampering.shutdownNow();
        }

        // Submitted in oprf mode by a platform and an NGO, the tokens match as in hmac mode.
        holders[1] = fed.startKeyholder(dir, 2);
        ok("submit", "--profile", platform.toString(), "--reports",
            dir.resolve("reports.csv").toString(), "--scope", fed.scope.toString(),
            "--mode", "oprf", "--oprf-key", publicFile.toString(), "--keyholders",
            addresses(holders), "--threshold", "2", "--no-progress");
        ok("submit", "--profile", ngo.toString(), "--watchlist",
            dir.resolve("watchlist.csv").toString(), "--scope", fed.scope.toString(),
            "--mode", "oprf", "--oprf-key", publicFile.toString(), "--keyholders",
            addresses(holders), "--no-progress");
        Path operator = fed.node(Role.CLEARINGHOUSE, "operator");
        String run = ok("match", "run", "--profile", operator.toString(), "--scope",
            "test-scope");
        String runId = run.lines().filter(l -> l.startsWith("run ")).findFirst().orElseThrow()
            .substring(4).trim();
        String a = ok("results", "get", "--profile", platform.toString(), "--run", runId,
            "--map", dir.resolve("reports.csv.bmt.map.csv").toString());
        assertTrue(a.contains("r1,ip+hour,"), a);
        assertTrue(a.contains("r1,ip-only,"), a);
        assertTrue(a.contains("r4,ip-only,"), a);
        assertFalse(a.contains("r4,ip+hour"), "r4 is three days outside the window: " + a);
        assertTrue(a.contains("r3,ip+hour,"), a);
        assertFalse(a.contains("r2,") || a.contains("r5,"), a);
        String w = ok("results", "get", "--profile", ngo.toString(), "--run", runId,
            "--map", dir.resolve("watchlist.csv.bmt.map.csv").toString());
        assertTrue(w.startsWith("label,tier,matched_records,submitters\n"), w);
        assertTrue(w.contains("compound-a,ip-only,2,1"), w);
        assertTrue(w.contains("compound-a,ip+hour,1,1"), w);
        assertTrue(w.contains("compound-b,ip+hour,1,1"), w);
        // The oprf epoch is in the log, and an auditor verifies it and replays the run.
        String audit = ok("audit", "verify", "--profile",
            fed.node(Role.AUDITOR, "auditor").toString(), "--state",
            dir.resolve("audit-state").toString(), "--replay");
        assertTrue(audit.contains("2 key epochs") && audit.contains("1 runs recomputed"), audit);
      } finally {
        for (KeyholderServer h : holders) {
          if (h != null) {
            h.close();
          }
        }
      }
    }
  }

  @Test
  void clearinghouseRefusesAnEpochItsOperatorCouldEvaluateAlone(@TempDir Path dir)
      throws Exception {
    try (TestFederation fed = new TestFederation(dir, 1, false)) {
      Path pass = dir.resolve("share-passphrases");
      String p = TestFederation.PASS;
      Files.writeString(pass, p + "\n" + p + "\n" + p + "\n");
      // The ceremony refuses to give t shares to one name.
      String err = fail("oprf", "ceremony", "--threshold", "2", "--keyholders", "3",
          "--epoch", "7", "--out", dir.resolve("epoch7").toString(), "--passphrases",
          pass.toString(), "--holders", "blindmatch://test/keyholder/clearinghouse,"
              + "blindmatch://test/keyholder/clearinghouse,blindmatch://test/keyholder/other");
      assertTrue(err.contains("named as the holder of two shares"), err);
      ok("oprf", "ceremony", "--threshold", "2", "--keyholders", "3", "--epoch", "7",
          "--out", dir.resolve("epoch7").toString(), "--passphrases", pass.toString(),
          "--holders", "blindmatch://test/keyholder/clearinghouse,"
              + "blindmatch://test/keyholder/ngo-b,blindmatch://test/keyholder/other");
      Path file = dir.resolve("epoch7/oprf-public.epoch-7.json");
      Files.writeString(fed.config, Files.readString(fed.config)
          + "oprf_public_keys: [epoch7/oprf-public.epoch-7.json]\n");
      // One share of three, threshold 2: accepted.
      ClearinghouseServer.start(ClearinghouseConfig.load(fed.config)).close();

      // A public file (say from another tool) in which the operator's own keyholder holds
      // enough shares (here 1 of a 1-of-2 epoch) to evaluate alone: refused.
      OprfKeyFiles.EpochPublicKey key = OprfKeyFiles.readPublic(file);
      BigInteger secret = new BigInteger(200, new SecureRandom()).add(BigInteger.ONE);
      List<org.blindmatch.crypto.oprf.KeyShare> shares =
          ShamirSharing.split(secret, 1, 2, new SecureRandom());
      Path weak = dir.resolve("weak.json");
      OprfKeyFiles.writePublic(weak, new OprfKeyFiles.EpochPublicKey(9,
          org.blindmatch.crypto.oprf.ThresholdPublicKey.of(1, shares),
          KeyPair.of(secret).publicKey(), Map.of(
              1, org.blindmatch.crypto.pki.NodeIdentity.fromUri(
                  "blindmatch://test/keyholder/clearinghouse"),
              2, org.blindmatch.crypto.pki.NodeIdentity.fromUri(
                  "blindmatch://test/keyholder/other"))), false);
      Files.writeString(fed.config, Files.readString(fed.config).replace(
          "oprf_public_keys: [epoch7/oprf-public.epoch-7.json]",
          "oprf_public_keys: [epoch7/oprf-public.epoch-7.json, weak.json]"));
      Exception e = assertThrows(ConfigException.class,
          () -> ClearinghouseServer.start(ClearinghouseConfig.load(fed.config)));
      assertTrue(e.getMessage().contains("holds 1 of the 2 shares of epoch 9"),
          e.getMessage());
      Files.writeString(fed.config, Files.readString(fed.config).replace(", weak.json]",
          "]"));

      // An epoch number that is also an hmac key id: refused.
      Files.writeString(fed.config, Files.readString(fed.config).replace(
          "accepted_key_ids: [", "accepted_key_ids: [7, "));
      e = assertThrows(ConfigException.class,
          () -> ClearinghouseServer.start(ClearinghouseConfig.load(fed.config)));
      assertTrue(e.getMessage().contains("also in accepted_key_ids"), e.getMessage());
    }
  }

  private static Path writeLines(Path file, String... lines) throws Exception {
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }

  private record Result(int status, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = BlindmatchCli.execute(args, new PrintWriter(out), new PrintWriter(err));
    assertFalse(err.toString().contains("\tat "), "no stack trace: " + err);
    return new Result(status, out.toString(), err.toString());
  }

  private static String addresses(KeyholderServer... holders) {
    List<String> a = new ArrayList<>();
    for (KeyholderServer h : holders) {
      a.add("127.0.0.1:" + h.port());
    }
    return String.join(",", a);
  }

  private static String[] tokenize(Path dir, Path profile, Path publicFile, String kind,
      String out, KeyholderServer... holders) {
    return tokenize(dir, profile, publicFile, kind, out, addresses(holders).split(","));
  }

  private static String[] tokenize(Path dir, Path profile, Path publicFile, String kind,
      String out, String... keyholders) {
    return new String[] {"tokenize", "--" + kind, dir.resolve(kind + ".csv").toString(),
        "--scope", dir.resolve("scope.yaml").toString(), "--mode", "oprf",
        "--keyholders", String.join(",", keyholders), "--threshold", "2",
        "--oprf-key", publicFile.toString(), "--profile", profile.toString(),
        "--out", dir.resolve(out).toString(), "--no-progress", "--oprf-batch", "2"};
  }

  /** (token hex, tier) → count in a token file. */
  private static Map<String, Integer> tokens(Path file) throws Exception {
    Map<String, Integer> m = new HashMap<>();
    try (TokenFileReader r = TokenFileReader.open(file)) {
      byte[] rec = new byte[TokenRecord.LENGTH];
      while (r.next(rec, 1) == 1) {
        String key = HexFormat.of().formatHex(rec, 0, 16) + "/" + rec[TokenRecord.TIER_OFFSET];
        m.merge(key, 1, Integer::sum);
      }
    }
    return m;
  }

  /** The report file's tokens under the full key, interpolated from shares 1 and 3. */
  private static Map<String, Integer> expectedTokens(Path dir, Path scopeFile, Path publicFile)
      throws Exception {
    char[] pass = TestFederation.PASS.toCharArray();
    OprfKeyFiles.EpochShare s1 = OprfKeyFiles.readShare(
        dir.resolve("epoch1/keyholder-1.epoch-1.share"), pass);
    OprfKeyFiles.EpochShare s3 = OprfKeyFiles.readShare(
        dir.resolve("epoch1/keyholder-3.epoch-1.share"), pass);
    BigInteger k = s1.share().value().multiply(ShamirSharing.lagrangeCoefficient(1,
            List.of(1, 3)))
        .add(s3.share().value().multiply(ShamirSharing.lagrangeCoefficient(3, List.of(1, 3))))
        .mod(org.bouncycastle.asn1.sec.SECNamedCurves.getByName("secp256r1").getN());
    OprfServer full = new OprfServer(Suite.VOPRF_P256_SHA256, KeyPair.of(k));
    assertEquals(OprfKeyFiles.readPublic(publicFile).groupKey(), full.publicKey());
    Scope scope = ScopeLoader.load(scopeFile);
    Map<String, Integer> m = new HashMap<>();
    for (String line : REPORTS.strip().split("\n")) {
      String[] f = line.split(",");
      if (f[0].equals("record_id") || f[1].startsWith("10.")) {
        continue;
      }
      IpAddress address = IpParser.parseEndpoint(f[1]);
      long epoch = java.time.Instant.parse(f[2]).getEpochSecond();
      for (int t = 0; t < scope.tiers().size(); t++) {
        int bits = scope.tier(t).prefixFor(address.family());
        byte[] s = full.evaluate(OprfTokenEncoding.address(scope.digest(), bits,
            address.mask(bits)));
        long width = scope.tier(t).bucketWidth().seconds();
        byte[] token = new OprfTokenDeriver(s).token(t, width,
            scope.tier(t).bucketWidth().bucketOf(epoch));
        m.merge(HexFormat.of().formatHex(token) + "/" + t, 1, Integer::sum);
      }
    }
    return m;
  }

  /**
   * A server with keyholder {@code i}'s certificate and share that answers correctly except
   * that the first evaluated element of every batch is replaced by another point.
   */
  private static Server tamperingKeyholder(Path dir, int i) throws Exception {
    String name = "keyholder-" + i;
    OprfKeyFiles.EpochShare share = OprfKeyFiles.readShare(
        dir.resolve("epoch1/keyholder-" + i + ".epoch-1.share"),
        TestFederation.PASS.toCharArray());
    OprfKeyFiles.EpochPublicKey pub = OprfKeyFiles.readPublic(
        dir.resolve("epoch1/oprf-public.epoch-1.json"));
    OprfServer server = new OprfServer(Suite.VOPRF_P256_SHA256, share.share().keyPair());
    TlsMaterial tls = TlsMaterial.load(dir.resolve("pki/ca.crt"),
        dir.resolve("pki/" + name + ".crt"), dir.resolve("pki/" + name + ".key"),
        TestFederation.PASS.toCharArray());
    KeyholderServiceGrpc.KeyholderServiceImplBase service =
        new KeyholderServiceGrpc.KeyholderServiceImplBase() {
          @Override
          public void evaluate(EvaluateRequest request,
              StreamObserver<EvaluateResponse> response) {
            try {
              List<Element> blinded = new ArrayList<>();
              for (ByteString b : request.getBlindedElementsList()) {
                blinded.add(Element.decode(b.toByteArray()));
              }
              BlindEvaluation e = server.blindEvaluateBatch(blinded, new SecureRandom());
              EvaluateResponse.Builder out = EvaluateResponse.newBuilder()
                  .setEpoch(1).setKeyholder(i)
                  .setProof(ByteString.copyFrom(e.proof().encode()));
              for (int j = 0; j < e.evaluatedElements().size(); j++) {
                Element el = j == 0 ? pub.groupKey() : e.evaluatedElements().get(j);
                out.addEvaluatedElements(ByteString.copyFrom(el.encode()));
              }
              response.onNext(out.build());
              response.onCompleted();
            } catch (Exception ex) {
              response.onError(ex);
            }
          }

          @Override
          public void getShareKey(GetShareKeyRequest request,
              StreamObserver<ShareKey> response) {
            response.onNext(ShareKey.newBuilder().setEpoch(1).setKeyholder(i).setThreshold(2)
                .setSharePublicKey(ByteString.copyFrom(share.share().publicKey().encode()))
                .setGroupPublicKey(ByteString.copyFrom(pub.groupKey().encode())).build());
            response.onCompleted();
          }
        };
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .sslContext(MutualTls.serverContext(tls))
        .addService(ServerInterceptors.intercept(service, new IdentityInterceptor("test")))
        .build().start();
  }
}
