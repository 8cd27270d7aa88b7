package org.blindmatch.crypto.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeRequestTest {
  private static final byte[] SIGNING_FP = new byte[32];
  private static final NodeIdentity PLATFORM =
      new NodeIdentity("demo", Role.PLATFORM, "platform-a");

  static {
    Arrays.fill(SIGNING_FP, (byte) 7);
  }

  @TempDir Path tmp;

  static KeyPair ec(String curve) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec(curve));
    return g.generateKeyPair();
  }

  @Test
  void roundTripsThroughPemAndTheCaCopiesEverything() throws Exception {
    KeyPair keys = ec("secp256r1");
    NodeIdentity ch = new NodeIdentity("demo", Role.CLEARINGHOUSE, "ch");
    NodeRequest req = NodeRequest.create(ch, List.of("CH.Example.org"), List.of("10.0.0.1"),
        keys, SIGNING_FP);
    Path file = tmp.resolve("ch.csr");
    req.write(file, false);
    assertTrue(Files.readString(file).startsWith("-----BEGIN CERTIFICATE REQUEST-----"));
    NodeRequest back = NodeRequest.read(file);
    assertEquals(ch, back.identity());
    assertEquals(List.of("ch.example.org"), back.dnsNames());
    assertEquals(List.of("10.0.0.1"), back.ipAddresses());
    assertArrayEquals(SIGNING_FP, back.signingKeysetSha256());
    assertEquals(NodeRequest.keySha256(keys.getPublic()), back.publicKeySha256());

    FederationCa ca = FederationCa.create("demo", Duration.ofDays(30));
    X509Certificate cert = ca.certify(back, Duration.ofDays(1));
    NodeCertificates.verifyIssuedBy(cert, ca.certificate());
    assertEquals(ch, NodeCertificates.identityOf(cert));
    assertEquals(keys.getPublic(), cert.getPublicKey());
    assertArrayEquals(SIGNING_FP, NodeCertificates.signingKeysetSha256(cert).orElseThrow());
    assertEquals(List.of(List.of(6, "blindmatch://demo/clearinghouse/ch"),
        List.of(2, "ch.example.org"), List.of(7, "10.0.0.1")),
        List.copyOf(cert.getSubjectAlternativeNames()));
  }

  @Test
  void anotherFederationsRequestIsNotSigned() throws Exception {
    NodeRequest req = NodeRequest.create(new NodeIdentity("other", Role.PLATFORM, "p"),
        List.of(), List.of(), ec("secp256r1"), SIGNING_FP);
    FederationCa ca = FederationCa.create("demo", Duration.ofDays(30));
    PkiException e = assertThrows(PkiException.class, () -> ca.certify(req, Duration.ofDays(1)));
    assertTrue(e.getMessage().contains("federation demo"), e.getMessage());
  }

  @Test
  void tamperedRequestFailsProofOfPossession() throws Exception {
    byte[] der = NodeRequest.create(PLATFORM, List.of(), List.of(), ec("secp256r1"),
        SIGNING_FP).encoded();
    // "platform-a" -> "platform-b" inside the signed CertificationRequestInfo (subject and URI)
    byte[] tampered = replaceAll(der, "platform-a".getBytes(), "platform-b".getBytes());
    PkiException e = assertThrows(PkiException.class,
        () -> NodeRequest.parse(tampered, "x.csr"));
    assertTrue(e.getMessage().startsWith("x.csr: proof of possession failed"), e.getMessage());
  }

  @Test
  void requestSignedByAnotherKeyFailsProofOfPossession() throws Exception {
    KeyPair claimed = ec("secp256r1");
    KeyPair signer = ec("secp256r1");
    byte[] der = build(NodeRequest.subjectOf(PLATFORM), claimed, signer, true, true);
    PkiException e = assertThrows(PkiException.class, () -> NodeRequest.parse(der, "x.csr"));
    assertTrue(e.getMessage().contains("proof of possession failed"), e.getMessage());
  }

  @Test
  void weakKeysAreRefused() throws Exception {
    KeyPair p384 = ec("secp384r1");
    byte[] der = build(NodeRequest.subjectOf(PLATFORM), p384, p384, true, true);
    PkiException e = assertThrows(PkiException.class, () -> NodeRequest.parse(der, "x.csr"));
    assertTrue(e.getMessage().contains("P-256"), e.getMessage());
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    KeyPair r = rsa.generateKeyPair();
    assertThrows(PkiException.class,
        () -> NodeRequest.create(PLATFORM, List.of(), List.of(), r, SIGNING_FP));
  }

  @Test
  void malformedAndIncompleteRequestsAreRefused() throws Exception {
    assertTrue(assertThrows(PkiException.class,
        () -> NodeRequest.parse(new byte[] {0x30, 0x03, 1, 2, 3}, "g.csr")).getMessage()
        .startsWith("g.csr: not a PKCS#10 certificate request"));
    KeyPair k = ec("secp256r1");
    assertTrue(assertThrows(PkiException.class,
        () -> NodeRequest.parse(build(NodeRequest.subjectOf(PLATFORM), k, k, false, true),
            "n.csr")).getMessage().contains("signing-keyset extension"));
    assertTrue(assertThrows(PkiException.class,
        () -> NodeRequest.parse(build(NodeRequest.subjectOf(PLATFORM), k, k, true, false),
            "n.csr")).getMessage().contains("subjectAltName: missing"));
    assertTrue(assertThrows(PkiException.class,
        () -> NodeRequest.parse(build(new X500Name("CN=platform-a"), k, k, true, true),
            "n.csr")).getMessage().contains("does not match the identity URI"));
    Path notPem = tmp.resolve("bad.csr");
    Files.writeString(notPem, "hello");
    assertTrue(assertThrows(PkiException.class, () -> NodeRequest.read(notPem)).getMessage()
        .startsWith(notPem + ": no PEM data"));
  }

  private static byte[] build(X500Name subject, KeyPair claimed, KeyPair signer,
      boolean withSigningFp, boolean withSan) throws Exception {
    ExtensionsGenerator ext = new ExtensionsGenerator();
    if (withSan) {
      ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
          new GeneralName(GeneralName.uniformResourceIdentifier, PLATFORM.toString())));
    }
    if (withSigningFp) {
      ext.addExtension(NodeRequest.SIGNING_KEYSET_SHA256, false, new DEROctetString(SIGNING_FP));
    }
    String alg = claimed.getPublic().getAlgorithm().equals("EC") ? "SHA256withECDSA"
        : "SHA256withRSA";
    return new JcaPKCS10CertificationRequestBuilder(subject, claimed.getPublic())
        .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
        .build(new JcaContentSignerBuilder(alg).build(signer.getPrivate())).getEncoded();
  }

  private static byte[] replaceAll(byte[] in, byte[] from, byte[] to) {
    byte[] out = in.clone();
    int n = 0;
    for (int i = 0; i + from.length <= out.length; i++) {
      if (Arrays.equals(out, i, i + from.length, from, 0, from.length)) {
        System.arraycopy(to, 0, out, i, to.length);
        n++;
      }
    }
    assertTrue(n > 0, "nothing replaced");
    return out;
  }

}
