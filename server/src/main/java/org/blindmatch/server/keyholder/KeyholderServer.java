package org.blindmatch.server.keyholder;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.blindmatch.crypto.keys.KeysetException;
import org.blindmatch.crypto.keys.PassphraseFile;
import org.blindmatch.crypto.oprf.OprfException;
import org.blindmatch.crypto.oprf.OprfKeyFiles;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.PkiException;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.proto.v1.KeyholderServiceGrpc;
import org.blindmatch.server.config.ConfigException;
import org.blindmatch.server.logging.RequestLogInterceptor;
import org.blindmatch.server.metrics.MetricsEndpoint;
import org.blindmatch.server.metrics.ServerMetrics;
import org.blindmatch.server.rpc.GracefulShutdown;
import org.blindmatch.server.rpc.HealthEndpoint;
import org.blindmatch.server.security.AuthorizationInterceptor;
import org.blindmatch.server.security.AuthorizationPolicy;
import org.blindmatch.server.security.IdentityInterceptor;
import org.blindmatch.core.transport.MutualTls;
import org.blindmatch.core.transport.TlsMaterial;

/**
 * A keyholder server: mutual TLS 1.3 with a keyholder certificate, the keyholder service
 * (evaluate: platforms and NGOs; share key: every role; counts: auditors and the operator),
 * health. Start-up checks every file before binding: the share must belong to the public
 * file's epoch and its public key must be the one published for its index.
 */
public final class KeyholderServer implements AutoCloseable {
  private final Server server;
  private final EvaluationLedger ledger;
  private final NodeIdentity identity;

  private final HealthStatusManager health;
  private final HealthEndpoint probe;
  private final MetricsEndpoint metricsEndpoint;

  private KeyholderServer(Server server, EvaluationLedger ledger, NodeIdentity identity,
      HealthStatusManager health, HealthEndpoint probe, MetricsEndpoint metricsEndpoint) {
    this.metricsEndpoint = metricsEndpoint;
    this.health = health;
    this.probe = probe;
    this.server = server;
    this.ledger = ledger;
    this.identity = identity;
  }

