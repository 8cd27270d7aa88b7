package org.blindmatch.server.clearinghouse;

import java.io.IOException;
import org.blindmatch.crypto.io.ReadFailure;
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
import org.blindmatch.crypto.keys.PassphraseKdf;
import org.blindmatch.crypto.sign.NoteKey;
import org.blindmatch.core.claims.Checkpoints;
import java.nio.file.Files;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.PkiException;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.scope.ScopeException;
import org.blindmatch.crypto.scope.ScopeLoader;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.server.config.ConfigException;
import org.blindmatch.server.log.TransparencyLog;
import org.blindmatch.server.metrics.ServerMetrics;
import org.blindmatch.server.rpc.Closer;
import org.blindmatch.server.rpc.NodeServer;
import org.blindmatch.core.transport.LoopbackOnly;
import org.blindmatch.core.transport.RevocationFile;
import org.blindmatch.core.transport.TlsMaterial;
import org.blindmatch.server.security.RevocationConfig;
import org.blindmatch.server.store.segment.SegmentSubmissionStore;
import org.blindmatch.server.store.StoreException;

/**
 * The clearinghouse: checks its configuration, opens and checks its store and transparency log,
 * and serves its services on a {@link NodeServer} (mutual TLS, identity and authorization,
 * health, reflection, limits, graceful shutdown). Store maintenance (readiness, purging of
 * expired token data) runs on a background thread.
 */
