package org.blindmatch.crypto.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * A freshly issued node certificate with its private key, as returned by
 * {@link FederationCa#issue}. Store it with {@link PemFiles}. Immutable; {@link #toString()}
 * never shows the key.
 *
 * @param identity the identity in the certificate's URI SAN
 * @param certificate the node certificate, signed by the federation CA
 * @param privateKey the node's EC P-256 private key
 */
public record IssuedNode(NodeIdentity identity, X509Certificate certificate,
    PrivateKey privateKey) {

  public IssuedNode {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(privateKey, "privateKey");
  }

  @Override
  public String toString() {
    return "IssuedNode[identity=" + identity + ", certificate serial "
        + certificate.getSerialNumber().toString(16) + ", privateKey=(redacted)]";
  }
}
