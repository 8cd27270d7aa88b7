package org.blindmatch.cli.federation;

import org.blindmatch.client.federation.FederationClient;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.blindmatch.crypto.keys.EncryptedKeysetFile;
import org.blindmatch.crypto.keys.PassphraseKdf;
import org.blindmatch.crypto.keys.TokenKeyset;
import org.blindmatch.crypto.pki.FederationCa;
import org.blindmatch.crypto.pki.IssuedNode;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.PemFiles;
import org.blindmatch.crypto.pki.RevocationReason;
import org.blindmatch.crypto.pki.Revocations;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.crypto.scope.ScopeLoader;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.Commitment;
import org.blindmatch.proto.v1.KeyMode;
import org.blindmatch.proto.v1.SubmissionRole;
import org.blindmatch.proto.v1.UploadBegin;
import org.blindmatch.server.clearinghouse.ClearinghouseConfig;
import org.blindmatch.server.clearinghouse.ClearinghouseServer;
import org.blindmatch.server.keyholder.KeyholderConfig;
import org.blindmatch.server.keyholder.KeyholderServer;

/**
 * A federation in a directory: CA, clearinghouse certificate (localhost, 127.0.0.1), scope,
 * token keyset and {@code clearinghouse.yaml} (listen 127.0.0.1:0, data_dir {@code data}).
 * Either runs the clearinghouse in-process (real Netty mTLS), or leaves {@link #server} null
 * for a test that runs {@link #config} in a process of its own and calls {@link #usePort}.
 */
public final class TestFederation implements AutoCloseable {
  public static final String PASS = "test federation passphrase";
  public final Path dir;
  public final Path scope;
  public final Path keyset;
  public final Path config;
  public final int keyId;
  public final byte[] scopeDigest;
  /** The in-process server, or null. */
  public final ClearinghouseServer server;
  private final FederationCa ca;
  private final Map<String, Path> profiles = new LinkedHashMap<>();
  private final Map<String, X509Certificate> certificates =
      new LinkedHashMap<>();
  /** SHA-256 of each issued node's public signing keyset, by name. */
  private final Map<String, byte[]> signingKeys = new java.util.HashMap<>();
  private final List<Revocations.Revoked> revoked =
      new ArrayList<>();
  private long crlNumber;
  private final boolean revocations;
  private int port = 1;

  /** A federation whose clearinghouse runs in this JVM. */
  public TestFederation(Path dir, int k) throws Exception {
    this(dir, k, true);
  }

  public TestFederation(Path dir, int k, boolean inProcess) throws Exception {
    this(dir, k, inProcess, false);
  }

  /**
   * @param revocations the servers load {@code pki/ca.crl} ({@code tls.revocations}; an empty
   *     list at first, see {@link #revoke}), which also puts a revocation list in the log
   */
  public TestFederation(Path dir, int k, boolean inProcess, boolean revocations)
      throws Exception {
    this(dir, k, inProcess, revocations, OPT_OUT);
  }

  /**
   * The scope's disclosure block of the older constructors: these federation tests were
   * written before disclosure control and test other things with one platform, so their scope
   * opts out of the default thresholds (3 records, 2 submitters) and the differencing guard
   * explicitly. {@code DisclosureControlEndToEndTest} tests the controls.
   */
  public static final String OPT_OUT = "disclosure: {min_records: 1, min_submitters: 1}\n";

