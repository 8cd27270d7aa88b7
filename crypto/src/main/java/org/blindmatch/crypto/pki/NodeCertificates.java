package org.blindmatch.crypto.pki;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/**
 * Reads identities out of certificates and checks certificates against a federation CA.
 *
 * <p>All methods are static, stateless and thread-safe; failures are {@link PkiException}s
 * whose message names the certificate by subject and serial number.
 */
public final class NodeCertificates {
  private static final int KEY_USAGE_KEY_CERT_SIGN = 5;

  private NodeCertificates() {}

  /**
   * The node identity in the certificate's URI SAN.
   *
   * <p>Every URI SAN whose scheme is {@code blindmatch} (in any case) counts; there must be
   * exactly one, and it must be a valid node identity (a CA's {@code blindmatch://F/ca} is
   * not). Other SANs are ignored. This does not check who issued the certificate: do that
   * first with {@link #verifyIssuedBy} or a TLS trust manager.
   *
   * @throws PkiException if there is no such URI, more than one, or it does not parse
   */
  public static NodeIdentity identityOf(X509Certificate certificate) throws PkiException {
    String uri = singleBlindmatchUri(certificate);
    try {
      return NodeIdentity.fromUri(uri);
    } catch (IllegalArgumentException e) {
      throw new PkiException(describe(certificate) + ": " + e.getMessage());
    }
  }

  /**
   * The federation of a federation CA certificate, from its {@code blindmatch://F/ca} URI SAN.
   *
   * @throws PkiException if the certificate is not a CA (basicConstraints CA:true) or does not
   *     carry exactly one valid CA URI
   */
  public static String federationOfCa(X509Certificate ca) throws PkiException {
    if (ca.getBasicConstraints() < 0) {
      throw new PkiException(describe(ca) + ": not a CA certificate (basicConstraints CA:false)");
    }
    String uri = singleBlindmatchUri(ca);
    try {
      return IdentityUris.federationOfCaUri(uri);
    } catch (IllegalArgumentException e) {
      throw new PkiException(describe(ca) + ": " + e.getMessage());
    }
  }

  /**
   * Checks that {@code node} is a currently valid end-entity certificate issued directly by
   * {@code ca}: PKIX path validation with {@code ca} as the only trust anchor (signature, name
   * chaining, validity period, critical extensions; no revocation), the CA is itself a
   * currently valid CA allowed to sign certificates, the node is not a CA, and its extended
   * key usage allows both TLS server and TLS client authentication.
   *
   * @throws PkiException naming the first check that failed
   */
  public static void verifyIssuedBy(X509Certificate node, X509Certificate ca)
      throws PkiException {
    try {
      ca.checkValidity();
    } catch (CertificateException e) {
      throw new PkiException(describe(ca) + ": CA certificate is not valid now: "
          + e.getMessage());
    }
    boolean[] caUsage = ca.getKeyUsage();
    if (ca.getBasicConstraints() < 0
        || (caUsage != null && !caUsage[KEY_USAGE_KEY_CERT_SIGN])) {
      throw new PkiException(describe(ca) + ": not a CA certificate allowed to sign "
          + "certificates");
    }
    try {
      PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
      params.setRevocationEnabled(false);
      CertPathValidator.getInstance("PKIX").validate(
          CertificateFactory.getInstance("X.509").generateCertPath(List.of(node)), params);
    } catch (CertPathValidatorException e) {
      throw new PkiException(describe(node) + ": not issued by " + describe(ca)
          + " or not valid now: " + e.getMessage());
    } catch (GeneralSecurityException e) {
      throw new PkiException(describe(node) + ": cannot validate: " + e.getMessage(), e);
    }
    if (node.getBasicConstraints() >= 0) {
      throw new PkiException(describe(node) + ": is a CA certificate, not a node certificate");
    }
    List<String> eku;
    try {
      eku = node.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      throw new PkiException(describe(node) + ": malformed extended key usage", e);
    }
    if (eku == null || !eku.contains(KeyPurposeId.id_kp_serverAuth.getId())
        || !eku.contains(KeyPurposeId.id_kp_clientAuth.getId())) {
      throw new PkiException(describe(node) + ": extended key usage must include both "
          + "serverAuth and clientAuth");
    }
  }

