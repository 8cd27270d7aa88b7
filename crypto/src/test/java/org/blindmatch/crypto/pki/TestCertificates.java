package org.blindmatch.crypto.pki;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A hand-built CA that signs certificates {@link FederationCa} would never issue: no or two
 * identity URIs, wrong extended key usage, expired.
 */
final class TestCertificates {
  private static final AtomicLong SERIAL = new AtomicLong(1);

  final KeyPair caKeys;
  final X509Certificate ca;

  TestCertificates(String federation) throws Exception {
    caKeys = ecKeyPair();
    X500Name name = new X500Name("CN=hand-made CA " + federation);
    Instant now = Instant.now();
    ca = sign(new JcaX509v3CertificateBuilder(name, serial(),
        Date.from(now.minus(Duration.ofMinutes(1))), Date.from(now.plus(Duration.ofDays(1))),
        name, caKeys.getPublic())
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
        .addExtension(Extension.keyUsage, true,
            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
        .addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(uri("blindmatch://" + federation + "/ca"))));
  }

  /** A leaf valid for the next hour with both TLS EKUs and exactly {@code sans}. */
  X509Certificate leaf(GeneralName... sans) throws Exception {
    Instant now = Instant.now();
    return leaf(now.minusSeconds(60), now.plusSeconds(3600),
        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth},
        sans);
  }

  X509Certificate leaf(Instant notBefore, Instant notAfter, KeyPurposeId[] eku,
      GeneralName... sans) throws Exception {
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, serial(),
        Date.from(notBefore), Date.from(notAfter), new X500Name("CN=hand-made"),
        ecKeyPair().getPublic())
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
        .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(eku));
    if (sans.length > 0) {
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
    }
    return sign(b);
  }

  static GeneralName uri(String uri) {
    return new GeneralName(GeneralName.uniformResourceIdentifier, uri);
  }

  static KeyPair ecKeyPair() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private X509Certificate sign(X509v3CertificateBuilder b) throws Exception {
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
  }

  private static BigInteger serial() {
    return BigInteger.valueOf(SERIAL.getAndIncrement());
  }
}
