package org.blindmatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.blindmatch.crypto.keys.EncryptedKeysetFile;
import org.blindmatch.crypto.pki.NodeCertificates;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.NodeRequest;
import org.blindmatch.crypto.pki.PemFiles;
import org.blindmatch.crypto.pki.PkiException;
import org.blindmatch.crypto.pki.RevocationReason;
import org.blindmatch.crypto.pki.Revocations;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.crypto.sign.NodeSigner;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CSR flow as a CA operator and nodes run it: {@code pki request} on a node (its own
 * directory and passphrase), {@code pki sign}/{@code renew}/{@code revoke}/{@code list} at
 * the CA, including the requests the CA must refuse.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PkiLifecycleCommandTest {
  @TempDir static Path tmp;
  static Path ca;
  static Path node;
  static Path caPass;
  static Path nodePass;

  @BeforeAll
  static void setUp() throws Exception {
    ca = tmp.resolve("ca");
    node = tmp.resolve("node");
    Files.createDirectories(node);
    caPass = tmp.resolve("ca-pass");
    Files.writeString(caPass, "the CA operator's passphrase\n");
    nodePass = tmp.resolve("node-pass");
    Files.writeString(nodePass, "platform a's own passphrase\n");
    assertEquals(0, PkiCommandTest.runWithPassFile(caPass, "init", "--federation", "demo",
        "--dir", ca.toString(), "--validity-days", "30").status());
    Files.copy(ca.resolve("ca.crt"), node.resolve("ca.crt"));
  }

  static PkiCommandTest.Result atNode(String... args) {
    return PkiCommandTest.runWithPassFile(nodePass, args);
  }

  static PkiCommandTest.Result atCa(String... args) {
    return PkiCommandTest.runWithPassFile(caPass, args);
  }

  @Test
  @Order(1)
  void nodeRequestsAndTheCaSignsWithoutTheNodesKey() throws Exception {
    PkiCommandTest.Result r = atNode("request", "--dir", node.toString(), "--role", "platform",
        "--name", "platform-a");
    assertEquals(0, r.status(), r.toString());
    assertTrue(r.out().startsWith("requested blindmatch://demo/platform/platform-a\n"), r.out());
    assertTrue(Files.readString(node.resolve("platform-a.key"))
        .startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"));

    r = atCa("sign", node.resolve("platform-a.csr").toString(), "--dir", ca.toString(),
        "--role", "platform", "--name", "platform-a", "--validity-days", "7");
    assertEquals(0, r.status(), r.toString());
    assertTrue(r.out().contains("  identity    blindmatch://demo/platform/platform-a\n"), r.out());
    assertTrue(r.out().contains("signed blindmatch://demo/platform/platform-a (serial "), r.out());
    X509Certificate cert = PemFiles.readCertificate(ca.resolve("platform-a.crt"));
    NodeCertificates.verifyIssuedBy(cert, PemFiles.readCertificate(ca.resolve("ca.crt")));
    assertEquals(new NodeIdentity("demo", Role.PLATFORM, "platform-a"),
        NodeCertificates.identityOf(cert));
    // The node's key, under the node's passphrase, belongs to the certificate the CA signed.
    NodeCertificates.verifyKeyMatches(cert, PemFiles.readPrivateKey(
        node.resolve("platform-a.key"), "platform a's own passphrase".toCharArray()));
    // ... and the certificate binds the node's signing keyset.
    String publicKeyset = NodeSigner.of(EncryptedKeysetFile.read(
        node.resolve("platform-a.signing.json"), NodeSigner.PURPOSE,
        "platform a's own passphrase".toCharArray())).publicKeysetJson();
    assertEquals(Base64.getEncoder().encodeToString(NodeSigner.fingerprint(publicKeyset)),
        Base64.getEncoder().encodeToString(
            NodeCertificates.signingKeysetSha256(cert).orElseThrow()));
    assertFalse(Files.exists(ca.resolve("platform-a.key")));

    r = PkiCommandTest.runPlain("list", "--dir", ca.toString());
    assertEquals(0, r.status(), r.toString());
    assertTrue(r.out().matches("(?s).*platform-a +platform +" + cert.getSerialNumber()
        .toString(16) + " +\\S+ +valid +6 days left.*"), r.out());
  }

  @Test
  @Order(2)
  void theCaRefusesWrongRoleReusedKeyHeldNameTamperedAndWeakRequests() throws Exception {
    Path csr = node.resolve("platform-a.csr");
    assertRefused(atCa("sign", csr.toString(), "--dir", ca.toString(), "--role", "ngo",
        "--name", "platform-a"), "asks for blindmatch://demo/platform/platform-a, not the "
        + "expected blindmatch://demo/ngo/platform-a");
    assertRefused(atCa("sign", csr.toString(), "--dir", ca.toString(), "--role", "platform",
        "--name", "platform-a", "--out", tmp.resolve("again.crt").toString()),
        "reused key: this TLS key was already certified");
    assertFalse(Files.exists(tmp.resolve("again.crt")));

    Path other = tmp.resolve("other-node");
    Files.createDirectories(other);
    Files.copy(ca.resolve("ca.crt"), other.resolve("ca.crt"));
    assertEquals(0, atNode("request", "--dir", other.toString(), "--role", "platform",
        "--name", "platform-a").status());
    assertRefused(atCa("sign", other.resolve("platform-a.csr").toString(), "--dir",
        ca.toString(), "--role", "platform", "--name", "platform-a", "--out",
        tmp.resolve("x.crt").toString()), "the name is held by valid certificate serial");
    assertEquals(0, atNode("request", "--dir", other.toString(), "--role", "ngo",
        "--name", "platform-a", "--force").status());
    assertRefused(atCa("sign", other.resolve("platform-a.csr").toString(), "--dir",
        ca.toString(), "--role", "ngo", "--name", "platform-a", "--out",
        tmp.resolve("x.crt").toString()), "a name keeps its role");

    // A request altered after the node signed it: the proof of possession fails.
    byte[] der = NodeRequest.read(csr).encoded();
    byte[] tampered = der.clone();
    String text = new String(der, java.nio.charset.StandardCharsets.ISO_8859_1);
    int at = text.indexOf("platform-a");
    tampered[at + "platform-".length()] = 'b';
    Path bad = tmp.resolve("tampered.csr");
    writePem(bad, tampered);
    assertRefused(atCa("sign", bad.toString(), "--dir", ca.toString(), "--role", "platform",
        "--name", "platform-b"), bad + ": proof of possession failed");

    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp384r1"));
    KeyPair weak = g.generateKeyPair();
    Path weakCsr = tmp.resolve("weak.csr");
    writePem(weakCsr, handMadeRequest(weak));
    assertRefused(atCa("sign", weakCsr.toString(), "--dir", ca.toString(), "--role", "ngo",
        "--name", "ngo-weak"), "the federation's key policy is EC P-256");

    PkiCommandTest.Result r = atNode("request", "--dir", other.toString(), "--role",
        "keyholder", "--name", "kh-1");
    assertEquals(2, r.status(), r.toString());
    assertTrue(r.err().contains("give the --dns names"), r.err());
    r = atCa("sign", csr.toString(), "--dir", ca.toString(), "--role", "platform",
        "--name", "ca");
    assertEquals(2, r.status(), r.toString());
  }

  @Test
  @Order(3)
  void revokeWritesASignedListAndListShowsIt() throws Exception {
    X509Certificate cert = PemFiles.readCertificate(ca.resolve("platform-a.crt"));
    PkiCommandTest.Result r = atCa("revoke", "platform-a", "--dir", ca.toString(),
        "--reason", "key-compromise");
    assertEquals(0, r.status(), r.toString());
    assertTrue(r.out().startsWith("revoked blindmatch://demo/platform/platform-a: certificate "
        + "serial " + cert.getSerialNumber().toString(16)), r.out());
    Revocations crl = Revocations.read(ca.resolve("ca.crl"),
        PemFiles.readCertificate(ca.resolve("ca.crt")));
    assertEquals(RevocationReason.KEY_COMPROMISE, crl.find(cert).orElseThrow().reason());
    assertEquals(java.math.BigInteger.ONE, crl.number());

    r = PkiCommandTest.runPlain("list", "--dir", ca.toString());
    assertTrue(r.out().matches("(?s).*platform-a +platform +\\S+ +\\S+ +revoked +\\S+ "
        + "key-compromise.*"), r.out());
    assertRefused(atCa("revoke", "platform-a", "--dir", ca.toString(), "--reason",
        "superseded"), "no valid certificate with name or serial \"platform-a\"");
    assertRefused(atCa("revoke", cert.getSerialNumber().toString(16), "--dir", ca.toString(),
        "--reason", "superseded"), "was revoked at");
    r = atCa("revoke", "platform-a", "--dir", ca.toString(), "--reason", "lost");
    assertEquals(2, r.status(), r.toString());
  }

  @Test
  @Order(4)
  void renewKeepsTheSigningKeysetAndGivesAFreshKey() throws Exception {
    Path renewal = tmp.resolve("renewal");
    Files.createDirectories(renewal);
    Files.copy(ca.resolve("ca.crt"), renewal.resolve("ca.crt"));
    assertEquals(0, atNode("request", "--dir", renewal.toString(), "--role", "platform",
        "--name", "platform-a", "--signing-keyset",
        node.resolve("platform-a.signing.json").toString()).status());
    assertFalse(Files.exists(renewal.resolve("platform-a.signing.json")));
    PkiCommandTest.Result r = atCa("renew", renewal.resolve("platform-a.csr").toString(),
        "--dir", ca.toString(), "--role", "platform", "--name", "platform-a", "--out",
        renewal.resolve("platform-a.crt").toString(), "--validity-days", "7");
    assertEquals(0, r.status(), r.toString());
    assertTrue(r.out().contains("renewed blindmatch://demo/platform/platform-a"), r.out());
    X509Certificate renewed = PemFiles.readCertificate(renewal.resolve("platform-a.crt"));
    Revocations crl = Revocations.read(ca.resolve("ca.crl"),
        PemFiles.readCertificate(ca.resolve("ca.crt")));
    assertTrue(crl.find(renewed).isEmpty());

    // A renewal with another signing keyset would be another member: refused.
    Path fresh = tmp.resolve("fresh");
    Files.createDirectories(fresh);
    Files.copy(ca.resolve("ca.crt"), fresh.resolve("ca.crt"));
    assertEquals(0, atNode("request", "--dir", fresh.toString(), "--role", "platform",
        "--name", "platform-a").status());
    assertRefused(atCa("renew", fresh.resolve("platform-a.csr").toString(), "--dir",
        ca.toString(), "--role", "platform", "--name", "platform-a", "--out",
        fresh.resolve("platform-a.crt").toString()), "a renewal keeps the signing keyset");
    assertRefused(atCa("renew", fresh.resolve("platform-a.csr").toString(), "--dir",
        ca.toString(), "--role", "platform", "--name", "platform-z", "--out",
        fresh.resolve("platform-a.crt").toString()), "not the expected");
  }

  private static void assertRefused(PkiCommandTest.Result r, String message) {
    assertEquals(1, r.status(), r.toString());
    assertTrue(r.failure() instanceof PkiException, r.toString());
    assertTrue(r.failure().getMessage().contains(message), r.failure().getMessage());
  }

  private static void writePem(Path file, byte[] der) throws Exception {
    Files.writeString(file, "-----BEGIN CERTIFICATE REQUEST-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END CERTIFICATE REQUEST-----\n");
  }

  private static byte[] handMadeRequest(KeyPair keys) throws Exception {
    ExtensionsGenerator ext = new ExtensionsGenerator();
    ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
        new GeneralName(GeneralName.uniformResourceIdentifier, "blindmatch://demo/ngo/ngo-weak")));
    ext.addExtension(NodeRequest.SIGNING_KEYSET_SHA256, false,
        new DEROctetString(new byte[32]));
    return new JcaPKCS10CertificationRequestBuilder(
        new X500Name("O=demo,OU=ngo,CN=ngo-weak"), keys.getPublic())
        .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))
        .getEncoded();
  }
}
