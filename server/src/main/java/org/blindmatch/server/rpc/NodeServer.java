package org.blindmatch.server.rpc;

import org.blindmatch.core.transport.ListenFailure;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.blindmatch.core.limits.Limits;
import org.blindmatch.core.transport.HostPort;
import org.blindmatch.core.transport.MutualTls;
import org.blindmatch.core.transport.RevocationFile;
import org.blindmatch.core.transport.TlsMaterial;
import org.blindmatch.crypto.pki.PkiException;
import org.blindmatch.server.config.ConfigException;
import org.blindmatch.server.logging.RequestLogInterceptor;
import org.blindmatch.server.metrics.MetricsEndpoint;
import org.blindmatch.server.metrics.ServerMetrics;
import org.blindmatch.server.security.AuthorizationInterceptor;
import org.blindmatch.server.security.AuthorizationPolicy;
import org.blindmatch.server.security.IdentityInterceptor;

/**
 * A running blindmatch gRPC server (clearinghouse or keyholder), built one way for both:
 * mutual TLS 1.3 from the node's {@link TlsMaterial} (or plaintext on loopback for
 * development), request logging and metrics, identity then authorization in front of every
 * service, the health service, optional reflection, the shared {@link Limits}, HTTP/2
 * rapid-reset and handshake limits, optional health-only and Prometheus listeners, and a
 * graceful shutdown that then closes the resources the node registered with {@link Closer}.
 *
 * <p>Thread-safe once started; {@link #close} may be called from any thread, once.
 */
public final class NodeServer implements AutoCloseable {
  private final Server server;
  private final HealthStatusManager health;
  private final HealthEndpoint probe;
  private final MetricsEndpoint metricsEndpoint;
  private final Closer owned;

  private NodeServer(Server server, HealthStatusManager health, HealthEndpoint probe,
      MetricsEndpoint metricsEndpoint, Closer owned) {
    this.server = server;
    this.health = health;
    this.probe = probe;
    this.metricsEndpoint = metricsEndpoint;
    this.owned = owned;
  }

  /** A server for federation {@code federation} that will listen on {@code address}. */
  public static Builder builder(InetSocketAddress address, String federation) {
    return new Builder(address, federation);
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.getPort();
  }

  /** The bound health-only probe port, or -1 without one. */
  public int healthPort() {
    return probe == null ? -1 : probe.port();
  }

  /** The bound Prometheus {@code /metrics} port, or -1 without one. */
  public int metricsPort() {
    return metricsEndpoint == null ? -1 : metricsEndpoint.port();
  }