  /**
   * @param disclosure the scope file's {@code disclosure:} block (YAML, may be empty for the
   *     defaults)
   */
  public TestFederation(Path dir, int k, boolean inProcess, boolean revocations,
      String disclosure) throws Exception {
    this.dir = dir;
    this.revocations = revocations;
    Files.writeString(dir.resolve("passphrase.txt"), PASS + "\n");
    ca = FederationCa.create("test", Duration.ofDays(2));
    Files.createDirectories(dir.resolve("pki"));
    PemFiles.writeCertificate(dir.resolve("pki/ca.crt"), ca.certificate(), true);
    writeRevocations();
    issue(Role.CLEARINGHOUSE, "clearinghouse", List.of("localhost"), List.of("127.0.0.1"));
    scope = dir.resolve("scope.yaml");
    Files.writeString(scope, """
        scope: test-scope
        tiers:
          - {name: ip+hour, bucket_width: 1h, watchlist_tolerance: 30m}
          - {name: ip-only, bucket_width: none}
        """ + disclosure);
    scopeDigest = ScopeLoader.load(scope).digest();
    var tokenKeys = TokenKeyset.generate();
    keyId = TokenKeyset.select(tokenKeys, null).id();
    keyset = dir.resolve("token-keys.json");
    EncryptedKeysetFile.write(keyset, tokenKeys, TokenKeyset.PURPOSE, PASS.toCharArray(),
        PassphraseKdf.withRandomSalt(), true);
    config = dir.resolve("clearinghouse.yaml");
    Files.writeString(config, "federation: test\nlisten: 127.0.0.1:0\ndata_dir: data\n"
        + "tls: {ca: pki/ca.crt, cert: pki/clearinghouse.crt, key: pki/clearinghouse.key"
        + (revocations ? ", revocations: pki/ca.crl}\n" : "}\n")
        + "signing_keyset: pki/clearinghouse.signing.json\npassphrase_file: passphrase.txt\n"
        + "scope: scope.yaml\naccepted_key_ids: [" + Integer.toUnsignedString(keyId) + "]\n"
        + "k_threshold: " + k + "\n");
    server = inProcess ? ClearinghouseServer.start(ClearinghouseConfig.load(config)) : null;
    if (server != null) {
      port = server.port();
    }
  }

  /**
   * Starts keyholder {@code i} in-process (issuing its certificate on first use) with the
   * share and public key of the ceremony written to {@code dir/epoch1}.
   */
  public KeyholderServer startKeyholder(Path dir, int i) throws Exception {
    return startKeyholder(dir, i, 100_000);
  }

  /** As {@link #startKeyholder(Path, int)}, allowing each caller {@code quota} evaluations. */
  public KeyholderServer startKeyholder(Path dir, int i, long quota) throws Exception {
    String name = "keyholder-" + i;
    if (!Files.exists(dir.resolve("pki/" + name + ".crt"))) {
      issue(Role.KEYHOLDER, name, List.of("localhost"), List.of("127.0.0.1"));
    }
    Path config = dir.resolve(name + ".yaml");
    Files.writeString(config, "federation: test\nlisten: 127.0.0.1:0\n"
        + "data_dir: " + name + "-data\n"
        + "tls: {ca: pki/ca.crt, cert: pki/" + name + ".crt, key: pki/" + name + ".key"
        + (revocations ? ", revocations: pki/ca.crl}\n" : "}\n")
        + "passphrase_file: passphrase.txt\n"
        + "share: epoch1/keyholder-" + i + ".epoch-1.share\n"
        + "public_key: epoch1/oprf-public.epoch-1.json\nquota_per_identity: " + quota + "\n");
    return KeyholderServer.start(KeyholderConfig.load(config, null));
  }

  /** Issues a node and writes its profile (pointing at the current port); returns its path. */
  public Path node(Role role, String name) throws Exception {
    issue(role, name, List.of(), List.of());
    Path profile = dir.resolve(name + ".profile.yaml");
    profiles.put(name, profile);
    writeProfile(name, profile);
    return profile;
  }

  /** Points every profile written so far, and those written later, at {@code newPort}. */
  /**
   * Starts the clearinghouse of {@link #config} in this JVM and points the profiles at its
   * port (tamper tests restart it over a store they changed).
   */
  public ClearinghouseServer startClearinghouse() throws Exception {
    ClearinghouseServer server = ClearinghouseServer.start(ClearinghouseConfig.load(config));
    usePort(server.port());
    return server;
  }

  /**
   * The embedded store's metadata database with the log's append-only triggers dropped: what
   * someone with write access to the data directory could change, for tamper tests.
   */
  public java.sql.Connection tamperableMetadata() throws Exception {
    java.sql.Connection db = java.sql.DriverManager.getConnection(
        "jdbc:sqlite:" + dir.resolve("data/meta.sqlite"));
    try (java.sql.Statement s = db.createStatement()) {
      for (String t : new String[] {"log_entries_no_update", "log_entries_no_delete",
          "log_entries_gap_free"}) {
        s.execute("DROP TRIGGER IF EXISTS " + t);
      }
    }
    return db;
  }

  public void usePort(int newPort) throws IOException {
    port = newPort;
    for (Map.Entry<String, Path> p : profiles.entrySet()) {
      writeProfile(p.getKey(), p.getValue());
    }
  }

