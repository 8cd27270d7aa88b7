package org.blindmatch.crypto.pki;

import static org.blindmatch.crypto.pki.TestCertificates.uri;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import java.time.Instant;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class NodeCertificatesTest {
  static TestCertificates handCa;

  @BeforeAll
  static void setUp() throws Exception {
    handCa = new TestCertificates("demo");
  }

  @Test
  void identityIgnoresOtherSans() throws Exception {
    X509Certificate c = handCa.leaf(new GeneralName(GeneralName.dNSName, "localhost"),
        uri("https://example.org/x"), uri("blindmatch://demo/ngo/n1"),
        uri("urn:blindmatch:demo"));
    assertEquals(new NodeIdentity("demo", Role.NGO, "n1"), NodeCertificates.identityOf(c));
    NodeCertificates.verifyIssuedBy(c, handCa.ca);
  }

  @Test
  void identityRequiresExactlyOneBlindmatchUri() throws Exception {
    PkiException none = assertThrows(PkiException.class,
        () -> NodeCertificates.identityOf(handCa.leaf()));
    assertTrue(none.getMessage().contains("has 0 blindmatch:// URI SANs"), none.getMessage());
    assertThrows(PkiException.class, () -> NodeCertificates.identityOf(
        handCa.leaf(new GeneralName(GeneralName.dNSName, "localhost"))));
    PkiException two = assertThrows(PkiException.class, () -> NodeCertificates.identityOf(
        handCa.leaf(uri("blindmatch://demo/ngo/n1"), uri("blindmatch://demo/platform/p1"))));
    assertTrue(two.getMessage().contains("has 2 blindmatch:// URI SANs"), two.getMessage());
    // A differently cased second URI still counts, so it cannot smuggle a second identity.
    assertThrows(PkiException.class, () -> NodeCertificates.identityOf(
        handCa.leaf(uri("blindmatch://demo/ngo/n1"), uri("BlindMatch://demo/platform/p1"))));
  }

  @Test
  void identityRejectsMalformedOrCaUri() throws Exception {
    for (String u : new String[] {"blindmatch://demo/ca", "blindmatch://demo/ngo/N1",
        "blindmatch://demo/ngo/n1/x", "BLINDMATCH://demo/ngo/n1"}) {
      X509Certificate c = handCa.leaf(uri(u));
      assertThrows(PkiException.class, () -> NodeCertificates.identityOf(c), u);
    }
    assertThrows(PkiException.class, () -> NodeCertificates.identityOf(handCa.ca));
  }

  @Test
  void caFederationIsReadFromTheCaUri() throws Exception {
    assertEquals("demo", NodeCertificates.federationOfCa(handCa.ca));
    X509Certificate leaf = handCa.leaf(uri("blindmatch://demo/ngo/n1"));
    assertThrows(PkiException.class, () -> NodeCertificates.federationOfCa(leaf));
  }

  @Test
  void verifyIssuedByRejectsExpiredAndNotYetValid() throws Exception {
    KeyPurposeId[] both = {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth};
    Instant now = Instant.now();
    X509Certificate expired = handCa.leaf(now.minusSeconds(7200), now.minusSeconds(3600), both,
        uri("blindmatch://demo/ngo/n1"));
    X509Certificate future = handCa.leaf(now.plusSeconds(3600), now.plusSeconds(7200), both,
        uri("blindmatch://demo/ngo/n1"));
    assertThrows(PkiException.class, () -> NodeCertificates.verifyIssuedBy(expired, handCa.ca));
    assertThrows(PkiException.class, () -> NodeCertificates.verifyIssuedBy(future, handCa.ca));
  }

  @Test
  void verifyIssuedByRequiresBothTlsUsages() throws Exception {
    Instant now = Instant.now();
    X509Certificate serverOnly = handCa.leaf(now.minusSeconds(60), now.plusSeconds(3600),
        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth}, uri("blindmatch://demo/ngo/n1"));
    PkiException e = assertThrows(PkiException.class,
        () -> NodeCertificates.verifyIssuedBy(serverOnly, handCa.ca));
    assertTrue(e.getMessage().contains("clientAuth"), e.getMessage());
  }
}
