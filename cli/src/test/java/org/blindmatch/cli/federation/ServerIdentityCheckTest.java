package org.blindmatch.cli.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Server;
import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.federation.NodeProfile;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.proto.v1.GetScopeRequest;
import org.blindmatch.proto.v1.PublishedScope;
import org.blindmatch.proto.v1.ScopeServiceGrpc;
import org.blindmatch.core.transport.MutualTls;
import org.blindmatch.core.transport.TlsMaterial;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A federation node whose certificate happens to name the host cannot pose as the
 * clearinghouse: TLS succeeds (same CA, right host name), but the client refuses the
 * response because the server's identity is not a clearinghouse.
 */
class ServerIdentityCheckTest {
  @Test
  void aPlatformCertificateCannotServeAsTheClearinghouse(@TempDir Path dir) throws Exception {
    try (TestFederation fed = new TestFederation(dir, 1)) {
      fed.issue(Role.PLATFORM, "impostor", List.of("localhost"), List.of("127.0.0.1"));
      Path client = fed.node(Role.PLATFORM, "platform-a");
      TlsMaterial impostor = TlsMaterial.load(dir.resolve("pki/ca.crt"),
          dir.resolve("pki/impostor.crt"), dir.resolve("pki/impostor.key"),
          TestFederation.PASS.toCharArray());
      Server fake = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
          .sslContext(MutualTls.serverContext(impostor))
          .addService(new ScopeServiceGrpc.ScopeServiceImplBase() {
            @Override
            public void getScope(GetScopeRequest r, StreamObserver<PublishedScope> out) {
              out.onNext(PublishedScope.newBuilder().setKThreshold(1).build());
              out.onCompleted();
            }
          })
          .build()
          .start();
      try {
        Path profile = dir.resolve("to-impostor.yaml");
        Files.writeString(profile, Files.readString(client)
            .replaceFirst("server: 127\\.0\\.0\\.1:\\d+", "server: 127.0.0.1:" + fake.getPort()));
        try (FederationClient c = FederationClient.connect(NodeProfile.load(profile), m -> { })) {
          StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
              c::publishedScope);
          assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
          assertTrue(e.getStatus().getDescription().contains("not a clearinghouse"),
              e.getStatus().getDescription());
        }
        // The real clearinghouse passes the same check.
        try (FederationClient c = FederationClient.connect(NodeProfile.load(client), m -> { })) {
          assertEquals(1, c.publishedScope().getKThreshold());
        }
      } finally {
        fake.shutdownNow();
      }
    }
  }
}
