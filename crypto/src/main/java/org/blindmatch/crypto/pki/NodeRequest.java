package org.blindmatch.crypto.pki;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.spec.X509EncodedKeySpec;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A node's certificate request: a PKCS#10 request (RFC 2986) that a node makes with its own
 * TLS key and sends to the federation CA operator, who signs it with
 * {@link FederationCa#certify}. The node's private keys never leave it.
 *
 * <p>What a request carries, all inside the signed request info: subject
 * {@code O=<federation>, OU=<role>, CN=<name>}; an EC P-256 public key; one
 * {@code extensionRequest} attribute holding exactly a subjectAltName (the identity URI
 * {@code blindmatch://F/ROLE/NAME}, plus DNS names and IP addresses for servers) and the
 * {@linkplain #SIGNING_KEYSET_SHA256 signing-keyset extension} (SHA-256 of the node's public
 * Tink signing keyset, which the CA copies into the certificate so the certificate binds the
 * key the node signs commitments with). The request is signed with SHA256withECDSA by the
 * TLS key (proof of possession).
 *
 * <p>{@link #parse} accepts nothing else: malformed DER, a bad proof-of-possession signature,
 * a key that is not a valid P-256 point, a subject that disagrees with the identity URI, a
 * missing or extra extension, or an invalid name is a {@link PkiException} naming the source
 * and the field. Instances are immutable and thread-safe.
 */
public final class NodeRequest {
  /**
   * The certificate and request extension carrying SHA-256 of the node's public signing
   * keyset (Tink JSON text), as an OCTET STRING of 32 bytes. An OID under the UUID arc
   * {@code 2.25} (ITU-T X.667), which needs no registration.
   */
  public static final ASN1ObjectIdentifier SIGNING_KEYSET_SHA256 =
      new ASN1ObjectIdentifier("2.25.3971973498471767947597270516760703988");

  static final String PEM_TYPE = "CERTIFICATE REQUEST";
  private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
  private static final X9ECParameters P256 = ECNamedCurveTable.getByName("P-256");

  private final byte[] encoded;
  private final NodeIdentity identity;
  private final List<String> dnsNames;
  private final List<String> ipAddresses;
  private final byte[] signingKeysetSha256;
  private final PublicKey publicKey;

  private NodeRequest(byte[] encoded, NodeIdentity identity, List<String> dnsNames,
      List<String> ipAddresses, byte[] signingKeysetSha256, PublicKey publicKey) {
    this.encoded = encoded;
    this.identity = identity;
    this.dnsNames = List.copyOf(dnsNames);
    this.ipAddresses = List.copyOf(ipAddresses);
    this.signingKeysetSha256 = signingKeysetSha256;
    this.publicKey = publicKey;
  }

  /**
   * Makes a request for {@code identity}, signed by {@code keys} (EC P-256).
   *
   * @param dnsNames host names the node serves under (checked and lowercased); may be empty
   * @param ipAddresses literal IP addresses (never resolved); may be empty
   * @param signingKeysetSha256 SHA-256 (32 bytes) of the node's public signing keyset JSON
   * @throws PkiException if a DNS name or IP address is invalid or the key is not P-256
   */
  public static NodeRequest create(NodeIdentity identity, List<String> dnsNames,
      List<String> ipAddresses, KeyPair keys, byte[] signingKeysetSha256) throws PkiException {
    Objects.requireNonNull(identity, "identity");
    if (signingKeysetSha256 == null || signingKeysetSha256.length != 32) {
      throw new IllegalArgumentException("signingKeysetSha256 must be 32 bytes");
    }
    requireP256(SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()), "the key");
    try {
      ExtensionsGenerator ext = new ExtensionsGenerator();
      ext.addExtension(Extension.subjectAlternativeName, false,
          subjectAltNames(identity, dnsNames, ipAddresses));
      ext.addExtension(SIGNING_KEYSET_SHA256, false, new DEROctetString(signingKeysetSha256));
      PKCS10CertificationRequest req = new JcaPKCS10CertificationRequestBuilder(
          subjectOf(identity), keys.getPublic())
          .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
          .build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(keys.getPrivate()));
      return parse(req.getEncoded(), "new request");
    } catch (IOException | OperatorCreationException e) {
      throw new PkiException("cannot make a certificate request for " + identity + ": "
          + e.getMessage(), e);
    }
  }

  /** Reads and checks a PEM {@code CERTIFICATE REQUEST} file; see {@link #parse}. */
  public static NodeRequest read(Path file) throws PkiException {
    return parse(PemFiles.readPem(file, PEM_TYPE), file.toString());
  }

  /**
   * Parses and checks a DER request.
   *
   * @param source names the request in error messages (e.g. its file)
   * @throws PkiException naming {@code source} and the first check that failed
   */
  public static NodeRequest parse(byte[] der, String source) throws PkiException {
    PKCS10CertificationRequest req;
    try {
      req = new PKCS10CertificationRequest(der);
    } catch (IOException | RuntimeException e) {
      throw new PkiException(source + ": not a PKCS#10 certificate request (" + e.getMessage()
          + ")");
    }
    SubjectPublicKeyInfo spki = req.getSubjectPublicKeyInfo();
    requireP256(spki, source + ": public key");
    if (!X9ObjectIdentifiers.ecdsa_with_SHA256.equals(req.getSignatureAlgorithm().getAlgorithm())) {
      throw new PkiException(source + ": signature algorithm "
          + req.getSignatureAlgorithm().getAlgorithm() + " is not ecdsa-with-SHA256");
    }
    PublicKey key;
    try {
      key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki.getEncoded()));
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      throw new PkiException(source + ": public key: cannot decode (" + e.getMessage() + ")");
    }
    boolean popOk;
    try {
      popOk = req.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key));
    } catch (PKCSException | OperatorCreationException | RuntimeException e) {
      popOk = false;
    }
    if (!popOk) {
      throw new PkiException(source + ": proof of possession failed: the request is not signed "
          + "by the key it asks a certificate for (altered or forged request)");
    }
    Attribute[] attributes = req.getAttributes();
    if (attributes.length != 1
        || !PKCSObjectIdentifiers.pkcs_9_at_extensionRequest.equals(attributes[0].getAttrType())
        || attributes[0].getAttrValues().size() != 1) {
      throw new PkiException(source + ": attributes: expected exactly one extensionRequest");
    }
    Extensions ext;
    try {
      ext = Extensions.getInstance(attributes[0].getAttrValues().getObjectAt(0));
    } catch (RuntimeException e) {
      throw new PkiException(source + ": extensionRequest: malformed (" + e.getMessage() + ")");
    }
    for (ASN1ObjectIdentifier oid : ext.getExtensionOIDs()) {
      if (!oid.equals(Extension.subjectAlternativeName) && !oid.equals(SIGNING_KEYSET_SHA256)) {
        throw new PkiException(source + ": extensionRequest: extension " + oid
            + " is not allowed (only subjectAltName and the signing-keyset extension)");
      }
    }
    byte[] signingFp = signingKeysetSha256(ext.getExtension(SIGNING_KEYSET_SHA256), source);
    Extension sanExt = ext.getExtension(Extension.subjectAlternativeName);
    if (sanExt == null) {
      throw new PkiException(source + ": subjectAltName: missing (the identity URI)");
    }
    GeneralName[] names;
    try {
      names = GeneralNames.getInstance(sanExt.getParsedValue()).getNames();
    } catch (RuntimeException e) {
      throw new PkiException(source + ": subjectAltName: malformed (" + e.getMessage() + ")");
    }
    NodeIdentity identity = null;
    List<String> dns = new ArrayList<>();
    List<String> ips = new ArrayList<>();
    for (GeneralName n : names) {
      switch (n.getTagNo()) {
        case GeneralName.uniformResourceIdentifier -> {
          if (identity != null) {
            throw new PkiException(source + ": subjectAltName: more than one URI");
          }
          try {
            identity = NodeIdentity.fromUri(n.getName().toString());
          } catch (IllegalArgumentException e) {
            throw new PkiException(source + ": subjectAltName: " + e.getMessage());
          }
        }
        case GeneralName.dNSName -> dns.add(n.getName().toString());
        case GeneralName.iPAddress -> ips.add(ipText(n, source));
        default -> throw new PkiException(source + ": subjectAltName: name type "
            + n.getTagNo() + " is not allowed (URI, DNS and IP only)");
      }
    }
    if (identity == null) {
      throw new PkiException(source + ": subjectAltName: no " + IdentityUris.PREFIX
          + " identity URI");
    }
    List<String> canonicalDns = new ArrayList<>(FederationCa.canonicalDnsNames(dns));
    if (!canonicalDns.equals(dns)) {
      throw new PkiException(source + ": subjectAltName: DNS names must be lowercase and "
          + "distinct");
    }
    if (!req.getSubject().equals(subjectOf(identity))) {
      throw new PkiException(source + ": subject \"" + req.getSubject()
          + "\" does not match the identity URI " + identity + " (expected \""
          + subjectOf(identity) + "\")");
    }
    return new NodeRequest(der.clone(), identity, dns, ips, signingFp, key);
  }

  /** Writes the request as PEM ({@code CERTIFICATE REQUEST}), atomically. */
  public void write(Path file, boolean overwrite) throws IOException {
    PemFiles.writePem(file, PEM_TYPE, encoded, overwrite);
  }

  /** The identity the request asks for. */
  public NodeIdentity identity() {
    return identity;
  }

  /** Requested DNS names (lowercase, distinct, in request order). */
  public List<String> dnsNames() {
    return dnsNames;
  }

  /** Requested IP addresses, in request order, as {@link InetAddress#getHostAddress()}. */
  public List<String> ipAddresses() {
    return ipAddresses;
  }

  /** The node's TLS public key (EC P-256). */
  public PublicKey publicKey() {
    return publicKey;
  }

  /** SHA-256 of the node's public signing keyset (a copy). */
  public byte[] signingKeysetSha256() {
    return signingKeysetSha256.clone();
  }

  /** SHA-256 of the TLS public key's SubjectPublicKeyInfo, as lowercase hex. */
  public String publicKeySha256() {
    return keySha256(publicKey);
  }

  /** The DER encoding (a copy). */
  public byte[] encoded() {
    return encoded.clone();
  }

  /** SHA-256 of a public key's SubjectPublicKeyInfo DER, as lowercase hex. */
  public static String keySha256(PublicKey key) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  @Override
  public String toString() {
    return "NodeRequest[" + identity + ", dns=" + dnsNames + ", ip=" + ipAddresses + "]";
  }

  static X500Name subjectOf(NodeIdentity identity) {
    return new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, identity.federation())
        .addRDN(BCStyle.OU, identity.role().id())
        .addRDN(BCStyle.CN, identity.name())
        .build();
  }

  static GeneralNames subjectAltNames(NodeIdentity identity, List<String> dnsNames,
      List<String> ipAddresses) throws PkiException {
    List<GeneralName> sans = new ArrayList<>();
    sans.add(new GeneralName(GeneralName.uniformResourceIdentifier, identity.toString()));
    for (String dns : FederationCa.canonicalDnsNames(dnsNames)) {
      sans.add(new GeneralName(GeneralName.dNSName, dns));
    }
    for (byte[] ip : FederationCa.ipAddressBytes(ipAddresses)) {
      sans.add(new GeneralName(GeneralName.iPAddress, new DEROctetString(ip)));
    }
    return new GeneralNames(sans.toArray(GeneralName[]::new));
  }

  /** Weak keys are refused: only named-curve P-256 with a valid, finite point. */
  private static void requireP256(SubjectPublicKeyInfo spki, String what) throws PkiException {
    if (!X9ObjectIdentifiers.id_ecPublicKey.equals(spki.getAlgorithm().getAlgorithm())) {
      throw new PkiException(what + " is not an EC key (algorithm "
          + spki.getAlgorithm().getAlgorithm() + "); the federation's key policy is EC P-256");
    }
    ASN1Encodable params = spki.getAlgorithm().getParameters();
    if (!(params instanceof ASN1ObjectIdentifier curve)
        || !(curve.equals(X9ObjectIdentifiers.prime256v1))) {
      throw new PkiException(what + " is not on the named curve P-256 (parameters " + params
          + "); the federation's key policy is EC P-256");
    }
    try {
      ECPoint point = P256.getCurve().decodePoint(spki.getPublicKeyData().getOctets());
      if (point.isInfinity() || !point.isValid()) {
        throw new IllegalArgumentException("point at infinity");
      }
    } catch (RuntimeException e) {
      throw new PkiException(what + " is not a valid P-256 point (" + e.getMessage() + ")");
    }
  }

  private static byte[] signingKeysetSha256(Extension e, String source) throws PkiException {
    if (e == null) {
      throw new PkiException(source + ": the signing-keyset extension " + SIGNING_KEYSET_SHA256
          + " is missing");
    }
    try {
      byte[] fp = ASN1OctetString.getInstance(e.getParsedValue()).getOctets();
      if (fp.length == 32) {
        return fp;
      }
    } catch (RuntimeException ignored) {
      // falls through to the error below
    }
    throw new PkiException(source + ": the signing-keyset extension must be an OCTET STRING "
        + "of 32 bytes");
  }

  private static String ipText(GeneralName n, String source) throws PkiException {
    byte[] bytes = ASN1OctetString.getInstance(n.getName()).getOctets();
    if (bytes.length != 4 && bytes.length != 16) {
      throw new PkiException(source + ": subjectAltName: an IP address of " + bytes.length
          + " bytes");
    }
    try {
      return InetAddress.getByAddress(bytes).getHostAddress();
    } catch (UnknownHostException e) {
      throw new PkiException(source + ": subjectAltName: bad IP address");
    }
  }
}
