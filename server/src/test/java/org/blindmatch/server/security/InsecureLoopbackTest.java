package org.blindmatch.server.security;

import org.blindmatch.core.transport.LoopbackOnly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.blindmatch.crypto.pki.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The plaintext development mode: identity from a header, loopback only. */
class InsecureLoopbackTest {
  static final AuthorizationPolicy POLICY =
      AuthorizationPolicy.builder().allow(Health.CHECK, Role.PLATFORM).build();
  static final List<Server> servers = new ArrayList<>();
  static int devPort;

  @BeforeAll
  static void start() throws IOException {
    devPort = start(LoopbackOnly.requireLoopback("127.0.0.1", 0), SecurityInterceptors.intercept(
        health(), IdentityInterceptor.insecureLoopbackForDevelopment("demo"),
        new AuthorizationInterceptor(POLICY)));
  }

  @AfterAll
  static void stop() throws InterruptedException {
    for (Server s : servers) {
      s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void acceptsTheDevelopmentHeaderFromLoopback() throws Exception {
    Health.Outcome o = Health.plaintext("127.0.0.1", devPort, "blindmatch://demo/platform/p1");
    assertEquals(Status.Code.OK, o.status().getCode(), o.toString());
    assertEquals(ServingStatus.SERVING, o.serving());
  }

  @Test
  void stillAuthorizesByRole() throws Exception {
    Health.Outcome o = Health.plaintext("127.0.0.1", devPort, "blindmatch://demo/ngo/n1");
    assertEquals(Status.Code.PERMISSION_DENIED, o.status().getCode(), o.toString());
    assertEquals("role ngo may not call grpc.health.v1.Health/Check",
        o.status().getDescription());
  }

  @Test
  void rejectsMissingMalformedOrForeignIdentity() throws Exception {
    for (String header : new String[] {null, "blindmatch://demo/PLATFORM/p1",
        "blindmatch://other/platform/p1", "blindmatch://demo/platform/p1/x", ""}) {
      Health.Outcome o = Health.plaintext("127.0.0.1", devPort, header);
      assertEquals(Status.Code.UNAUTHENTICATED, o.status().getCode(), header + ": " + o);
    }
  }

  @Test
  void rejectsNonLoopbackPeers() throws Exception {
    InetAddress external = nonLoopbackIpv4();
    assumeTrue(external != null, "no non-loopback IPv4 interface");
    // Deliberately bypasses LoopbackOnly to prove the per-call check on its own.
    int port = start(new InetSocketAddress(external, 0), SecurityInterceptors.intercept(
        health(), IdentityInterceptor.insecureLoopbackForDevelopment("demo"),
        new AuthorizationInterceptor(POLICY)));
    Health.Outcome o = Health.plaintext(external.getHostAddress(), port,
        "blindmatch://demo/platform/p1");
    assertEquals(Status.Code.UNAUTHENTICATED, o.status().getCode(), o.toString());
    assertEquals("development identities are accepted only from loopback addresses",
        o.status().getDescription());
  }

  @Test
  void tlsModeRejectsPlaintextCalls() throws Exception {
    int port = start(LoopbackOnly.requireLoopback("127.0.0.1", 0), SecurityInterceptors.intercept(
        health(), new IdentityInterceptor("demo"), new AuthorizationInterceptor(POLICY)));
    Health.Outcome o = Health.plaintext("127.0.0.1", port, "blindmatch://demo/platform/p1");
    assertEquals(Status.Code.UNAUTHENTICATED, o.status().getCode(), o.toString());
    assertEquals("mutual TLS is required", o.status().getDescription());
  }

  @Test
  void interceptorOrderMatters() throws Exception {
    // ServerInterceptors.intercept runs the LAST interceptor first: listing identity first
    // makes authorization run before any identity exists, and every call fails closed.
    int wrong = start(LoopbackOnly.requireLoopback("127.0.0.1", 0), ServerInterceptors.intercept(
        health(), IdentityInterceptor.insecureLoopbackForDevelopment("demo"),
        new AuthorizationInterceptor(POLICY)));
    Health.Outcome o = Health.plaintext("127.0.0.1", wrong, "blindmatch://demo/platform/p1");
    assertEquals(Status.Code.UNAUTHENTICATED, o.status().getCode(), o.toString());
    assertEquals("no authenticated caller", o.status().getDescription());

    // Server-wide installation via the builder has the same trap; installOn gets it right.
    NettyServerBuilder b = NettyServerBuilder.forAddress(
        LoopbackOnly.requireLoopback("127.0.0.1", 0)).addService(health());
    Server s = SecurityInterceptors.installOn(b,
        IdentityInterceptor.insecureLoopbackForDevelopment("demo"),
        new AuthorizationInterceptor(POLICY)).build().start();
    servers.add(s);
    o = Health.plaintext("127.0.0.1", s.getPort(), "blindmatch://demo/platform/p1");
    assertEquals(Status.Code.OK, o.status().getCode(), o.toString());
  }

  private static ServerServiceDefinition health() {
    return new HealthStatusManager().getHealthService().bindService();
  }

  private static int start(InetSocketAddress address, ServerServiceDefinition service)
      throws IOException {
    Server s = NettyServerBuilder.forAddress(address).addService(service).build().start();
    servers.add(s);
    return s.getPort();
  }

  private static InetAddress nonLoopbackIpv4() throws IOException {
    for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nif.isUp() || nif.isLoopback()) {
        continue;
      }
      for (InetAddress a : Collections.list(nif.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
          return a;
        }
      }
    }
    return null;
  }
}
