package org.blindmatch.cli.federation;

import static org.blindmatch.cli.federation.FederationTests.ok;
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
import org.blindmatch.cli.BlindmatchCli;
import org.blindmatch.core.transport.MutualTls;
import org.blindmatch.core.transport.TlsMaterial;
import org.blindmatch.crypto.oprf.OprfClient;
import org.blindmatch.crypto.oprf.Suite;
import org.blindmatch.crypto.pki.RevocationReason;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.proto.v1.EvaluateRequest;
import org.blindmatch.proto.v1.GetResultsRequest;
import org.blindmatch.proto.v1.GetUploadStatusRequest;
import org.blindmatch.proto.v1.ResultServiceGrpc;
import org.blindmatch.proto.v1.SubmissionServiceGrpc;
import org.blindmatch.proto.v1.KeyholderServiceGrpc;
import org.blindmatch.server.keyholder.KeyholderServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revocation enforced at the TLS layer over real mutual TLS on loopback: once the CA's list
 * names a platform's certificate, the clearinghouse refuses its submissions and result
 * fetches and a keyholder its OPRF evaluations, each naming the revocation; other members are
 * unaffected; a renewed certificate works again.
 */
class RevocationTest {
  @Test
  void aRevokedPlatformIsRefusedEverywhereAndARenewedOneIsNot(@TempDir Path dir)
      throws Exception {
    try (TestFederation fed = new TestFederation(dir, 1, true, true)) {
      FederationTests.Parties p = FederationTests.partiesWithTokens(fed);
      Path pass = dir.resolve("share-passphrases");
      Files.writeString(pass, TestFederation.PASS + "\n" + TestFederation.PASS + "\n");
      ok("oprf", "ceremony", "--threshold", "2", "--keyholders", "2", "--epoch", "1",
          "--out", dir.resolve("epoch1").toString(), "--passphrases", pass.toString(),
          "--holders", "blindmatch://test/keyholder/keyholder-1,"
              + "blindmatch://test/keyholder/keyholder-2");
      try (KeyholderServer keyholder = fed.startKeyholder(dir, 1)) {
        ok("submit", "--profile", p.platform().toString(), "--tokens", path(dir, "a.bmt"),
            "--id", "a1");
        ok("submit", "--profile", p.ngo().toString(), "--tokens", path(dir, "w.bmt"),
            "--id", "w1");
        String runId = runId(ok("match", "run", "--profile", p.operator().toString(),
            "--scope", "test-scope"));
        assertEquals(1, evaluator(dir, keyholder).evaluate(request()).getEvaluatedElementsCount());

        String serial = fed.certificate("platform-a").getSerialNumber().toString(16);
        fed.revoke("platform-a", RevocationReason.KEY_COMPROMISE);

        String refusal = "certificate revoked: blindmatch://test/platform/platform-a: "
            + "certificate serial " + serial + " was revoked at ";
        // Through the CLI the user sees the revocation, as a refusal (exit 1), not a bug.
        String submit = refused("submit", "--profile", p.platform().toString(), "--tokens",
            path(dir, "a.bmt"), "--id", "a2");
        assertTrue(submit.contains(refusal), submit);
        assertTrue(submit.contains("(reason: key-compromise)"), submit);
        String results = refused("results", "get", "--profile", p.platform().toString(),
            "--run", runId);
        assertTrue(results.contains(refusal), results);
        // On the wire: every call of the revoked certificate, on every server.
        ManagedChannel ch = channel(dir, fed.server.port());
        assertRevoked(refusal, () -> SubmissionServiceGrpc.newBlockingStub(ch)
            .getUploadStatus(GetUploadStatusRequest.newBuilder().setSubmissionId("a2").build()));
        assertRevoked(refusal, () -> ResultServiceGrpc.newBlockingStub(ch)
            .getResults(GetResultsRequest.newBuilder().setRunId(runId).build()));
        assertRevoked(refusal, () -> evaluator(dir, keyholder).evaluate(request()));
        ch.shutdownNow();
        // Other members are unaffected.
        ok("results", "get", "--profile", p.ngo().toString(), "--run", runId, "--unresolved");

        fed.renew(Role.PLATFORM, "platform-a");
        ok("submit", "--profile", p.platform().toString(), "--tokens", path(dir, "a.bmt"),
            "--id", "a2", "--receipt", path(dir, "a2.receipt"));
        ok("results", "get", "--profile", p.platform().toString(), "--run", runId,
            "--unresolved");
        assertEquals(1, evaluator(dir, keyholder).evaluate(request()).getEvaluatedElementsCount());

        // The auditor reads the revocation from the log, checks the CA's signature on it,
        // and accepts the renewed member's later submission.
        String audit = ok("audit", "verify", "--profile", p.auditor().toString(), "--state",
            path(dir, "audit-state"));
        assertTrue(audit.contains(", 2 revocation lists "), audit);
        assertTrue(audit.contains("revoked      certificate serial " + serial + " was revoked "
            + "at "), audit);

        // A client whose profile names the list refuses a server whose certificate is on it.
        Path checking = dir.resolve("checking.profile.yaml");
        Files.writeString(checking, Files.readString(p.ngo()).replace("key: pki/ngo.key}",
            "key: pki/ngo.key, revocations: pki/ca.crl}"));
        ok("results", "get", "--profile", checking.toString(), "--run", runId, "--unresolved");
        String chSerial = fed.certificate("clearinghouse").getSerialNumber().toString(16);
        fed.revoke("clearinghouse", RevocationReason.KEY_COMPROMISE);
        String refusedServer = refused("results", "get", "--profile", checking.toString(),
            "--run", runId);
        assertTrue(refusedServer.contains("the server blindmatch://test/clearinghouse/"
            + "clearinghouse presents a revoked certificate: certificate serial " + chSerial),
            refusedServer);

        // The same profile refuses a keyholder whose certificate is on the list.
        String khSerial = fed.certificate("keyholder-1").getSerialNumber().toString(16);
        fed.revoke("keyholder-1", RevocationReason.KEY_COMPROMISE);
        Files.writeString(dir.resolve("oprf.csv"), "record_id,ip,timestamp\n"
            + "R-1,45.77.12.9,2026-03-03T08:30:00Z\n");
        String refusedKeyholder = refused("tokenize", "--reports", path(dir, "oprf.csv"),
            "--scope", fed.scope.toString(), "--mode", "oprf", "--keyholders",
            "127.0.0.1:" + keyholder.port(), "--oprf-key",
            path(dir, "epoch1/oprf-public.epoch-1.json"), "--profile", checking.toString(),
            "--out", path(dir, "oprf.bmt"), "--no-progress");
        assertTrue(refusedKeyholder.contains("the server blindmatch://test/keyholder/"
            + "keyholder-1 presents a revoked certificate: certificate serial " + khSerial),
            refusedKeyholder);
      }
    }
  }

