package org.blindmatch.crypto.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FederationCaTest {
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

  static FederationCa ca;
  static FederationCa otherCa;
  static IssuedNode server;

  @BeforeAll
  static void setUp() throws Exception {
    ca = FederationCa.create("demo", Duration.ofDays(30));
    otherCa = FederationCa.create("other", Duration.ofDays(30));
    server = ca.issue(new NodeIdentity("demo", Role.CLEARINGHOUSE, "ch1"),
        List.of("localhost", "CH1.Example.org", "localhost"),
        List.of("127.0.0.1", "::1", "::ffff:127.0.0.1"), Duration.ofDays(7));
  }

  @Test
  void caCertificateHasTheSpecifiedProfile() throws Exception {
    X509Certificate c = ca.certificate();
    assertEquals("demo", ca.federation());
    assertEquals(3, c.getVersion());
    assertEquals("CN=blindmatch federation demo CA", c.getSubjectX500Principal().getName());
    assertEquals(c.getSubjectX500Principal(), c.getIssuerX500Principal());
    c.verify(c.getPublicKey());
    assertEquals("SHA256withECDSA", c.getSigAlgName());
    assertEquals(256, ((ECPublicKey) c.getPublicKey()).getParams().getCurve().getField()
        .getFieldSize());
    assertEquals(0, c.getBasicConstraints(), "CA:true, pathLen 0");
    assertTrue(c.getCriticalExtensionOIDs().containsAll(Set.of(
        Extension.basicConstraints.getId(), Extension.keyUsage.getId())));
    boolean[] ku = c.getKeyUsage();
    assertTrue(ku[5] && ku[6], "keyCertSign and cRLSign");
    assertFalse(ku[0], "no digitalSignature");
    assertNotNull(c.getExtensionValue(Extension.subjectKeyIdentifier.getId()));
    assertEquals(List.of(List.of(6, "blindmatch://demo/ca")),
        new ArrayList<>(c.getSubjectAlternativeNames()));
    assertEquals("demo", NodeCertificates.federationOfCa(c));
    Instant notAfter = c.getNotAfter().toInstant();
    assertTrue(notAfter.isAfter(Instant.now().plus(Duration.ofDays(29))));
    assertTrue(notAfter.isBefore(Instant.now().plus(Duration.ofDays(31))));
  }

  @Test
  void issuedCertificateHasTheSpecifiedProfile() throws Exception {
    X509Certificate c = server.certificate();
    assertEquals("CN=ch1,OU=clearinghouse,O=demo", c.getSubjectX500Principal().getName());
    assertEquals(ca.certificate().getSubjectX500Principal(), c.getIssuerX500Principal());
    c.verify(ca.certificate().getPublicKey());
    assertEquals("SHA256withECDSA", c.getSigAlgName());
    assertEquals(-1, c.getBasicConstraints(), "CA:false");
    assertTrue(c.getCriticalExtensionOIDs().containsAll(Set.of(
        Extension.basicConstraints.getId(), Extension.keyUsage.getId())));
    boolean[] ku = c.getKeyUsage();
    assertTrue(ku[0], "digitalSignature");
    for (int i = 1; i < ku.length; i++) {
      assertFalse(ku[i], "key usage bit " + i);
    }
    assertEquals(List.of(SERVER_AUTH, CLIENT_AUTH), c.getExtendedKeyUsage());
    assertEquals(List.of(
            List.of(6, "blindmatch://demo/clearinghouse/ch1"),
            List.of(2, "localhost"),
            List.of(2, "ch1.example.org"),
            List.of(7, "127.0.0.1"),
            List.of(7, "0:0:0:0:0:0:0:1")),
        new ArrayList<>(c.getSubjectAlternativeNames()), "deduplicated, canonical SANs");
    byte[] aki = AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(
        c.getExtensionValue(Extension.authorityKeyIdentifier.getId())).getOctets())
        .getKeyIdentifierOctets();
    byte[] caSki = SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(
        ca.certificate().getExtensionValue(Extension.subjectKeyIdentifier.getId())).getOctets())
        .getKeyIdentifier();
    assertArrayEquals(caSki, aki);
    assertEquals(null, AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(
        c.getExtensionValue(Extension.authorityKeyIdentifier.getId())).getOctets())
        .getAuthorityCertIssuer(), "key id only");
    assertNotNull(c.getExtensionValue(Extension.subjectKeyIdentifier.getId()));
    assertEquals(server.identity(), NodeCertificates.identityOf(c));
    NodeCertificates.verifyIssuedBy(c, ca.certificate());
    NodeCertificates.verifyKeyMatches(c, server.privateKey());
  }

  @Test
  void serialsAreRandomPositiveAndAtMost128Bits() throws Exception {
    IssuedNode a = ca.issue(new NodeIdentity("demo", Role.NGO, "a"), List.of(), List.of(),
        Duration.ofDays(1));
    IssuedNode b = ca.issue(new NodeIdentity("demo", Role.NGO, "a"), List.of(), List.of(),
        Duration.ofDays(1));
    for (BigInteger s : List.of(a.certificate().getSerialNumber(),
        b.certificate().getSerialNumber(), ca.certificate().getSerialNumber())) {
      assertEquals(1, s.signum());
      assertTrue(s.bitLength() <= 128 && s.bitLength() > 64, "bits " + s.bitLength());
    }
    assertNotEquals(a.certificate().getSerialNumber(), b.certificate().getSerialNumber());
    assertNotEquals(a.certificate().getPublicKey(), b.certificate().getPublicKey());
    assertEquals(List.of(List.of(6, "blindmatch://demo/ngo/a")),
        new ArrayList<>(a.certificate().getSubjectAlternativeNames()));
  }

  @Test
  void refusesForeignFederation() {
    PkiException e = assertThrows(PkiException.class, () -> ca.issue(
        new NodeIdentity("other", Role.PLATFORM, "p1"), List.of(), List.of(),
        Duration.ofDays(1)));
    assertEquals("refusing to issue blindmatch://other/platform/p1: this CA is for "
        + "federation demo", e.getMessage());
  }

  @Test
  void refusesValidityBeyondTheCa() {
    PkiException e = assertThrows(PkiException.class, () -> ca.issue(
        new NodeIdentity("demo", Role.PLATFORM, "p1"), List.of(), List.of(),
        Duration.ofDays(31)));
    assertTrue(e.getMessage().contains("outlive the CA"), e.getMessage());
  }

  @Test
  void refusesBadSans() {
    NodeIdentity id = new NodeIdentity("demo", Role.KEYHOLDER, "k1");
    for (String dns : List.of("", "a b", "-a.org", "a..org", "*.example.org", "a_b.org",
        "a.org.", "x".repeat(64) + ".org")) {
      assertThrows(PkiException.class,
          () -> ca.issue(id, List.of(dns), List.of(), Duration.ofDays(1)), dns);
    }
    for (String ip : List.of("", "localhost", "1.2.3", "01.2.3.4", "::1%eth0", "[::1]",
        "10.0.0.0/8")) {
      assertThrows(PkiException.class,
          () -> ca.issue(id, List.of(), List.of(ip), Duration.ofDays(1)), ip);
    }
  }

  @Test
  void rejectsInvalidArguments() {
    assertThrows(IllegalArgumentException.class,
        () -> FederationCa.create("Demo", Duration.ofDays(1)));
    assertThrows(IllegalArgumentException.class,
        () -> FederationCa.create("demo", Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> ca.issue(
        new NodeIdentity("demo", Role.NGO, "n"), List.of(), List.of(), Duration.ofDays(-1)));
  }

  @Test
  void verifyIssuedByRejectsCertificateFromAnotherCa() throws Exception {
    IssuedNode foreign = otherCa.issue(new NodeIdentity("other", Role.PLATFORM, "p1"),
        List.of(), List.of(), Duration.ofDays(1));
    PkiException e = assertThrows(PkiException.class,
        () -> NodeCertificates.verifyIssuedBy(foreign.certificate(), ca.certificate()));
    assertTrue(e.getMessage().contains("not issued by"), e.getMessage());
    NodeCertificates.verifyIssuedBy(foreign.certificate(), otherCa.certificate());
  }

  @Test
  void verifyIssuedByRejectsCaAsNodeAndNodeAsCa() {
    assertThrows(PkiException.class,
        () -> NodeCertificates.verifyIssuedBy(ca.certificate(), ca.certificate()));
    assertThrows(PkiException.class,
        () -> NodeCertificates.verifyIssuedBy(server.certificate(), server.certificate()));
  }

  @Test
  void verifyKeyMatchesRejectsAnotherKey() throws Exception {
    IssuedNode other = ca.issue(new NodeIdentity("demo", Role.NGO, "n2"), List.of(),
        List.of(), Duration.ofDays(1));
    PkiException e = assertThrows(PkiException.class,
        () -> NodeCertificates.verifyKeyMatches(server.certificate(), other.privateKey()));
    assertTrue(e.getMessage().contains("does not belong"), e.getMessage());
  }

  @Test
  void toStringsAreRedacted() {
    String encoded = Arrays.toString(server.privateKey().getEncoded());
    for (String s : List.of(server.toString(), ca.toString())) {
      assertTrue(s.contains("redacted"), s);
      assertFalse(s.contains(encoded), s);
      assertFalse(s.contains("BEGIN"), s);
    }
    assertTrue(server.toString().contains("blindmatch://demo/clearinghouse/ch1"));
  }

  @Test
  void fingerprintIsColonSeparatedSha256() {
    String fp = NodeCertificates.sha256Fingerprint(ca.certificate());
    assertTrue(fp.matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), fp);
  }
}
