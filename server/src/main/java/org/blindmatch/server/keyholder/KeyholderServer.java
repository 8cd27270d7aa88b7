package org.blindmatch.server.keyholder;

import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.util.Arrays;
import org.blindmatch.crypto.io.ReadFailure;
import org.blindmatch.crypto.keys.KeysetException;
import org.blindmatch.crypto.keys.PassphraseFile;
import org.blindmatch.crypto.oprf.OprfException;
import org.blindmatch.crypto.oprf.OprfKeyFiles;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.PkiException;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.proto.v1.KeyholderServiceGrpc;
import org.blindmatch.server.config.ConfigException;
import org.blindmatch.server.metrics.ServerMetrics;
import org.blindmatch.server.rpc.Closer;
import org.blindmatch.server.rpc.NodeServer;
import org.blindmatch.server.security.AuthorizationPolicy;
import org.blindmatch.core.transport.TlsMaterial;
import org.blindmatch.server.security.RevocationConfig;

/**
 * A keyholder server: mutual TLS 1.3 with a keyholder certificate, the keyholder service
 * (evaluate: platforms and NGOs; share key: every role; counts: auditors and the operator),
 * health. Start-up checks every file before binding: the share must belong to the public
 * file's epoch and its public key must be the one published for its index.
 */
public final class KeyholderServer implements AutoCloseable {
  private final NodeServer server;
  private final NodeIdentity identity;

  private KeyholderServer(NodeServer server, NodeIdentity identity) {
    this.server = server;
    this.identity = identity;
  }

  /** Starts serving; problems are reported before any port is bound. */
  public static KeyholderServer start(KeyholderConfig cfg) throws ConfigException, IOException {
    char[] passphrase;
    try {
      passphrase = PassphraseFile.read(cfg.passphraseFile());
    } catch (IOException e) {
      throw new ConfigException("passphrase_file: " + cfg.passphraseFile() + ": cannot read: "
          + ReadFailure.reason(e));
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
        throw new ConfigException("share: " + cfg.share() + ": cannot read: "
            + ReadFailure.reason(e));
      }
      try {
        published = org.blindmatch.crypto.oprf.dkg.DkgPublicFile.read(cfg.publicKey()).key();
      } catch (OprfException e) {
        throw new ConfigException("public_key: " + e.getMessage());
      } catch (IOException e) {
        throw new ConfigException("public_key: " + cfg.publicKey() + ": cannot read: "
            + ReadFailure.reason(e));
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
    Closer owned = new Closer();
    EvaluationLedger ledger;
    try {
      ledger = new EvaluationLedger(cfg.dataDir());
    } catch (SQLException e) {
      throw new ConfigException("data_dir: cannot open the evaluation ledger: "
          + e.getMessage());
    }
    owned.register(ledger);
    Role[] all = Role.values();
    AuthorizationPolicy policy = AuthorizationPolicy.builder()
        .allow(KeyholderServiceGrpc.getEvaluateMethod().getFullMethodName(),
            Role.PLATFORM, Role.NGO)
        .allow(KeyholderServiceGrpc.getGetShareKeyMethod().getFullMethodName(), all)
        .allow(KeyholderServiceGrpc.getGetEvaluationCountsMethod().getFullMethodName(),
            Role.AUDITOR, Role.CLEARINGHOUSE)
        .allow(HealthGrpc.getCheckMethod().getFullMethodName(), all)
        .build();
    ServerMetrics metrics = new ServerMetrics();
    NodeServer.Builder builder = NodeServer.builder(
        new InetSocketAddress(cfg.host(), cfg.port()), cfg.federation());
    if (cfg.revocations() != null) {
      builder.revocations(RevocationConfig.load(cfg.revocations(), tls));
    }
    NodeServer server = builder
        .tls(tls)
        .authorization(policy)
        .metrics(metrics)
        .service(new KeyholderServiceImpl(share, published, ledger, cfg.quotaPerIdentity(),
            metrics))
        .healthListen(cfg.healthListen())
        .metricsListen(cfg.metricsListen())
        .owning(owned)
        .start();
    return new KeyholderServer(server, identity);
  }

  /** The running gRPC node (ports, readiness, termination). */
  public NodeServer node() {
    return server;
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.port();
  }

  public NodeIdentity identity() {
    return identity;
  }

  /** The bound health-only probe port, or -1 without {@code health_listen}. */
  public int healthPort() {
    return server.healthPort();
  }

  /** The bound Prometheus {@code /metrics} port, or -1 without {@code metrics_listen}. */
  public int metricsPort() {
    return server.metricsPort();
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /** Stops accepting calls, lets running calls finish (up to 10 s), closes the ledger. */
  @Override
  public void close() {
    server.close();
  }
}