  /**
   * Checks that {@code key} is the private key of {@code certificate}'s public key, by signing
   * a random challenge and verifying the signature. Only EC keys are supported.
   *
   * @throws PkiException if the key does not match or is not an EC key
   */
  public static void verifyKeyMatches(X509Certificate certificate, PrivateKey key)
      throws PkiException {
    if (!"EC".equals(key.getAlgorithm())
        || !"EC".equals(certificate.getPublicKey().getAlgorithm())) {
      throw new PkiException(describe(certificate) + ": only EC keys are supported (key is "
          + key.getAlgorithm() + ")");
    }
    byte[] challenge = new byte[32];
    new SecureRandom().nextBytes(challenge);
    boolean ok;
    try {
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(challenge);
      ok = verifier.verify(signature);
    } catch (InvalidKeyException e) {
      ok = false;
    } catch (GeneralSecurityException e) {
      throw new PkiException(describe(certificate) + ": cannot check the private key: "
          + e.getMessage(), e);
    }
    if (!ok) {
      throw new PkiException(describe(certificate) + ": the private key does not belong to "
          + "this certificate");
    }
  }

  /** The SHA-256 fingerprint of the DER encoding, as uppercase hex pairs joined by colons. */
  public static String sha256Fingerprint(X509Certificate certificate) {
    try {
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(
          MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (CertificateEncodingException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot fingerprint certificate", e);
    }
  }

  /**
   * The SHA-256 of the node's public signing keyset that the CA bound into the certificate
   * ({@link NodeRequest#SIGNING_KEYSET_SHA256}), or empty for a certificate without it (issued
   * by {@link FederationCa#issue} for development or tests).
   *
   * @throws PkiException if the extension is present but malformed
   */
  public static java.util.Optional<byte[]> signingKeysetSha256(X509Certificate certificate)
      throws PkiException {
    byte[] ext = certificate.getExtensionValue(NodeRequest.SIGNING_KEYSET_SHA256.getId());
    if (ext == null) {
      return java.util.Optional.empty();
    }
    try {
      byte[] fp = org.bouncycastle.asn1.ASN1OctetString.getInstance(
          org.bouncycastle.asn1.ASN1OctetString.getInstance(ext).getOctets()).getOctets();
      if (fp.length == 32) {
        return java.util.Optional.of(fp);
      }
    } catch (RuntimeException e) {
      // reported below
    }
    throw new PkiException(describe(certificate) + ": malformed signing-keyset extension");
  }

  /** A short description for messages: subject and serial number in hex. */
  static String describe(X509Certificate c) {
    return "certificate \"" + c.getSubjectX500Principal().getName() + "\" (serial "
        + c.getSerialNumber().toString(16) + ")";
  }

  private static String singleBlindmatchUri(X509Certificate certificate) throws PkiException {
    Collection<List<?>> sans;
    try {
      sans = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      throw new PkiException(describe(certificate) + ": malformed subjectAltName", e);
    }
    List<String> uris = new ArrayList<>();
    if (sans != null) {
      for (List<?> san : sans) {
        if (((Integer) san.get(0)) == GeneralName.uniformResourceIdentifier
            && san.get(1) instanceof String uri
            && uri.regionMatches(true, 0, IdentityUris.SCHEME + ":", 0,
                IdentityUris.SCHEME.length() + 1)) {
          uris.add(uri);
        }
      }
    }
    if (uris.size() != 1) {
      throw new PkiException(describe(certificate) + ": has " + uris.size() + " "
          + IdentityUris.PREFIX + " URI SANs; exactly one is required");
    }
    return uris.get(0);
  }
}