  /** An UploadBegin of a report with both tiers for this federation's scope and key. */
  public UploadBegin begin(String id, long records) {
    return UploadBegin.newBuilder()
        .setSubmissionId(id)
        .setRole(SubmissionRole.SUBMISSION_ROLE_REPORT)
        .setKeyMode(KeyMode.KEY_MODE_HMAC)
        .setScopeDigest(ByteString.copyFrom(scopeDigest))
        .setKeyId(keyId)
        .addTiers(0)
        .addTiers(1)
        .setRecordCount(records)
        .build();
  }

  /** The commitment to {@link #begin}'s upload with {@code root}, submitted by {@code c}. */
  public Commitment commitment(FederationClient c, String id, long records, byte[] root) {
    UploadBegin b = begin(id, records);
    return Commitment.newBuilder().setSubmissionId(id)
        .setSubmitter(c.identity().uri().toString()).setRole(b.getRole())
        .setKeyMode(b.getKeyMode()).setScopeDigest(b.getScopeDigest()).setKeyId(b.getKeyId())
        .addAllTiers(b.getTiersList()).setRecordCount(records)
        .setMerkleRoot(ByteString.copyFrom(root)).build();
  }

  /** The federation CA's certificate and key, for tests that issue odd certificates. */
  public FederationCa ca() {
    return ca;
  }

  public void issue(Role role, String name, List<String> dns, List<String> ips)
      throws Exception {
    com.google.crypto.tink.KeysetHandle signing = NodeSigner.generate();
    signingKeys.put(name, NodeSigner.fingerprint(NodeSigner.of(signing).publicKeysetJson()));
    issueCertificate(role, name, dns, ips);
    EncryptedKeysetFile.write(dir.resolve("pki").resolve(name + ".signing.json"),
        signing, NodeSigner.PURPOSE, PASS.toCharArray(),
        PassphraseKdf.withRandomSalt(), true);
  }

  /**
   * Revokes every certificate issued so far for {@code name} and writes the CA's new
   * revocation list to {@code pki/ca.crl}, which the servers enforce from their next call.
   */
  public void revoke(String name, RevocationReason reason)
      throws Exception {
    X509Certificate cert = certificates.get(name);
    revoked.add(new Revocations.Revoked(cert.getSerialNumber(),
        Instant.now().truncatedTo(ChronoUnit.SECONDS), reason));
    writeRevocations();
  }

  /** A new certificate and TLS key for {@code name}; its signing keyset stays. */
  public void renew(Role role, String name) throws Exception {
    issueCertificate(role, name, List.of(), List.of());
  }

  /** The certificate last issued for {@code name}. */
  public X509Certificate certificate(String name) {
    return certificates.get(name);
  }

  /**
   * Issues as {@code pki request} and {@code pki sign} do: the certificate names the node's
   * signing keyset (its SHA-256, when {@link #issue} made one) in its signing-keyset extension.
   */
  private void issueCertificate(Role role, String name, List<String> dns, List<String> ips)
      throws Exception {
    NodeIdentity id = new NodeIdentity("test", role, name);
    X509Certificate cert;
    java.security.PrivateKey key;
    if (signingKeys.containsKey(name)) {
      java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
      g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
      java.security.KeyPair pair = g.generateKeyPair();
      cert = ca.certify(org.blindmatch.crypto.pki.NodeRequest.create(id, dns, ips, pair,
          signingKeys.get(name)), Duration.ofDays(1));
      key = pair.getPrivate();
    } else {
      IssuedNode n = ca.issue(id, dns, ips, Duration.ofDays(1));
      cert = n.certificate();
      key = n.privateKey();
    }
    Path pki = dir.resolve("pki");
    PemFiles.writeCertificate(pki.resolve(name + ".crt"), cert, true);
    PemFiles.writePrivateKey(pki.resolve(name + ".key"), key, PASS.toCharArray(), true);
    certificates.put(name, cert);
  }

  private void writeRevocations() throws Exception {
    crlNumber++;
    ca.revocationList(revoked, BigInteger.valueOf(crlNumber))
        .write(dir.resolve("pki/ca.crl"), true);
  }

  private void writeProfile(String name, Path profile) throws IOException {
    Files.writeString(profile, "server: 127.0.0.1:" + port + "\n"
        + "tls: {ca: pki/ca.crt, cert: pki/" + name + ".crt, key: pki/" + name + ".key}\n"
        + "signing_keyset: pki/" + name + ".signing.json\npassphrase_file: passphrase.txt\n");
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }
}
