package org.blindmatch.cli.federation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.blindmatch.cli.BlindmatchCli;
import org.blindmatch.core.limits.Limits;
import org.blindmatch.core.transport.MutualTls;
import org.blindmatch.core.transport.TlsMaterial;
import org.blindmatch.crypto.oprf.BlindEvaluation;
import org.blindmatch.crypto.oprf.Blinded;
import org.blindmatch.crypto.oprf.Element;
import org.blindmatch.crypto.oprf.OprfClient;
import org.blindmatch.crypto.oprf.OprfKeyFiles;
import org.blindmatch.crypto.oprf.Proof;
import org.blindmatch.crypto.oprf.ShareEvaluation;
import org.blindmatch.crypto.oprf.Suite;
import org.blindmatch.crypto.oprf.ThresholdCombiner;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.proto.v1.EvaluateRequest;
import org.blindmatch.proto.v1.EvaluateResponse;
import org.blindmatch.proto.v1.EvaluationCount;
import org.blindmatch.proto.v1.GetEvaluationCountsRequest;
import org.blindmatch.proto.v1.KeyholderServiceGrpc;
import org.blindmatch.server.keyholder.KeyholderConfig;
import org.blindmatch.server.keyholder.KeyholderServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keyholders over real mutual TLS: blind evaluations with proofs from any two of three
 * combine to the same OPRF output; quotas are enforced with the remaining count; only
 * platforms and NGOs may evaluate; counts survive a restart and are served to auditors.
 */
class KeyholderTest {
  static final SecureRandom RANDOM = new SecureRandom();

