package org.blindmatch.cli.federation;

import static org.blindmatch.cli.federation.FederationTests.fail;
import static org.blindmatch.cli.federation.FederationTests.ok;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.blindmatch.crypto.pki.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code blindmatch serve} with a broken configuration, at the CLI boundary: exit status 1,
 * one line naming the config file, the key and the reason, no stack trace, and the configured
 * port was never bound (the test binds it right after).
 */
class ServeConfigErrorsTest {
  @TempDir Path dir;

  @Test
  void clearinghouseConfigErrorsNameFileKeyAndReasonBeforeBinding() throws Exception {
    TestFederation fed = new TestFederation(dir, 1, false, true);
    fed.issue(Role.PLATFORM, "platform-a", List.of(), List.of());
    int port = freePort();
    String good = Files.readString(fed.config).replace("127.0.0.1:0", "127.0.0.1:" + port);
    expectClearinghouse(good.replace("k_threshold: 1", "k_threshold: lots"),
        "k_threshold: \"lots\" is not an integer", port);
    expectClearinghouse(good.replace("k_threshold: 1", "k_threshold: 0"),
        "k_threshold: 0 is not in 1..1000", port);
    expectClearinghouse(good + "insecure_loopback: maybe\n",
        "insecure_loopback: \"maybe\" is not true or false", port);
    expectClearinghouse(good.replace("127.0.0.1:" + port, "127.0.0.1"),
        "listen: \"127.0.0.1\" is not host:port", port);
    expectClearinghouse(good.replace("revocations: pki/ca.crl}",
        "revocations: pki/ca.crl, pasword: x}"), "tls.pasword: unknown key", port);
    expectClearinghouse(good.replace("revocations: pki/ca.crl}", "revocations: scope.yaml}"),
        "tls.revocations: ", port);
    // A list past its nextUpdate (signed 8 days ago, current for 7): refused, naming the file,
    // the date and what to do.
    fed.ca().revocationList(List.of(), java.math.BigInteger.valueOf(9),
        java.time.Instant.now().minus(java.time.Duration.ofDays(8)))
        .write(dir.resolve("pki/stale.crl"), false);
    String stale = expectClearinghouse(good.replace("revocations: pki/ca.crl}",
        "revocations: pki/stale.crl}"), "tls.revocations: ", port);
    assertTrue(stale.contains("stale.crl: the revocation list (number 9) expired at ")
        && stale.contains("'blindmatch pki crl --dir CA_DIR'"), stale);
    expectClearinghouse(good.replace("passphrase_file: passphrase.txt",
        "passphrase_file: nowhere.txt"), "passphrase_file: ", port);
    expectClearinghouse(good.replace("scope: scope.yaml", "scope: token-keys.json"),
        "scope: ", port);
    expectClearinghouse(good.replace("signing_keyset: pki/clearinghouse.signing.json",
        "signing_keyset: token-keys.json"), "signing_keyset: ", port);
    expectClearinghouse(good.replace("cert: pki/clearinghouse.crt", "cert: pki/nowhere.crt"),
        "tls: ", port);
    expectClearinghouse(good.replace("cert: pki/clearinghouse.crt", "cert: pki/platform-a.crt")
            .replace("key: pki/clearinghouse.key", "key: pki/platform-a.key"),
        "not a clearinghouse of federation test", port);
  }

