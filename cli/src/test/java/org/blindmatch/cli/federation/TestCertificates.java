package org.blindmatch.cli.federation;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.blindmatch.crypto.pki.FederationCa;
import org.blindmatch.crypto.pki.PemFiles;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates that {@code pki issue} refuses to make (expired, not yet valid, without
 * clientAuth), issued with Bouncy Castle under a federation CA's key, for tests of how peers
 * refuse them.
 */
final class TestCertificates {
  /** A certificate and its private key. */
  record Leaf(X509Certificate certificate, PrivateKey key) {}

  private TestCertificates() {}

  /** The private key of {@code ca}, read back from a copy written under {@code dir}. */
  static PrivateKey caKey(FederationCa ca, Path dir) throws Exception {
    char[] pass = TestFederation.PASS.toCharArray();
    Path cert = dir.resolve("ca-copy.crt");
    Path key = dir.resolve("ca-copy.key");
    ca.write(cert, key, pass, true);
    return PemFiles.readPrivateKey(key, pass);
  }

  /**
   * A node certificate for {@code identityUri} signed by {@code caKey}, valid from
   * {@code notBefore} to {@code notAfter}, with exactly the extended key usages given.
   */
  static Leaf issue(X509Certificate ca, PrivateKey caKey, String identityUri, List<String> dns,
      List<String> ips, Instant notBefore, Instant notAfter, KeyPurposeId... usages)
      throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair keys = g.generateKeyPair();
    List<GeneralName> sans = new ArrayList<>();
    sans.add(new GeneralName(GeneralName.uniformResourceIdentifier, identityUri));
    dns.forEach(d -> sans.add(new GeneralName(GeneralName.dNSName, d)));
    ips.forEach(ip -> sans.add(new GeneralName(GeneralName.iPAddress, ip)));
    var builder = new JcaX509v3CertificateBuilder(ca, new BigInteger(64, new SecureRandom()),
        Date.from(notBefore), Date.from(notAfter), new X500Name("CN=odd test node"),
        keys.getPublic())
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
        .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(usages))
        .addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(sans.toArray(GeneralName[]::new)));
    X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey)));
    return new Leaf(cert, keys.getPrivate());
  }
}
