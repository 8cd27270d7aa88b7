package org.blindmatch.spark.federation;

import org.blindmatch.cli.federation.TestFederation;
import static org.blindmatch.cli.federation.FederationTests.ok;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.server.clearinghouse.ClearinghouseConfig;
import org.blindmatch.server.clearinghouse.ClearinghouseServer;
import org.blindmatch.server.keyholder.KeyholderConfig;
import org.blindmatch.server.keyholder.KeyholderServer;

/**
 * Three in-process keyholders of one oprf epoch (threshold 2) over real mutual TLS, as
 * {@link OprfModeTest} starts them: a federation CA, the ceremony, and a platform's profile
 * whose identity asks them. For the Spark job's oprf tests and benchmark.
 */
public final class OprfKeyholders implements AutoCloseable {
  private final TestFederation fed;
  private final Path dir;
  private final KeyholderServer[] holders = new KeyholderServer[3];
  private final List<KeyholderServer> limited = new ArrayList<>();
  /** The epoch's public file. */
  public final Path publicFile;
  /** The platform's node profile (TLS identity toward the keyholders). */
  public final Path profile;

  public OprfKeyholders(Path dir) throws Exception {
    this.dir = dir;
    fed = new TestFederation(dir, 1, false);
    Path pass = dir.resolve("share-passphrases");
    String p = TestFederation.PASS;
    Files.writeString(pass, p + "\n" + p + "\n" + p + "\n");
    ok("oprf", "ceremony", "--threshold", "2", "--keyholders", "3", "--epoch", "1",
        "--out", dir.resolve("epoch1").toString(), "--passphrases", pass.toString(),
        "--holders", "blindmatch://test/keyholder/keyholder-1,"
            + "blindmatch://test/keyholder/keyholder-2,blindmatch://test/keyholder/keyholder-3");
    publicFile = dir.resolve("epoch1/oprf-public.epoch-1.json");
    profile = fed.node(Role.PLATFORM, "platform-a");
    for (int i = 0; i < 3; i++) {
      holders[i] = fed.startKeyholder(dir, i + 1);
    }
  }

  /** {@code 127.0.0.1:port} of each keyholder, running or not. */
  public List<String> addresses() {
    List<String> a = new ArrayList<>();
    for (KeyholderServer h : holders) {
      a.add("127.0.0.1:" + h.port());
    }
    return a;
  }

  /** The federation's published scope (the clearinghouse accepts tokens of it only). */
  public Path federationScope() {
    return fed.scope;
  }

  /** Issues a node of the federation; returns its profile. */
  public Path node(Role role, String name) throws Exception {
    return fed.node(role, name);
  }

  /**
   * Starts the federation's clearinghouse, accepting this epoch, and points every profile at
   * it. The caller closes it.
   */
  public ClearinghouseServer startClearinghouse() throws Exception {
    Files.writeString(fed.config, Files.readString(fed.config)
        + "oprf_public_keys: [epoch1/oprf-public.epoch-1.json]\n");
    ClearinghouseServer ch = ClearinghouseServer.start(ClearinghouseConfig.load(fed.config));
    fed.usePort(ch.port());
    return ch;
  }

  /**
   * A copy of the platform's profile whose {@code tls.revocations} is a CA-signed list revoking
   * the named keyholders' certificates (the running keyholders are not told).
   */
  public Path profileRevoking(String... keyholderNames) throws Exception {
    List<org.blindmatch.crypto.pki.Revocations.Revoked> revoked = new ArrayList<>();
    for (String name : keyholderNames) {
      revoked.add(new org.blindmatch.crypto.pki.Revocations.Revoked(
          fed.certificate(name).getSerialNumber(), java.time.Instant.now().minusSeconds(60)
              .truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
          org.blindmatch.crypto.pki.RevocationReason.KEY_COMPROMISE));
    }
    fed.ca().revocationList(revoked, java.math.BigInteger.valueOf(50))
        .write(dir.resolve("pki/keyholders-revoked.crl"), true);
    Path copy = dir.resolve("platform-a-revoking.yaml");
    String text = Files.readString(profile);
    String withList = text.replace("key: pki/platform-a.key}",
        "key: pki/platform-a.key, revocations: pki/keyholders-revoked.crl}");
    if (withList.equals(text)) {
      throw new IllegalStateException("the platform profile changed shape: " + text);
    }
    Files.writeString(copy, withList);
    return copy;
  }

  /** Stops keyholder {@code i} (1-based). */
  public void stop(int i) {
    holders[i - 1].close();
  }

  /**
   * Starts a second set of the same three keyholders, each with a fresh ledger and a quota of
   * {@code quota} evaluations per caller; returns their addresses. Closed with this fixture.
   */
  public List<String> startLimited(long quota) throws Exception {
    List<String> a = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      Path config = dir.resolve("limited-" + i + ".yaml");
      Files.writeString(config, "federation: test\nlisten: 127.0.0.1:0\n"
          + "data_dir: limited-" + i + "-data\n"
          + "tls: {ca: pki/ca.crt, cert: pki/keyholder-" + i + ".crt, key: pki/keyholder-" + i
          + ".key}\npassphrase_file: passphrase.txt\n"
          + "share: epoch1/keyholder-" + i + ".epoch-1.share\n"
          + "public_key: epoch1/oprf-public.epoch-1.json\nquota_per_identity: " + quota + "\n");
      KeyholderServer s = KeyholderServer.start(KeyholderConfig.load(config, null));
      limited.add(s);
      a.add("127.0.0.1:" + s.port());
    }
    return a;
  }

  @Override
  public void close() {
    for (KeyholderServer h : holders) {
      if (h != null) {
        h.close();
      }
    }
    limited.forEach(KeyholderServer::close);
    fed.close();
  }
}
