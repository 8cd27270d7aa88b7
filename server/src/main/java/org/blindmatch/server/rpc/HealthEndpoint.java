package org.blindmatch.server.rpc;

import org.blindmatch.core.transport.ListenFailure;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * An optional second, plaintext port serving only {@code grpc.health.v1.Health} (Check and
 * Watch) from the main server's {@link HealthStatusManager}: for orchestrator probes
 * (Kubernetes gRPC probes and Docker health checks cannot present a client certificate).
 * It answers nothing but the serving status, carries no identity and no other service.
 * Thread-safe.
 */
public final class HealthEndpoint implements AutoCloseable {
  private final Server server;

  private HealthEndpoint(Server server) {
    this.server = server;
  }

  /**
   * Binds {@code host:port} and serves {@code health}.
   *
   * @throws IOException if the port cannot be bound
   */
  public static HealthEndpoint start(String host, int port, HealthStatusManager health)
      throws IOException {
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
        .addService(health.getHealthService())
        .maxInboundMessageSize(4096)
        .maxConcurrentCallsPerConnection(4)
        .maxRstFramesPerWindow(50, 10)
        .handshakeTimeout(5, TimeUnit.SECONDS)
        .build();
    try {
      server.start();
    } catch (IOException e) {
      throw ListenFailure.of("health_listen", host, port, e);
    }
    return new HealthEndpoint(server);
  }

  /** The bound port. */
  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.shutdownNow();
  }
}