  @Test
  void thresholdEvaluationQuotaRolesAndDurableCounts(@TempDir Path dir) throws Exception {
    try (TestFederation fed = new TestFederation(dir, 1)) {
      Path pass = dir.resolve("share-passphrases");
      String p = TestFederation.PASS;
      Files.writeString(pass, p + "\n" + p + "\n" + p + "\n");
      cli("oprf", "ceremony", "--threshold", "2", "--keyholders", "3", "--epoch", "1",
          "--out", dir.resolve("epoch1").toString(), "--passphrases", pass.toString(),
          "--holders", "blindmatch://test/keyholder/keyholder-1,"
              + "blindmatch://test/keyholder/keyholder-2,blindmatch://test/keyholder/keyholder-3");
      fed.node(Role.PLATFORM, "platform-a");
      fed.node(Role.CLEARINGHOUSE, "operator");
      fed.node(Role.AUDITOR, "auditor");
      List<KeyholderServer> servers = new ArrayList<>();
      try {
        for (int i = 1; i <= 3; i++) {
          servers.add(startKeyholder(fed, dir, i));
        }
        OprfKeyFiles.EpochPublicKey pub = OprfKeyFiles.readPublic(
            dir.resolve("epoch1/oprf-public.epoch-1.json"));
        byte[] input = "an address encoding".getBytes();
        byte[] viaOneTwo = evaluate(dir, "platform-a", servers, pub, input, 0, 1);
        byte[] viaTwoThree = evaluate(dir, "platform-a", servers, pub, input, 1, 2);
        assertArrayEquals(viaOneTwo, viaTwoThree);

        // Quota 5 per identity and epoch: keyholder 1 has served 1 of platform-a's so far.
        KeyholderServiceGrpc.KeyholderServiceBlockingStub k1 =
            stub(dir, "platform-a", servers.get(0));
        assertEquals(1, k1.evaluate(request(3)).getRemainingQuota());
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
            () -> k1.evaluate(request(2)));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("1 of 5 remain"),
            e.getStatus().getDescription());
        // The numbers also travel as google.rpc details, for clients in any language.
        com.google.rpc.ErrorInfo info = null;
        com.google.rpc.QuotaFailure quota = null;
        for (com.google.protobuf.Any a : io.grpc.protobuf.StatusProto.fromThrowable(e)
            .getDetailsList()) {
          if (a.is(com.google.rpc.ErrorInfo.class)) {
            info = a.unpack(com.google.rpc.ErrorInfo.class);
          } else if (a.is(com.google.rpc.QuotaFailure.class)) {
            quota = a.unpack(com.google.rpc.QuotaFailure.class);
          }
        }
        assertEquals("QUOTA_EXCEEDED", info.getReason());
        assertEquals("blindmatch.org", info.getDomain());
        assertEquals(java.util.Map.of("epoch", "1", "quota", "5", "remaining", "1",
            "requested", "2"), info.getMetadataMap());
        assertEquals("blindmatch://test/platform/platform-a epoch 1",
            quota.getViolations(0).getSubject());

        StatusRuntimeException denied = assertThrows(StatusRuntimeException.class,
            () -> stub(dir, "operator", servers.get(0)).evaluate(request(1)));
        assertEquals(Status.Code.PERMISSION_DENIED, denied.getStatus().getCode());

        // Keyholder 1's metrics: per epoch, never per caller.
        MetricsScrape m = MetricsScrape.of(servers.get(0).metricsPort());
        assertEquals(4, m.value("blindmatch_keyholder_evaluations_total", "epoch", "1"));
        assertEquals(1, m.value("blindmatch_keyholder_rate_limited_total", "epoch", "1"));
        String evaluate = KeyholderServiceGrpc.getEvaluateMethod().getFullMethodName();
        assertEquals(2, m.value("blindmatch_grpc_server_calls_total", "method", evaluate,
            "code", "OK"));
        assertEquals(1, m.value("blindmatch_grpc_server_calls_total", "method", evaluate,
            "code", "RESOURCE_EXHAUSTED"));
        assertEquals(1, m.value("blindmatch_grpc_server_calls_total", "method", evaluate,
            "code", "PERMISSION_DENIED"));
        assertFalse(m.text().contains("platform-a") || m.text().contains("blindmatch://"),
            "no caller identity in the keyholder's metrics");

        // epoch is uint32: 2^31 and 2^32 - 1 are named as such, never as negative numbers.
        for (int epoch : new int[] {0, Integer.MAX_VALUE, Integer.MIN_VALUE, -1}) {
          StatusRuntimeException wrong = assertThrows(StatusRuntimeException.class,
              () -> k1.evaluate(request(1).toBuilder().setEpoch(epoch).build()));
          assertEquals(Status.Code.FAILED_PRECONDITION, wrong.getStatus().getCode());
          assertTrue(wrong.getStatus().getDescription().endsWith("holds epoch 1, not "
              + Integer.toUnsignedString(epoch)), wrong.getStatus().getDescription());
        }

        // Size limits answer with other codes than the quota: over the batch limit is
        // INVALID_ARGUMENT from the keyholder; over 2 MiB gRPC itself refuses the message.
        StatusRuntimeException tooMany = assertThrows(StatusRuntimeException.class,
            () -> k1.evaluate(request(Limits.MAX_EVALUATE_BATCH + 1)));
        assertEquals(Status.Code.INVALID_ARGUMENT, tooMany.getStatus().getCode());
        // A Lagrange combination must name exactly t shares, this keyholder's among them.
        for (List<Integer> bad : List.of(List.of(1), List.of(1, 2, 3), List.of(2, 3),
            List.of(1, 1))) {
          StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
              () -> k1.evaluate(request(1).toBuilder().addAllCombination(bad).build()));
          assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode(),
              bad.toString());
          assertTrue(refused.getStatus().getDescription().contains("combination"),
              refused.getStatus().getDescription());
        }
        StatusRuntimeException huge = assertThrows(StatusRuntimeException.class,
            () -> k1.evaluate(EvaluateRequest.newBuilder().setEpoch(1).addBlindedElements(
                ByteString.copyFrom(new byte[Limits.SERVER_MAX_INBOUND_MESSAGE_BYTES + 1]))
                .build()));
        assertFalse(String.valueOf(huge.getStatus().getDescription()).contains("quota"),
            huge.getStatus().toString());

        servers.get(0).close();
        servers.set(0, startKeyholder(fed, dir, 1));
        List<EvaluationCount> counts = stub(dir, "auditor", servers.get(0))
            .getEvaluationCounts(GetEvaluationCountsRequest.getDefaultInstance())
            .getCountsList();
        assertEquals(1, counts.size());
        assertEquals("blindmatch://test/platform/platform-a", counts.get(0).getIdentity());
        assertEquals(4, counts.get(0).getEvaluations(), "counted durably across a restart");

        // The same through 'blindmatch keyholder counts', as the auditor: every keyholder that
        // answers is listed under its share; one that is down is named and fails the command.
        String pubFile = dir.resolve("epoch1/oprf-public.epoch-1.json").toString();
        String all = "127.0.0.1:" + servers.get(0).port() + ",127.0.0.1:"
            + servers.get(1).port() + ",127.0.0.1:" + servers.get(2).port();
        String auditor = dir.resolve("auditor.profile.yaml").toString();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(0, BlindmatchCli.execute(new String[] {"keyholder", "counts", "--profile",
            auditor, "--keyholders", all, "--oprf-key", pubFile},
            new PrintWriter(out), new PrintWriter(err)), err::toString);
        String k = "blindmatch://test/keyholder/keyholder-";
        String a = ",blindmatch://test/platform/platform-a,1,";
        assertEquals("share,keyholder,identity,epoch,evaluations\n"
            + "1," + k + "1" + a + "4\n" + "2," + k + "2" + a + "2\n" + "3," + k + "3" + a + "1\n",
            out.toString().replace("\r\n", "\n"));
        int downPort = servers.get(2).port();
        servers.get(2).close();
        out = new StringWriter();
        err = new StringWriter();
        assertEquals(1, BlindmatchCli.execute(new String[] {"keyholder", "counts", "--profile",
            auditor, "--keyholders", all, "--oprf-key", pubFile},
            new PrintWriter(out), new PrintWriter(err)));
        assertTrue(err.toString().contains(
            "cannot connect to the keyholder at 127.0.0.1:" + downPort + ": connection refused"), err::toString);
        assertTrue(out.toString().contains("\n2,blindmatch://test/keyholder/keyholder-2,"
            + "blindmatch://test/platform/platform-a,1,2\n"), out::toString);
        // Platforms may not read the ledger.
        out = new StringWriter();
        err = new StringWriter();
        assertEquals(1, BlindmatchCli.execute(new String[] {"keyholder", "counts", "--profile",
            dir.resolve("platform-a.profile.yaml").toString(), "--keyholders",
            "127.0.0.1:" + servers.get(0).port(), "--oprf-key", pubFile},
            new PrintWriter(out), new PrintWriter(err)));
        assertTrue(err.toString().contains("PERMISSION_DENIED"), err::toString);
      } finally {
        servers.forEach(KeyholderServer::close);
      }
    }
  }

  private static KeyholderServer startKeyholder(TestFederation fed, Path dir, int i)
      throws Exception {
    String name = "keyholder-" + i;
    if (!Files.exists(dir.resolve("pki/" + name + ".crt"))) {
      fed.issue(Role.KEYHOLDER, name, List.of("localhost"), List.of("127.0.0.1"));
    }
    Path config = dir.resolve(name + ".yaml");
    Files.writeString(config, "federation: test\nlisten: 127.0.0.1:0\n"
        + "data_dir: " + name + "-data\n"
        + "tls: {ca: pki/ca.crt, cert: pki/" + name + ".crt, key: pki/" + name + ".key}\n"
        + "passphrase_file: passphrase.txt\n"
        + "share: epoch1/keyholder-" + i + ".epoch-1.share\n"
        + "public_key: epoch1/oprf-public.epoch-1.json\nquota_per_identity: 5\n"
        + "metrics_listen: 127.0.0.1:0\n");
    return KeyholderServer.start(KeyholderConfig.load(config, null));
  }

  private static byte[] evaluate(Path dir, String who, List<KeyholderServer> servers,
      OprfKeyFiles.EpochPublicKey pub, byte[] input, int... use) throws Exception {
    OprfClient client = new OprfClient(Suite.VOPRF_P256_SHA256);
    Blinded b = client.blind(input, RANDOM);
    List<ShareEvaluation> evals = new ArrayList<>();
    for (int i : use) {
      EvaluateResponse r = stub(dir, who, servers.get(i)).evaluate(EvaluateRequest.newBuilder()
          .setEpoch(1).addBlindedElements(ByteString.copyFrom(b.blindedElement().encode()))
          .build());
      evals.add(new ShareEvaluation(r.getKeyholder(), new BlindEvaluation(
          List.of(Element.decode(r.getEvaluatedElements(0).toByteArray())),
          Proof.decode(r.getProof().toByteArray()))));
    }
    return client.finalizeCombined(List.of(input), List.of(b),
        ThresholdCombiner.combine(evals, List.of(b.blindedElement()), pub.shares())).get(0);
  }

  private static EvaluateRequest request(int n) throws Exception {
    EvaluateRequest.Builder r = EvaluateRequest.newBuilder().setEpoch(1);
    OprfClient client = new OprfClient(Suite.VOPRF_P256_SHA256);
    for (int i = 0; i < n; i++) {
      r.addBlindedElements(ByteString.copyFrom(
          client.blind(new byte[] {(byte) i}, RANDOM).blindedElement().encode()));
    }
    return r.build();
  }

  private static KeyholderServiceGrpc.KeyholderServiceBlockingStub stub(Path dir, String who,
      KeyholderServer server) throws Exception {
    TlsMaterial tls = TlsMaterial.load(dir.resolve("pki/ca.crt"),
        dir.resolve("pki/" + who + ".crt"), dir.resolve("pki/" + who + ".key"),
        TestFederation.PASS.toCharArray());
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
        .sslContext(MutualTls.clientContext(tls)).build();
    return KeyholderServiceGrpc.newBlockingStub(channel);
  }

  private static void cli(String... args) {
    StringWriter err = new StringWriter();
    int status = BlindmatchCli.execute(args, new PrintWriter(new StringWriter()),
        new PrintWriter(err));
    assertEquals(0, status, err::toString);
  }
}
