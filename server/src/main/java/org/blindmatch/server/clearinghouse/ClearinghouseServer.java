package org.blindmatch.server.clearinghouse;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import org.blindmatch.crypto.oprf.OprfKeyFiles;
import org.blindmatch.crypto.oprf.OprfException;
import java.util.TreeMap;
import java.util.Map;
import java.nio.file.Path;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.blindmatch.crypto.keys.EncryptedKeysetFile;
import org.blindmatch.crypto.keys.KeysetException;
import org.blindmatch.crypto.keys.PassphraseFile;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.PkiException;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.scope.ScopeException;
import org.blindmatch.crypto.scope.ScopeLoader;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.server.config.ConfigException;
import org.blindmatch.server.log.TransparencyLog;
import org.blindmatch.server.logging.RequestLogInterceptor;
import org.blindmatch.server.metrics.MetricsEndpoint;
import org.blindmatch.server.metrics.ServerMetrics;
import org.blindmatch.server.rpc.GracefulShutdown;
import org.blindmatch.server.rpc.HealthEndpoint;
import org.blindmatch.server.security.AuthorizationInterceptor;
import org.blindmatch.server.security.IdentityInterceptor;
import org.blindmatch.core.transport.LoopbackOnly;
import org.blindmatch.core.transport.MutualTls;
import org.blindmatch.core.transport.TlsMaterial;
import org.blindmatch.server.store.segment.SegmentSubmissionStore;
import org.blindmatch.server.store.StoreException;

/**
 * The clearinghouse gRPC server: mutual TLS 1.3 (or plaintext on loopback for development),
 * identity and authorization interceptors in front of every service, health and reflection,
 * bounded messages and concurrency, graceful shutdown.
 */
public final class ClearinghouseServer implements AutoCloseable {
  private static final int MAX_INBOUND_MESSAGE = 2 << 20;
  private static final long READINESS_PERIOD_SECONDS = 5;

  private final Server server;
  private final SegmentSubmissionStore store;
  private final HealthStatusManager health;
  private final NodeIdentity identity;
  private final byte[] scopeDigest;
  private final ScheduledExecutorService purger;
  private final HealthEndpoint probe;
  private final MetricsEndpoint metricsEndpoint;

  private ClearinghouseServer(Server server, SegmentSubmissionStore store,
      HealthStatusManager health, NodeIdentity identity, byte[] scopeDigest,
      ScheduledExecutorService purger, HealthEndpoint probe, MetricsEndpoint metricsEndpoint) {
    this.probe = probe;
    this.metricsEndpoint = metricsEndpoint;
    this.scopeDigest = scopeDigest;
    this.purger = purger;
    this.server = server;
    this.store = store;
    this.health = health;
    this.identity = identity;
  }

  /**
   * Reads the accepted oprf epochs and refuses a federation in which this clearinghouse's
   * operator holds enough shares to evaluate the OPRF alone, or epochs that collide with
   * hmac key ids.
   */
  static Map<Integer, OprfKeyFiles.EpochPublicKey> oprfEpochs(ClearinghouseConfig cfg,
      NodeIdentity identity) throws ConfigException {
    Map<Integer, OprfKeyFiles.EpochPublicKey> epochs = new TreeMap<>();
    for (Path file : cfg.oprfPublicKeys()) {
      OprfKeyFiles.EpochPublicKey key;
      try {
        key = OprfKeyFiles.readPublic(file);
      } catch (OprfException e) {
        throw new ConfigException("oprf_public_keys: " + e.getMessage());
      } catch (IOException e) {
        throw new ConfigException("oprf_public_keys: " + file + ": cannot read: "
            + e.getMessage());
      }
      int t = key.shares().threshold();
      int held = key.sharesNamed(identity.name());
      if (held >= t) {
        throw new ConfigException("oprf_public_keys: " + file + ": " + identity.name()
            + ", the operator of this clearinghouse, holds " + held + " of the "
            + key.holders().size() + " shares of epoch " + key.epoch() + " and " + t
            + " suffice to evaluate the OPRF: the clearinghouse could then hash every "
            + "address itself. Give the shares to independent keyholders.");
      }
      if (epochs.put(key.epoch(), key) != null) {
        throw new ConfigException("oprf_public_keys: epoch " + key.epoch()
            + " is listed twice");
      }
      if (cfg.acceptedKeyIds().contains(key.epoch())) {
        throw new ConfigException("oprf_public_keys: " + file + ": epoch " + key.epoch()
            + " is also in accepted_key_ids; a key id must name one key");
      }
    }
    return epochs;
  }

