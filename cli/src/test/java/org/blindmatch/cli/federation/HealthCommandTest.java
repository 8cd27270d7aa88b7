package org.blindmatch.cli.federation;

import static org.blindmatch.cli.federation.FederationTests.fail;
import static org.blindmatch.cli.federation.FederationTests.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.blindmatch.proto.v1.GetScopeRequest;
import org.blindmatch.proto.v1.ScopeServiceGrpc;
import org.blindmatch.server.clearinghouse.ClearinghouseConfig;
import org.blindmatch.server.clearinghouse.ClearinghouseServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code blindmatch health} against a real clearinghouse: over the plaintext health-only
 * port ({@code health_listen}), which serves nothing else, and over the mutual-TLS port with
 * the server's own certificate; a stopped server is reported unhealthy with exit status 1.
 */
class HealthCommandTest {
  @Test
  void probePortAndMutualTlsPortAnswerUntilShutdown(@TempDir Path dir) throws Exception {
    TestFederation fed = new TestFederation(dir, 1, false);
    Path config = dir.resolve("with-probe.yaml");
    Files.writeString(config, Files.readString(fed.config) + "health_listen: 127.0.0.1:0\n");
    ClearinghouseServer server = ClearinghouseServer.start(ClearinghouseConfig.load(config));
    String probe = "127.0.0.1:" + server.healthPort();
    try {
      String out = ok("health", "clearinghouse", "--config", config.toString(), "--address",
          probe);
      assertTrue(out.contains("clearinghouse at " + probe + ": SERVING"), out);
      out = ok("health", "clearinghouse", "--config", config.toString(), "--tls",
          "--address", "localhost:" + server.port());
      assertTrue(out.contains("SERVING"), out);
      assertTrue(out.matches("(?s).*certificate serial [0-9a-f]+ valid until \\S+ \\(0 days "
          + "left; renew it: pki request, then pki renew at the CA\\).*"), out);

      // The probe port serves health only: no federation service.
      ManagedChannel ch = NettyChannelBuilder.forTarget(probe).usePlaintext().build();
      try {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
            () -> ScopeServiceGrpc.newBlockingStub(ch)
                .getScope(GetScopeRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode());
      } finally {
        ch.shutdownNow();
      }
    } finally {
      server.close();
    }
    String e = fail("health", "clearinghouse", "--config", config.toString(), "--address",
        probe, "--timeout-seconds", "2");
    assertTrue(e.contains("clearinghouse at " + probe + ": not healthy"), e);
  }
}
