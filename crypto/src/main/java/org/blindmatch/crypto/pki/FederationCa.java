package org.blindmatch.crypto.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.blindmatch.crypto.io.Excerpt;
import org.blindmatch.crypto.ip.IpAddress;
import org.blindmatch.crypto.ip.IpParseException;
import org.blindmatch.crypto.ip.IpParser;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The certificate authority of one federation: an EC P-256 key and a self-signed certificate
 * whose URI SAN is {@code blindmatch://<federation>/ca}. It issues node certificates whose URI
 * SAN carries the node's {@link NodeIdentity}; TLS peers trust only this certificate.
 *
 * <p>The CA key signs every node certificate of the federation: keep {@code ca.key} offline
 * and encrypted. Instances are immutable and thread-safe; {@link #toString()} never shows the
 * key.
 */
public final class FederationCa {
  private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
  private static final String CURVE = "secp256r1";
  /** Certificates start slightly in the past so peers with a lagging clock accept them. */
  private static final Duration BACKDATE = Duration.ofMinutes(5);
  private static final Pattern DNS_NAME = Pattern.compile(
      "(?=.{1,253}\\z)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

  private final String federation;
  private final X509Certificate certificate;
  private final PrivateKey privateKey;

  private FederationCa(String federation, X509Certificate certificate, PrivateKey privateKey) {
    this.federation = federation;
    this.certificate = certificate;
    this.privateKey = privateKey;
  }

  /**
   * Creates a new CA with a fresh key: a self-signed v3 certificate with subject
   * {@code CN=blindmatch federation <federation> CA}, basicConstraints CA:true pathLen 0 and
   * keyUsage keyCertSign, cRLSign (both critical), a subject key identifier and the URI SAN
   * {@code blindmatch://<federation>/ca}, signed with SHA256withECDSA.
   *
   * @param federation a valid federation name (see {@link NodeIdentity})
   * @param validity positive; the certificate is valid from now (minus a few minutes of clock
   *     skew allowance) for this long
   * @throws IllegalArgumentException for an invalid federation name or validity
   * @throws IllegalStateException if the platform lacks EC P-256 or SHA256withECDSA
   */
  public static FederationCa create(String federation, Duration validity) {
    IdentityUris.requireLabel("federation", federation);
    requirePositive(validity);
    KeyPair keys = newKeyPair();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.CN, "blindmatch federation " + federation + " CA").build();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
          randomSerial(), Date.from(now.minus(BACKDATE)), Date.from(now.plus(validity)),
          subject, keys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false,
              ext.createSubjectKeyIdentifier(keys.getPublic()))
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
              new GeneralName(GeneralName.uniformResourceIdentifier,
                  IdentityUris.caUri(federation))));
      return new FederationCa(federation, sign(builder, keys.getPrivate()), keys.getPrivate());
    } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot create the CA certificate: " + e.getMessage(), e);
    }
  }

  /**
   * Loads a CA from its certificate and encrypted key files (as written by {@link #write}).
   *
   * @throws PkiException if a file cannot be read or decrypted, the certificate is not a
   *     self-signed blindmatch federation CA, or the key does not belong to it
   */
  public static FederationCa load(Path certificateFile, Path keyFile, char[] passphrase)
      throws PkiException {
    X509Certificate cert = PemFiles.readCertificate(certificateFile);
    String federation;
    try {
      federation = NodeCertificates.federationOfCa(cert);
      cert.verify(cert.getPublicKey());
    } catch (PkiException | GeneralSecurityException e) {
      throw new PkiException(certificateFile + ": not a blindmatch federation CA certificate: "
          + e.getMessage(), e);
    }
    PrivateKey key = PemFiles.readPrivateKey(keyFile, passphrase);
    try {
      NodeCertificates.verifyKeyMatches(cert, key);
    } catch (PkiException e) {
      throw new PkiException(keyFile + ": " + e.getMessage(), e);
    }
    return new FederationCa(federation, cert, key);
  }

  /**
   * Writes the certificate as PEM and the key as encrypted PKCS#8 PEM ({@link PemFiles}). Both
   * targets are checked before either is written.
   *
   * @throws FileAlreadyExistsException if a target exists and not {@code overwrite}
   */
  public void write(Path certificateFile, Path keyFile, char[] passphrase, boolean overwrite)
      throws IOException, PkiException {
    if (!overwrite) {
      for (Path p : List.of(certificateFile, keyFile)) {
        if (Files.exists(p)) {
          throw new FileAlreadyExistsException(p.toString(), null,
              "already exists (pass --force to replace it)");
        }
      }
    }
    PemFiles.writePrivateKey(keyFile, privateKey, passphrase, overwrite);
    PemFiles.writeCertificate(certificateFile, certificate, overwrite);
  }

  /** The federation this CA certifies. */
  public String federation() {
    return federation;
  }

  /** The self-signed CA certificate: the only trust anchor of the federation's TLS. */
  public X509Certificate certificate() {
    return certificate;
  }

  /**
   * Issues a certificate and a fresh EC P-256 key for a node. The certificate has subject
   * {@code CN=<name>, OU=<role>, O=<federation>}, a random 128-bit serial number, the identity
   * URI plus the given DNS names and IP addresses as SANs, keyUsage digitalSignature
   * (critical), extendedKeyUsage serverAuth and clientAuth, basicConstraints CA:false
   * (critical), a subject key identifier and an authority key identifier (key id only, so a
   * CA certificate renewed with the same key still chains).
   *
   * @param identity must be in this CA's federation
   * @param dnsNames host names the node serves under (letters, digits, hyphens, dots; stored
   *     lowercase); may be empty
   * @param ipAddresses literal IPv4 or IPv6 addresses the node serves under (never resolved);
   *     may be empty
   * @param validity positive, and must not extend past the CA certificate's expiry
   * @throws PkiException if the identity is of another federation, a DNS name or IP address is
   *     invalid, or the validity would outlive the CA
   * @throws IllegalArgumentException if {@code validity} is not positive
   */
  public IssuedNode issue(NodeIdentity identity, List<String> dnsNames,
      List<String> ipAddresses, Duration validity) throws PkiException {
    Objects.requireNonNull(identity, "identity");
    KeyPair keys = newKeyPair();
    X509Certificate cert = certificate(identity, keys.getPublic(),
        NodeRequest.subjectAltNames(identity, dnsNames, ipAddresses), null, validity);
    return new IssuedNode(identity, cert, keys.getPrivate());
  }

  /**
   * Signs a node's certificate request: the certificate is as {@link #issue} makes it, for the
   * request's identity, public key, DNS names and IP addresses, and it also carries the
   * request's {@link NodeRequest#SIGNING_KEYSET_SHA256} extension (non-critical). The request
   * has already been checked by {@link NodeRequest#parse} (proof of possession, P-256 key);
   * whether its role and name are allowed is the caller's policy ({@link CaIndex}).
   *
   * @throws PkiException if the request is for another federation or the validity would
   *     outlive the CA
   * @throws IllegalArgumentException if {@code validity} is not positive
   */
  public X509Certificate certify(NodeRequest request, Duration validity) throws PkiException {
    return certificate(request.identity(), request.publicKey(),
        NodeRequest.subjectAltNames(request.identity(), request.dnsNames(),
            request.ipAddresses()),
        request.signingKeysetSha256(), validity);
  }

  /**
   * A certificate revocation list (RFC 5280 §5, v2) signed by this CA: one entry per revoked
   * certificate with its revocation date and reason code, a CRL number (non-critical) and an
   * authority key identifier; thisUpdate is now, nextUpdate {@code now + }
   * {@link #CRL_VALIDITY}: after it (and {@link Revocations#GRACE}) nodes refuse the list
   * ({@link Revocations#requireCurrent}), so the CA re-signs it ({@code pki crl}) in time.
   *
   * @param number the CRL number; must grow with every new list
   */
  public Revocations revocationList(List<Revocations.Revoked> revoked, BigInteger number)
      throws PkiException {
    return revocationList(revoked, number, Instant.now());
  }

  /** How long a revocation list is current: its nextUpdate is thisUpdate plus this. */
  public static final Duration CRL_VALIDITY = Duration.ofDays(7);

  /**
   * As {@link #revocationList(List, BigInteger)} signed as of {@code thisUpdate} (tests make
   * lists that are already past their nextUpdate with it).
   */
  public Revocations revocationList(List<Revocations.Revoked> revoked, BigInteger number,
      Instant thisUpdate) throws PkiException {
    Instant now = thisUpdate.truncatedTo(ChronoUnit.SECONDS);
    try {
      org.bouncycastle.cert.X509v2CRLBuilder b =
          new org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder(
              certificate.getSubjectX500Principal(), Date.from(now));
      b.setNextUpdate(Date.from(now.plus(CRL_VALIDITY)));
      for (Revocations.Revoked r : revoked) {
        b.addCRLEntry(r.serial(), Date.from(r.at()), r.reason().crlReason());
      }
      b.addExtension(Extension.cRLNumber, false, new org.bouncycastle.asn1.x509.CRLNumber(number));
      b.addExtension(Extension.authorityKeyIdentifier, false,
          new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(certificate.getPublicKey()));
      byte[] der = b.build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(privateKey))
          .getEncoded();
      return Revocations.parse(der, certificate, "new revocation list");
    } catch (GeneralSecurityException | java.io.IOException | OperatorCreationException e) {
      throw new PkiException("cannot sign the revocation list: " + e.getMessage(), e);
    }
  }

  private X509Certificate certificate(NodeIdentity identity, java.security.PublicKey key,
      GeneralNames sans, byte[] signingKeysetSha256, Duration validity) throws PkiException {
    requirePositive(validity);
    if (!identity.federation().equals(federation)) {
      throw new PkiException("refusing to issue " + identity + ": this CA is for federation "
          + federation);
    }
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant notAfter = now.plus(validity);
    if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
      throw new PkiException("refusing to issue " + identity + ": a certificate valid until "
          + notAfter + " would outlive the CA certificate, which expires "
          + certificate.getNotAfter().toInstant());
    }
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate,
          randomSerial(), Date.from(now.minus(BACKDATE)), Date.from(notAfter),
          NodeRequest.subjectOf(identity), key)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .addExtension(Extension.subjectKeyIdentifier, false,
              ext.createSubjectKeyIdentifier(key))
          .addExtension(Extension.authorityKeyIdentifier, false,
              ext.createAuthorityKeyIdentifier(certificate.getPublicKey()))
          .addExtension(Extension.subjectAlternativeName, false, sans);
      if (signingKeysetSha256 != null) {
        builder.addExtension(NodeRequest.SIGNING_KEYSET_SHA256, false,
            new DEROctetString(signingKeysetSha256));
      }
      return sign(builder, privateKey);
    } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
      throw new PkiException("cannot issue a certificate for " + identity + ": "
          + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "FederationCa[" + federation + ", serial "
        + certificate.getSerialNumber().toString(16) + ", privateKey=(redacted)]";
  }

  static Set<String> canonicalDnsNames(List<String> names) throws PkiException {
    Set<String> out = new LinkedHashSet<>();
    for (String name : names) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (!DNS_NAME.matcher(lower).matches()) {
        throw new PkiException("DNS name " + Excerpt.quote(name)
            + " is invalid: use letters, digits and hyphens in dot-separated labels");
      }
      out.add(lower);
    }
    return out;
  }

  static List<byte[]> ipAddressBytes(List<String> addresses) throws PkiException {
    Set<String> seen = new LinkedHashSet<>();
    List<byte[]> out = new ArrayList<>();
    for (String text : addresses) {
      try {
        IpAddress address = IpParser.parseAddress(text);
        if (seen.add(address.toString())) {
          out.add(address.toBytes());
        }
      } catch (IpParseException e) {
        throw new PkiException("invalid IP address " + e.getMessage());
      }
    }
    return out;
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(signingKey)));
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec(CURVE), new SecureRandom());
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC " + CURVE + " key generation unavailable", e);
    }
  }

  /** A positive serial number with 128 random bits (RFC 5280 §4.1.2.2 allows 20 octets). */
  private static BigInteger randomSerial() {
    byte[] bytes = new byte[16];
    SecureRandom random = new SecureRandom();
    BigInteger serial;
    do {
      random.nextBytes(bytes);
      serial = new BigInteger(1, bytes);
    } while (serial.signum() == 0);
    return serial;
  }

  private static void requirePositive(Duration validity) {
    if (validity == null || validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("validity must be positive, got " + validity);
    }
  }
}