  /**
   * Checks every setting, opens the store and starts serving. Configuration problems are
   * reported before any port is bound.
   *
   * @throws ConfigException naming the file, key and reason
   * @throws IOException if the port cannot be bound
   */
  public static ClearinghouseServer start(ClearinghouseConfig cfg)
      throws ConfigException, IOException {
    char[] passphrase = readPassphrase(cfg);
    Scope scope;
    NodeSigner signer;
    TlsMaterial tls = null;
    NodeIdentity identity;
    InetSocketAddress address;
    try {
      try {
        scope = ScopeLoader.load(cfg.scope());
      } catch (ScopeException e) {
        throw new ConfigException("scope: " + e.getMessage());
      }
      try {
        signer = NodeSigner.of(EncryptedKeysetFile.read(cfg.signingKeyset(),
            NodeSigner.PURPOSE, passphrase));
      } catch (KeysetException | GeneralSecurityException e) {
        throw new ConfigException("signing_keyset: " + e.getMessage());
      }
      if (cfg.insecureLoopback()) {
        try {
          address = LoopbackOnly.requireLoopback(cfg.host(), cfg.port());
        } catch (IllegalArgumentException e) {
          throw new ConfigException("listen: " + e.getMessage());
        }
        identity = new NodeIdentity(cfg.federation(), Role.CLEARINGHOUSE, "insecure-dev");
      } else {
        address = new InetSocketAddress(cfg.host(), cfg.port());
        try {
          tls = TlsMaterial.load(cfg.caCertificate(), cfg.certificate(), cfg.privateKey(),
              passphrase);
        } catch (PkiException e) {
          throw new ConfigException("tls: " + e.getMessage());
        }
        identity = tls.identity();
        if (identity.role() != Role.CLEARINGHOUSE
            || !identity.federation().equals(cfg.federation())) {
          throw new ConfigException("tls.cert: " + cfg.certificate() + " is " + identity
              + ", not a clearinghouse of federation " + cfg.federation());
        }
      }
    } finally {
      Arrays.fill(passphrase, '\0');
    }
    Map<Integer, OprfKeyFiles.EpochPublicKey> oprfEpochs = oprfEpochs(cfg, identity);
    SegmentSubmissionStore store;
    try {
      store = SegmentSubmissionStore.open(cfg.dataDir(), cfg.store().location());
    } catch (StoreException e) {
      throw new ConfigException(cfg.store().configKey() + ": " + e.getMessage());
    }
    Clearinghouse ch;
    try {
      TransparencyLog log =
          TransparencyLog.open(store, signer, identity.uri().toString(), Clock.systemUTC());
      ch = new Clearinghouse(identity, store, store, store, store, scope, cfg.acceptedKeyIds(),
          oprfEpochs, cfg.kThreshold(), cfg.submissionTtl(), signer, Clock.systemUTC(), log);
      if (log.size() == 0 && (!store.listAll().isEmpty()
          || !store.transcriptRunIds().isEmpty())) {
        // The scope entry is logged before anything can be submitted, so an empty log beside
        // committed submissions or runs was deleted (with its seal), not never written.
        throw new StoreException(StoreException.Kind.CORRUPT, "the log is empty but the "
            + "store holds committed submissions or runs: the log and its seal were deleted "
            + "(restore the store from a backup, see docs/OPERATIONS.md)");
      }
      FederationLog.atStartup(ch);
      LogBackfill.run(ch);
    } catch (StoreException e) {
      store.close();
      throw new ConfigException(cfg.store().configKey() + ": transparency log: "
          + e.getMessage());
    }
    ServerInterceptor authn = cfg.insecureLoopback()
        ? IdentityInterceptor.insecureLoopbackForDevelopment(cfg.federation())
        : new IdentityInterceptor(cfg.federation());
    ServerInterceptor authz = new AuthorizationInterceptor(AccessPolicy.clearinghouse());
    HealthStatusManager health = new HealthStatusManager();
    ServerMetrics metrics = new ServerMetrics();
    metrics.gauge("blindmatch.store.committed.submissions",
        "Committed submissions in the store",
        () -> {
          try {
            return store.listAll().size();
          } catch (StoreException e) {
            return Double.NaN;
          }
        });
    metrics.gauge("blindmatch.store.ready",
        "1 while the store is open and its metadata database reachable, else 0",
        () -> store.isReady() ? 1 : 0);
    metrics.gauge("blindmatch.log.tree.size", "Entries in the transparency log",
        () -> ch.log().size());
    NettyServerBuilder builder = NettyServerBuilder.forAddress(address)
        .intercept(new RequestLogInterceptor())
        .intercept(metrics.grpcInterceptor())
        .maxInboundMessageSize(MAX_INBOUND_MESSAGE)
        .maxConcurrentCallsPerConnection(32)
        .maxRstFramesPerWindow(200, 10)
        .handshakeTimeout(20, TimeUnit.SECONDS)
        .permitKeepAliveTime(30, TimeUnit.SECONDS);
    if (tls != null) {
      try {
        builder.sslContext(MutualTls.serverContext(tls));
      } catch (PkiException e) {
        store.close();
        throw new ConfigException("tls: " + e.getMessage());
      }
    }
    for (BindableService s : new BindableService[] {new SubmissionServiceImpl(ch, metrics),
        new NodeServiceImpl(ch), new ScopeServiceImpl(ch), new MatchServiceImpl(ch, metrics),
        new ResultServiceImpl(ch), new AdminServiceImpl(ch), new AuditServiceImpl(ch), health.getHealthService(),
        ProtoReflectionServiceV1.newInstance()}) {
      // Interceptors run last-to-first: identity, then authorization.
      builder.addService(ServerInterceptors.intercept(s, authz, authn));
    }
    Server server = builder.build();
    try {
      server.start();
    } catch (IOException e) {
      store.close();
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
        store.close();
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
        store.close();
        throw e;
      }
    }
    // Readiness follows the store: NOT_SERVING while its metadata database is unreachable
    // (a lost PostgreSQL connection is not re-established: restart the server).
    health.setStatus("", ServingStatus.SERVING);
    ScheduledExecutorService purger = Executors.newScheduledThreadPool(2, r -> {
      Thread t = new Thread(r, "blindmatch-store-maintenance");
      t.setDaemon(true);
      return t;
    });
    purger.scheduleWithFixedDelay(() -> health.setStatus("",
        store.isReady() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING),
        READINESS_PERIOD_SECONDS, READINESS_PERIOD_SECONDS, TimeUnit.SECONDS);
    purger.scheduleWithFixedDelay(() -> {
      try {
        store.purgeExpired(Clock.systemUTC().instant());
      } catch (StoreException | RuntimeException e) {
        // Retried at the next tick and at every run start.
      }
    }, 0, 1, TimeUnit.HOURS);
    return new ClearinghouseServer(server, store, health, identity, scope.digest(), purger,
        probe, metricsEndpoint);
  }

  private static char[] readPassphrase(ClearinghouseConfig cfg) throws ConfigException {
    try {
      return PassphraseFile.read(cfg.passphraseFile());
    } catch (IOException e) {
      throw new ConfigException("passphrase_file: " + cfg.passphraseFile()
          + ": cannot read: " + e.getMessage());
    }
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.getPort();
  }

  public NodeIdentity identity() {
    return identity;
  }

  /** The published scope's digest. */
  public byte[] scopeDigest() {
    return scopeDigest.clone();
  }

  /** The bound health-only probe port, or -1 without {@code health_listen}. */
  public int healthPort() {
    return probe == null ? -1 : probe.port();
  }

  /** The bound Prometheus {@code /metrics} port, or -1 without {@code metrics_listen}. */
  public int metricsPort() {
    return metricsEndpoint == null ? -1 : metricsEndpoint.port();
  }

  /** Blocks until the server terminates. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /** Stops accepting calls, lets running calls finish (up to 10 s), closes the store. */
  @Override
  public void close() {
    purger.shutdownNow();
    health.enterTerminalState();
    GracefulShutdown.stop(server);
    if (probe != null) {
      probe.close();
    }
    if (metricsEndpoint != null) {
      metricsEndpoint.close();
    }
    try {
      store.close();
    } catch (Exception e) {
      // nothing more to do at shutdown
    }
  }
}