  @Test
  void storeConfigErrorsNameFileKeyAndReasonBeforeBinding() throws Exception {
    TestFederation fed = new TestFederation(dir, 1, false);
    int port = freePort();
    int closed = freePort();
    String good = Files.readString(fed.config).replace("127.0.0.1:0", "127.0.0.1:" + port);
    String pg = "store: {kind: postgresql, url: \"jdbc:postgresql://127.0.0.1:" + closed
        + "/bm\", user: bm";
    expectClearinghouse(good + "store: {kind: mysql}\n",
        "store.kind: \"mysql\" is not embedded or postgresql", port);
    expectClearinghouse(good + "store: {kind: embedded, user: bm}\n",
        "store.user: only for kind: postgresql", port);
    expectClearinghouse(good + "store: {kind: postgresql, user: bm}\n", "store.url: missing",
        port);
    expectClearinghouse(good + pg + ", pasword_file: x}\n", "store.pasword_file: unknown key",
        port);
    String withSecret = good + "store: {kind: postgresql, url: \"jdbc:postgresql://h/bm?user=bm"
        + "&password=hunter2\", user: bm}\n";
    assertFalse(expectClearinghouse(withSecret, "store.url: must not carry a password", port)
        .contains("hunter2"));
    expectClearinghouse(good + pg + ", password_file: nowhere.txt}\n",
        "store.password_file: ", port);
    // Nothing listens there: refused at start, naming the database, before binding.
    expectClearinghouse(good + pg + "}\n", "store: IO: PostgreSQL jdbc:postgresql://127.0.0.1:"
        + closed + "/bm: cannot connect as bm", port);
  }

  @Test
  void keyholderConfigErrorsNameFileKeyAndReasonBeforeBinding() throws Exception {
    TestFederation fed = new TestFederation(dir, 1, false);
    fed.issue(Role.KEYHOLDER, "keyholder-1", List.of("localhost"), List.of("127.0.0.1"));
    String p = TestFederation.PASS;
    Files.writeString(dir.resolve("share-passphrases"), p + "\n" + p + "\n" + p + "\n");
    ok("oprf", "ceremony", "--threshold", "2", "--keyholders", "3", "--epoch", "1",
        "--holders", "blindmatch://test/keyholder/keyholder-1,blindmatch://test/keyholder/"
            + "keyholder-2,blindmatch://test/keyholder/keyholder-3", "--out", dir.resolve("epoch1").toString(), "--passphrases",
        dir.resolve("share-passphrases").toString());
    int port = freePort();
    String good = "federation: test\nlisten: 127.0.0.1:" + port + "\ndata_dir: kh-data\n"
        + "tls: {ca: pki/ca.crt, cert: pki/keyholder-1.crt, key: pki/keyholder-1.key}\n"
        + "passphrase_file: passphrase.txt\nshare: epoch1/keyholder-1.epoch-1.share\n"
        + "public_key: epoch1/oprf-public.epoch-1.json\nquota_per_identity: 10\n";
    expectKeyholder(good.replace("quota_per_identity: 10", "quota_per_identity: 0"),
        "quota_per_identity: 0 is not in 1..", port);
    expectKeyholder(good.replace("tls: {", "tls_config: {"), "tls_config: unknown key", port);
    expectKeyholder(good.replace("keyholder-1.epoch-1.share", "keyholder-9.epoch-1.share"),
        "share: ", port);
    expectKeyholder(good.replace("oprf-public.epoch-1.json", "keyholder-2.epoch-1.share"),
        "public_key: ", port);
    expectKeyholder(good.replace("cert: pki/keyholder-1.crt", "cert: pki/clearinghouse.crt")
            .replace("key: pki/keyholder-1.key", "key: pki/clearinghouse.key"),
        "tls.cert: ", port);
  }

  private String expectClearinghouse(String yaml, String reason, int port) throws IOException {
    return expect("clearinghouse", yaml, reason, port);
  }

  private void expectKeyholder(String yaml, String reason, int port) throws IOException {
    expect("keyholder", yaml, reason, port);
  }

  private String expect(String role, String yaml, String reason, int port) throws IOException {
    Path config = dir.resolve("broken-" + role + ".yaml");
    Files.writeString(config, yaml);
    String err = fail("serve", role, "--config", config.toString());
    assertTrue(err.contains(config + ": ") && err.contains(reason),
        () -> "expected \"" + config + ": ..." + reason + "\", got: " + err);
    assertTrue(err.strip().lines().count() == 1, () -> "one line: " + err);
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }
    return err;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