  private static void assertRevoked(String refusal, org.junit.jupiter.api.function.Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().startsWith(refusal),
        e.getStatus().getDescription());
  }

  /** Runs the CLI expecting a refusal (exit 1) without a stack trace; returns stderr. */
  private static String refused(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = BlindmatchCli.execute(args, new PrintWriter(out), new PrintWriter(err));
    assertEquals(1, status, () -> String.join(" ", args) + " should fail with 1: " + out + err);
    assertFalse(err.toString().contains("\tat "), "no stack trace: " + err);
    assertFalse(err.toString().contains("internal error"), err.toString());
    return err.toString();
  }

  private static String runId(String out) {
    return out.lines().filter(l -> l.startsWith("run ")).findFirst().orElseThrow()
        .substring(4).trim();
  }

  private static String path(Path dir, String file) {
    return dir.resolve(file).toString();
  }

  private static KeyholderServiceGrpc.KeyholderServiceBlockingStub evaluator(Path dir,
      KeyholderServer server) throws Exception {
    return KeyholderServiceGrpc.newBlockingStub(channel(dir, server.port()));
  }

  /** A channel as platform-a, with the certificate and key currently in its files. */
  private static ManagedChannel channel(Path dir, int port) throws Exception {
    TlsMaterial tls = TlsMaterial.load(dir.resolve("pki/ca.crt"),
        dir.resolve("pki/platform-a.crt"), dir.resolve("pki/platform-a.key"),
        TestFederation.PASS.toCharArray());
    return NettyChannelBuilder.forAddress("127.0.0.1", port)
        .sslContext(MutualTls.clientContext(tls)).build();
  }

  private static EvaluateRequest request() throws Exception {
    return EvaluateRequest.newBuilder().setEpoch(1).addBlindedElements(ByteString.copyFrom(
        new OprfClient(Suite.VOPRF_P256_SHA256).blind(new byte[] {1}, new SecureRandom())
            .blindedElement().encode())).build();
  }
}