  /** Starts serving; problems are reported before any port is bound. */
  public static KeyholderServer start(KeyholderConfig cfg) throws ConfigException, IOException {
    char[] passphrase;
    try {
      passphrase = PassphraseFile.read(cfg.passphraseFile());
    } catch (IOException e) {
      throw new ConfigException("passphrase_file: " + cfg.passphraseFile() + ": cannot read");
    }
    TlsMaterial tls;
    OprfKeyFiles.EpochShare share;
    OprfKeyFiles.EpochPublicKey published;
    try {
      try {
        tls = TlsMaterial.load(cfg.caCertificate(), cfg.certificate(), cfg.privateKey(),
            passphrase);
      } catch (PkiException e) {
        throw new ConfigException("tls: " + e.getMessage());
      }
      try {
        share = OprfKeyFiles.readShare(cfg.share(), passphrase);
      } catch (KeysetException | OprfException e) {
        throw new ConfigException("share: " + e.getMessage());
      } catch (IOException e) {
        throw new ConfigException("share: " + cfg.share() + ": cannot read (" + e + ")");
      }
      try {
        published = OprfKeyFiles.readPublic(cfg.publicKey());
      } catch (OprfException e) {
        throw new ConfigException("public_key: " + e.getMessage());
      } catch (IOException e) {
        throw new ConfigException("public_key: " + cfg.publicKey() + ": cannot read (" + e
            + ")");
      }
    } finally {
      Arrays.fill(passphrase, '\0');
    }
    NodeIdentity identity = tls.identity();
    if (identity.role() != Role.KEYHOLDER || !identity.federation().equals(cfg.federation())) {
      throw new ConfigException("tls.cert: " + identity + " is not a keyholder of federation "
          + cfg.federation());
    }
    if (published.shareOf(identity) != share.share().index()) {
      throw new ConfigException("share: " + cfg.share() + " is share "
          + share.share().index() + ", but " + cfg.publicKey() + " names "
          + published.holders().get(share.share().index()) + " as its holder, not this "
          + "keyholder's certificate identity " + identity);
    }
    if (share.epoch() != published.epoch()
        || !share.share().publicKey().equals(
            published.shares().shareKeys().get(share.share().index()))) {
      throw new ConfigException("share: " + cfg.share() + " (keyholder "
          + share.share().index() + ", epoch " + share.epoch() + ") is not the share "
          + "published in " + cfg.publicKey());
    }
    EvaluationLedger ledger;
    try {
      ledger = new EvaluationLedger(cfg.dataDir());
    } catch (SQLException e) {
      throw new ConfigException("data_dir: cannot open the evaluation ledger: "
          + e.getMessage());
    }
    Role[] all = Role.values();
    AuthorizationPolicy policy = AuthorizationPolicy.builder()
        .allow(KeyholderServiceGrpc.getEvaluateMethod().getFullMethodName(),
            Role.PLATFORM, Role.NGO)
        .allow(KeyholderServiceGrpc.getGetShareKeyMethod().getFullMethodName(), all)
        .allow(KeyholderServiceGrpc.getGetEvaluationCountsMethod().getFullMethodName(),
            Role.AUDITOR, Role.CLEARINGHOUSE)
        .allow(HealthGrpc.getCheckMethod().getFullMethodName(), all)
        .build();
    ServerInterceptor authn = new IdentityInterceptor(cfg.federation());
    ServerInterceptor authz = new AuthorizationInterceptor(policy);
    HealthStatusManager health = new HealthStatusManager();
    ServerMetrics metrics = new ServerMetrics();
    NettyServerBuilder builder;
    try {
      builder = NettyServerBuilder.forAddress(new InetSocketAddress(cfg.host(), cfg.port()))
          .intercept(new RequestLogInterceptor())
          .intercept(metrics.grpcInterceptor())
          .sslContext(MutualTls.serverContext(tls))
          .maxInboundMessageSize(1 << 20)
          .maxConcurrentCallsPerConnection(16)
          .maxRstFramesPerWindow(200, 10)
          .handshakeTimeout(20, TimeUnit.SECONDS);
    } catch (PkiException e) {
      throw new ConfigException("tls: " + e.getMessage());
    }
    for (BindableService s : new BindableService[] {new KeyholderServiceImpl(share, published,
        ledger, cfg.quotaPerIdentity(), metrics), health.getHealthService()}) {
      builder.addService(ServerInterceptors.intercept(s, authz, authn));
    }
    Server server = builder.build();
    try {
      server.start();
    } catch (IOException e) {
      try {
        ledger.close();
      } catch (SQLException ignored) {
        // closing after a failed start
      }
      throw new IOException("cannot listen on " + cfg.host() + ":" + cfg.port() + ": "
          + e.getMessage(), e);
    }
    HealthEndpoint probe = null;
    if (cfg.healthListen() != null) {
      try {
        probe = HealthEndpoint.start(cfg.healthListen().host(), cfg.healthListen().port(),
            health);
      } catch (IOException e) {
        server.shutdownNow();
        try {
          ledger.close();
        } catch (SQLException ignored) {
          // closing after a failed start
        }
        throw e;
      }
    }
    MetricsEndpoint metricsEndpoint = null;
    if (cfg.metricsListen() != null) {
      try {
        metricsEndpoint = MetricsEndpoint.start(cfg.metricsListen().host(),
            cfg.metricsListen().port(), metrics);
      } catch (IOException e) {
        server.shutdownNow();
        if (probe != null) {
          probe.close();
        }
        try {
          ledger.close();
        } catch (SQLException ignored) {
          // closing after a failed start
        }
        throw e;
      }
    }
    health.setStatus("", ServingStatus.SERVING);
    return new KeyholderServer(server, ledger, identity, health, probe, metricsEndpoint);
  }

  public int port() {
    return server.getPort();
  }

  public NodeIdentity identity() {
    return identity;
  }

  /** The bound health-only probe port, or -1 without {@code health_listen}. */
  public int healthPort() {
    return probe == null ? -1 : probe.port();
  }

  /** The bound Prometheus {@code /metrics} port, or -1 without {@code metrics_listen}. */
  public int metricsPort() {
    return metricsEndpoint == null ? -1 : metricsEndpoint.port();
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

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
    try {
      ledger.close();
    } catch (SQLException ignored) {
      // nothing more to do at shutdown
    }
  }
}
