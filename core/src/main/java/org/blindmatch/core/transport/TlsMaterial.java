package org.blindmatch.core.transport;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;
import org.blindmatch.crypto.pki.NodeCertificates;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.PemFiles;
import org.blindmatch.crypto.pki.PkiException;

/**
 * Everything a node needs for mutual TLS: the federation CA certificate (the only trust
 * anchor), the node's certificate and private key, and the identity the certificate carries.
 *
 * <p>The constructor checks that the four belong together, so an instance is always
 * consistent. Immutable and thread-safe; {@link #toString()} never shows the key.
 *
 * @param caCertificate the federation CA certificate
 * @param certificate the node certificate, issued by {@code caCertificate}
 * @param privateKey the private key of {@code certificate}
 * @param identity the identity in {@code certificate}, of the CA's federation
 */
public record TlsMaterial(X509Certificate caCertificate, X509Certificate certificate,
    PrivateKey privateKey, NodeIdentity identity) {

  /**
   * Checks consistency.
   *
   * @throws IllegalArgumentException if {@code caCertificate} is not a federation CA,
   *     {@code certificate} is not currently valid or not issued by it, its identity differs
   *     from {@code identity} or is of another federation, or the key does not match
   */
  public TlsMaterial {
    Objects.requireNonNull(caCertificate, "caCertificate");
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(identity, "identity");
    try {
      String federation = NodeCertificates.federationOfCa(caCertificate);
      NodeCertificates.verifyIssuedBy(certificate, caCertificate);
      NodeIdentity inCertificate = NodeCertificates.identityOf(certificate);
      if (!inCertificate.equals(identity)) {
        throw new IllegalArgumentException("the certificate is for " + inCertificate
            + ", not " + identity);
      }
      if (!identity.federation().equals(federation)) {
        throw new IllegalArgumentException("the certificate is for federation "
            + identity.federation() + " but the CA is for federation " + federation);
      }
      NodeCertificates.verifyKeyMatches(certificate, privateKey);
    } catch (PkiException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * Reads the CA certificate, the node certificate and the encrypted node key, and checks that
   * they belong together (see the constructor).
   *
   * @param passphrase decrypts {@code key}; read, not retained or wiped
   * @throws PkiException naming the file and the reason
   */
  public static TlsMaterial load(Path caCert, Path cert, Path key, char[] passphrase)
      throws PkiException {
    X509Certificate ca = PemFiles.readCertificate(caCert);
    String federation;
    try {
      federation = NodeCertificates.federationOfCa(ca);
    } catch (PkiException e) {
      throw new PkiException(caCert + ": " + e.getMessage(), e);
    }
    X509Certificate node = PemFiles.readCertificate(cert);
    NodeIdentity identity;
    try {
      NodeCertificates.verifyIssuedBy(node, ca);
      identity = NodeCertificates.identityOf(node);
    } catch (PkiException e) {
      throw new PkiException(cert + " (CA " + caCert + "): " + e.getMessage(), e);
    }
    if (!identity.federation().equals(federation)) {
      throw new PkiException(cert + ": the certificate is for federation "
          + identity.federation() + " but the CA " + caCert + " is for " + federation);
    }
    // Decrypt only once the certificates are known to be usable: it is the slow step.
    PrivateKey privateKey = PemFiles.readPrivateKey(key, passphrase);
    try {
      NodeCertificates.verifyKeyMatches(node, privateKey);
    } catch (PkiException e) {
      throw new PkiException(key + ": " + e.getMessage(), e);
    }
    return new TlsMaterial(ca, node, privateKey, identity);
  }

  @Override
  public String toString() {
    return "TlsMaterial[identity=" + identity + ", certificate serial "
        + certificate.getSerialNumber().toString(16) + ", ca="
        + caCertificate.getSubjectX500Principal().getName() + ", privateKey=(redacted)]";
  }
}