public final class ClearinghouseServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ClearinghouseServer.class.getName());
  private static final long READINESS_PERIOD_SECONDS = 5;
  /** The checkpoint key's file in the data directory. */
  public static final String CHECKPOINT_KEY_FILE = "checkpoint-key.json";

  private final NodeServer server;
  private final NodeIdentity identity;
  private final byte[] scopeDigest;
  private final byte[] logKeyFingerprint;

  private ClearinghouseServer(NodeServer server, NodeIdentity identity, byte[] scopeDigest,
      byte[] logKeyFingerprint) {
    this.server = server;
    this.identity = identity;
    this.scopeDigest = scopeDigest;
    this.logKeyFingerprint = logKeyFingerprint;
  }

  /**
   * Reads the accepted oprf epochs and refuses a federation in which this clearinghouse's
   * operator holds enough shares to evaluate the OPRF alone, or epochs that collide with
   * hmac key ids.
   */
  static Map<Integer, OprfKeyFiles.EpochPublicKey> oprfEpochs(ClearinghouseConfig cfg,
      NodeIdentity identity) throws ConfigException {
    Map<Integer, OprfKeyFiles.EpochPublicKey> keys = new TreeMap<>();
    oprfEpochFiles(cfg, identity).forEach((e, read) -> keys.put(e, read.key()));
    return keys;
  }

  /** As {@link #oprfEpochs}, with each DKG epoch's attestation (holder signatures). */
  static Map<Integer, org.blindmatch.crypto.oprf.dkg.DkgPublicFile.Read> oprfEpochFiles(
      ClearinghouseConfig cfg, NodeIdentity identity) throws ConfigException {
    Map<Integer, org.blindmatch.crypto.oprf.dkg.DkgPublicFile.Read> epochs = new TreeMap<>();
    for (Path file : cfg.oprfPublicKeys()) {
      OprfKeyFiles.EpochPublicKey key;
      org.blindmatch.crypto.oprf.dkg.DkgPublicFile.Read read;
      try {
        read = org.blindmatch.crypto.oprf.dkg.DkgPublicFile.read(file);
        key = read.key();
      } catch (OprfException e) {
        throw new ConfigException("oprf_public_keys: " + e.getMessage());
      } catch (IOException e) {
        throw new ConfigException("oprf_public_keys: " + file + ": cannot read: "
            + ReadFailure.reason(e));
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
      if (epochs.put(key.epoch(), read) != null) {
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
    NoteKey checkpointKey;
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
      checkpointKey = checkpointKey(cfg.dataDir(), passphrase);
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
    var oprfFiles = oprfEpochFiles(cfg, identity);
    Map<Integer, OprfKeyFiles.EpochPublicKey> oprfEpochs = new TreeMap<>();
    Map<Integer, org.blindmatch.crypto.oprf.dkg.DkgPublicFile.Attestation> attestations =
        new TreeMap<>();
    oprfFiles.forEach((e, read) -> {
      oprfEpochs.put(e, read.key());
      read.attestation().ifPresent(a -> attestations.put(e, a));
    });
    Closer owned = new Closer();
    try {
      SegmentSubmissionStore store;
      try {
        store = owned.register(SegmentSubmissionStore.open(cfg.dataDir(),
            cfg.store().location()));
      } catch (StoreException e) {
        throw new ConfigException(cfg.store().configKey() + ": " + e.getMessage());
      }
      for (String line : store.recoveryReport().describe()) {
        LOG.log(System.Logger.Level.WARNING, line);
      }
      Clearinghouse ch = open(cfg, identity, store, scope, oprfEpochs, attestations, signer,
          checkpointKey);
      ServerMetrics metrics = metrics(store, ch);
      Submissions submissions = new Submissions(ch, metrics, cfg.quotas());
      NodeServer.Builder node = NodeServer.builder(address, cfg.federation())
          .authorization(AccessPolicy.clearinghouse())
          .metrics(metrics)
          .service(new SubmissionServiceImpl(submissions))
          .service(new NodeServiceImpl(new Nodes(ch)))
          .service(new ScopeServiceImpl(ch))
          .service(new MatchServiceImpl(new MatchRuns(ch, metrics)))
          .service(new ResultServiceImpl(new Results(ch)))
          .service(new AdminServiceImpl(new Admin(ch)))
          .service(new AuditServiceImpl(new Audit(ch)))
          .reflection()
          .healthListen(cfg.healthListen())
          .metricsListen(cfg.metricsListen());
      if (tls != null) {
        node.tls(tls);
        if (cfg.revocations() != null) {
          RevocationFile revocations = RevocationConfig.load(cfg.revocations(), tls);
          node.revocations(revocations);
          revocations.onLoaded(list -> FederationLog.revocations(ch, list));
        }
      } else {
        node.insecureLoopbackForDevelopment();
      }
      ScheduledExecutorService maintenance = Executors.newScheduledThreadPool(2, r -> {
        Thread th = new Thread(r, "blindmatch-store-maintenance");
        th.setDaemon(true);
        return th;
      });
      owned.register(maintenance::shutdownNow);
      NodeServer server = node.owning(owned).start();
      // Readiness follows the store: NOT_SERVING while its metadata database is unreachable
      // (the store replaces a lost PostgreSQL session by itself once the database answers).
      maintenance.scheduleWithFixedDelay(() -> server.setServing(store.isReady()),
          READINESS_PERIOD_SECONDS, READINESS_PERIOD_SECONDS, TimeUnit.SECONDS);
      maintenance.scheduleWithFixedDelay(() -> {
        try {
          store.purgeExpired(Clock.systemUTC().instant());
        } catch (StoreException | RuntimeException e) {
          // Retried at the next tick and at every run start.
        }
      }, 0, 1, TimeUnit.HOURS);
      long expiryPeriod = Math.max(1, Math.min(3600, cfg.quotas().idleExpiry().toSeconds() / 4));
      maintenance.scheduleWithFixedDelay(() -> {
        try {
          submissions.expireIdleUploads(Clock.systemUTC().instant());
        } catch (StoreException | RuntimeException e) {
          // Retried at the next tick.
        }
      }, 0, expiryPeriod, TimeUnit.SECONDS);
      return new ClearinghouseServer(server, identity, scope.digest(),
          NodeSigner.fingerprint(signer.publicKeysetJson()));
    } catch (ConfigException | IOException | RuntimeException e) {
      owned.close();
      throw e;
    }
  }

  /** Opens the log over {@code store}, checks it, and logs what start-up must log. */
  private static Clearinghouse open(ClearinghouseConfig cfg, NodeIdentity identity,
      SegmentSubmissionStore store, Scope scope,
      Map<Integer, OprfKeyFiles.EpochPublicKey> oprfEpochs,
      Map<Integer, org.blindmatch.crypto.oprf.dkg.DkgPublicFile.Attestation> attestations,
      NodeSigner signer, NoteKey checkpointKey) throws ConfigException {
    try {
      TransparencyLog log = TransparencyLog.open(store, signer, checkpointKey,
          Checkpoints.origin(identity.federation()), identity.uri().toString(),
          Clock.systemUTC());
      Clearinghouse ch = new Clearinghouse(identity, store, store, store, store, scope,
          cfg.acceptedKeyIds(),
          oprfEpochs, cfg.kThreshold(), cfg.submissionTtl(), signer, Clock.systemUTC(), log,
          attestations);
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
      return ch;
    } catch (StoreException e) {
      throw new ConfigException(cfg.store().configKey() + ": transparency log: "
          + e.getMessage());
    }
  }

  /**
   * The Ed25519 key that signs the log's C2SP checkpoints (docs/PROTOCOL.md §11): read from
   * {@value #CHECKPOINT_KEY_FILE} in the data directory, encrypted under the node passphrase,
   * or created there on first start. Its vkey is named in every tree head, so members and
   * witnesses learn it under the pinned log key.
   */
  static NoteKey checkpointKey(Path dataDir, char[] passphrase) throws ConfigException {
    Path file = dataDir.resolve(CHECKPOINT_KEY_FILE);
    try {
      if (!Files.exists(file)) {
        Files.createDirectories(dataDir);
        EncryptedKeysetFile.write(file, NoteKey.generate(), NoteKey.CHECKPOINT_PURPOSE,
            passphrase, PassphraseKdf.withRandomSalt(), false);
      }
      return NoteKey.of(EncryptedKeysetFile.read(file, NoteKey.CHECKPOINT_PURPOSE,
          passphrase));
    } catch (KeysetException | GeneralSecurityException e) {
      throw new ConfigException("data_dir: checkpoint key: " + e.getMessage());
    } catch (IOException e) {
      throw new ConfigException("data_dir: " + file + ": cannot write the checkpoint key: "
          + e.getMessage());
    }
  }

  private static ServerMetrics metrics(SegmentSubmissionStore store, Clearinghouse ch) {
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
    return metrics;
  }

  private static char[] readPassphrase(ClearinghouseConfig cfg) throws ConfigException {
    try {
      return PassphraseFile.read(cfg.passphraseFile());
    } catch (IOException e) {
      throw new ConfigException("passphrase_file: " + cfg.passphraseFile()
          + ": cannot read: " + ReadFailure.reason(e));
    }
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

  /**
   * SHA-256 of the public signing keyset every receipt, transcript and tree head is signed
   * under: what members and auditors pin.
   */
  public byte[] logKeyFingerprint() {
    return logKeyFingerprint.clone();
  }

  /** The published scope's digest. */
  public byte[] scopeDigest() {
    return scopeDigest.clone();
  }

  /** The bound health-only probe port, or -1 without {@code health_listen}. */
  public int healthPort() {
    return server.healthPort();
  }

  /** The bound Prometheus {@code /metrics} port, or -1 without {@code metrics_listen}. */
  public int metricsPort() {
    return server.metricsPort();
  }

  /** Blocks until the server terminates. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /** Stops accepting calls, lets running calls finish (up to 10 s), closes the store. */
  @Override
  public void close() {
    server.close();
  }
}