  /** Sets the overall serving status (readiness) reported by the health service. */
  public void setServing(boolean serving) {
    health.setStatus("", serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  }

  /** Blocks until the server terminates. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /**
   * Reports NOT_SERVING for good, stops accepting calls, lets running calls finish (up to
   * {@link GracefulShutdown#GRACE_SECONDS}), stops the side listeners, then closes the
   * registered resources, last registered first.
   */
  @Override
  public void close() {
    health.enterTerminalState();
    GracefulShutdown.stop(server);
    if (probe != null) {
      probe.close();
    }
    if (metricsEndpoint != null) {
      metricsEndpoint.close();
    }
    owned.close();
  }

  /** Collects the node's parts; {@link #start} binds. Not thread-safe. */
  public static final class Builder {
    private final InetSocketAddress address;
    private final String federation;
    private TlsMaterial tls;
    private RevocationFile revocations;
    private boolean insecureLoopback;
    private AuthorizationPolicy policy;
    private ServerMetrics metrics;
    private final List<BindableService> services = new ArrayList<>();
    private boolean reflection;
    private HostPort healthListen;
    private HostPort metricsListen;
    private Closer owned = new Closer();

    private Builder(InetSocketAddress address, String federation) {
      this.address = Objects.requireNonNull(address, "address");
      this.federation = Objects.requireNonNull(federation, "federation");
    }

    /** Mutual TLS with this node's certificate, key and federation CA. */
    public Builder tls(TlsMaterial tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    /**
     * Refuse callers whose certificate is on this revocation list (with TLS only), see
     * {@link IdentityInterceptor#IdentityInterceptor(String, RevocationFile)}.
     */
    public Builder revocations(RevocationFile revocations) {
      this.revocations = Objects.requireNonNull(revocations, "revocations");
      return this;
    }

    /**
     * Plaintext with the caller's identity taken from a header: development only; the caller
     * has checked that {@code address} is a loopback address.
     */
    public Builder insecureLoopbackForDevelopment() {
      this.insecureLoopback = true;
      return this;
    }

    /** Which role may call which method; every other call is refused. */
    public Builder authorization(AuthorizationPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Where request metrics go (and what the metrics listener serves). */
    public Builder metrics(ServerMetrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /** A service to serve behind identity and authorization. */
    public Builder service(BindableService service) {
      services.add(Objects.requireNonNull(service, "service"));
      return this;
    }

    /** Also serve gRPC reflection (v1), behind the same authorization. */
    public Builder reflection() {
      this.reflection = true;
      return this;
    }

    /** A health-only plaintext listener for orchestrators, or null for none. */
    public Builder healthListen(HostPort listen) {
      this.healthListen = listen;
      return this;
    }

    /** A Prometheus {@code /metrics} listener, or null for none. */
    public Builder metricsListen(HostPort listen) {
      this.metricsListen = listen;
      return this;
    }

    /**
     * Resources the node owns (store, ledger, executors): closed after the server stops, and
     * also if {@link #start} fails.
     */
    public Builder owning(Closer resources) {
      this.owned = Objects.requireNonNull(resources, "resources");
      return this;
    }

    /**
     * Binds and starts serving, SERVING in the health service. On failure everything bound so
     * far and every owned resource is closed.
     *
     * @throws ConfigException if the TLS material does not make a server context
     * @throws IOException if a port cannot be bound, naming the address
     */
    public NodeServer start() throws ConfigException, IOException {
      if (policy == null || metrics == null || (tls == null) == !insecureLoopback) {
        throw new IllegalStateException("a node needs an authorization policy, metrics, and "
            + "either TLS material or the insecure loopback flag");
      }
      try {
        return bind();
      } catch (ConfigException | IOException | RuntimeException e) {
        owned.close();
        throw e;
      }
    }

    private NodeServer bind() throws ConfigException, IOException {
      ServerInterceptor authn = insecureLoopback
          ? IdentityInterceptor.insecureLoopbackForDevelopment(federation)
          : revocations == null ? new IdentityInterceptor(federation)
          : new IdentityInterceptor(federation, revocations);
      ServerInterceptor authz = new AuthorizationInterceptor(policy);
      HealthStatusManager health = new HealthStatusManager();
      NettyServerBuilder builder = NettyServerBuilder.forAddress(address)
          .intercept(new RequestLogInterceptor())
          .intercept(metrics.grpcInterceptor())
          .maxInboundMessageSize(Limits.SERVER_MAX_INBOUND_MESSAGE_BYTES)
          .maxConcurrentCallsPerConnection(Limits.SERVER_MAX_CONCURRENT_CALLS_PER_CONNECTION)
          .maxRstFramesPerWindow(200, 10)
          .handshakeTimeout(20, TimeUnit.SECONDS)
          .permitKeepAliveTime(30, TimeUnit.SECONDS);
      if (tls != null) {
        java.time.Instant notAfter = tls.certificate().getNotAfter().toInstant();
        metrics.gauge("blindmatch.tls.certificate.expiry.seconds",
            "Seconds until this server's TLS certificate expires (negative once expired); "
                + "renew with pki request and pki renew before it reaches 0",
            () -> java.time.Duration.between(java.time.Instant.now(), notAfter).toSeconds());
        try {
          builder.sslContext(MutualTls.serverContext(tls));
        } catch (PkiException e) {
          throw new ConfigException("tls: " + e.getMessage());
        }
      }
      List<BindableService> all = new ArrayList<>(services);
      all.add(health.getHealthService());
      if (reflection) {
        all.add(ProtoReflectionServiceV1.newInstance());
      }
      for (BindableService s : all) {
        // Interceptors run last-to-first: identity, then authorization.
        builder.addService(ServerInterceptors.intercept(s, authz, authn));
      }
      Server server = builder.build();
      try {
        server.start();
      } catch (IOException e) {
        throw ListenFailure.of("listen", address.getHostString(), address.getPort(), e);
      }
      Closer listeners = new Closer();
      listeners.register(server::shutdownNow);
      try {
        HealthEndpoint probe = healthListen == null ? null : listeners.register(
            HealthEndpoint.start(healthListen.host(), healthListen.port(), health));
        MetricsEndpoint metricsEndpoint = metricsListen == null ? null : listeners.register(
            MetricsEndpoint.start(metricsListen.host(), metricsListen.port(), metrics));
        health.setStatus("", ServingStatus.SERVING);
        return new NodeServer(server, health, probe, metricsEndpoint, owned);
      } catch (IOException | RuntimeException e) {
        listeners.close();
        throw e;
      }
    }
  }
}
