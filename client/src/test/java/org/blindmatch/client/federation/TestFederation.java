package org.blindmatch.client.federation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.blindmatch.crypto.keys.EncryptedKeysetFile;
import org.blindmatch.crypto.keys.PassphraseKdf;
import org.blindmatch.crypto.keys.TokenKeyset;
import org.blindmatch.crypto.pki.FederationCa;
import org.blindmatch.crypto.pki.IssuedNode;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.PemFiles;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.server.clearinghouse.ClearinghouseConfig;
import org.blindmatch.server.clearinghouse.ClearinghouseServer;

/** A federation in a directory with a running in-process clearinghouse (real Netty mTLS). */
final class TestFederation implements AutoCloseable {
  static final String PASS = "test federation passphrase";
  final Path dir;
  final Path scope;
  final Path keyset;
  final int keyId;
  final ClearinghouseServer server;
  private final FederationCa ca;

  TestFederation(Path dir, int k) throws Exception {
    this.dir = dir;
    Files.writeString(dir.resolve("passphrase.txt"), PASS + "\n");
    ca = FederationCa.create("test", Duration.ofDays(2));
    Files.createDirectories(dir.resolve("pki"));
    PemFiles.writeCertificate(dir.resolve("pki/ca.crt"), ca.certificate(), true);
    node(Role.CLEARINGHOUSE, "clearinghouse", List.of("localhost"), List.of("127.0.0.1"));
    scope = dir.resolve("scope.yaml");
    Files.writeString(scope, """
        scope: test-scope
        tiers:
          - {name: ip+hour, bucket_width: 1h, watchlist_tolerance: 30m}
          - {name: ip-only, bucket_width: none}
        """);
    var tokenKeys = TokenKeyset.generate();
    keyId = TokenKeyset.select(tokenKeys, null).id();
    keyset = dir.resolve("token-keys.json");
    EncryptedKeysetFile.write(keyset, tokenKeys, TokenKeyset.PURPOSE, PASS.toCharArray(),
        PassphraseKdf.withRandomSalt(), true);
    Path config = dir.resolve("clearinghouse.yaml");
    Files.writeString(config, "federation: test\nlisten: 127.0.0.1:0\ndata_dir: data\n"
        + "tls: {ca: pki/ca.crt, cert: pki/clearinghouse.crt, key: pki/clearinghouse.key}\n"
        + "signing_keyset: pki/clearinghouse.signing.json\npassphrase_file: passphrase.txt\n"
        + "scope: scope.yaml\naccepted_key_ids: [" + Integer.toUnsignedString(keyId) + "]\n"
        + "k_threshold: " + k + "\n");
    server = ClearinghouseServer.start(ClearinghouseConfig.load(config));
  }

  /** Issues a node and writes its profile; returns the profile path. */
  Path node(Role role, String name) throws Exception {
    return node(role, name, List.of(), List.of());
  }

  private Path node(Role role, String name, List<String> dns, List<String> ips)
      throws Exception {
    IssuedNode n = ca.issue(new NodeIdentity("test", role, name), dns, ips, Duration.ofDays(1));
    Path pki = dir.resolve("pki");
    PemFiles.writeCertificate(pki.resolve(name + ".crt"), n.certificate(), true);
    PemFiles.writePrivateKey(pki.resolve(name + ".key"), n.privateKey(), PASS.toCharArray(),
        true);
    EncryptedKeysetFile.write(pki.resolve(name + ".signing.json"), NodeSigner.generate(),
        NodeSigner.PURPOSE, PASS.toCharArray(), PassphraseKdf.withRandomSalt(), true);
    Path profile = dir.resolve(name + ".profile.yaml");
    int port = server == null ? 1 : server.port();
    Files.writeString(profile, "server: 127.0.0.1:" + port + "\n"
        + "tls: {ca: pki/ca.crt, cert: pki/" + name + ".crt, key: pki/" + name + ".key}\n"
        + "signing_keyset: pki/" + name + ".signing.json\npassphrase_file: passphrase.txt\n");
    return profile;
  }

  @Override
  public void close() {
    server.close();
  }
}
