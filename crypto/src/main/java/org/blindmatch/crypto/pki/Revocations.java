package org.blindmatch.crypto.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.bouncycastle.asn1.ASN1Enumerated;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.Extension;

/**
 * A federation's certificate revocation list (X.509 CRL, RFC 5280 §5) after its checks: signed
 * by the federation CA's key, issued under the CA's name, carrying a CRL number. The list is
 * what {@code pki revoke} writes ({@code ca.crl}), what servers and clients enforce at the TLS
 * layer and what the clearinghouse logs for auditors.
 *
 * <p>A later list is recognised by a larger {@link #number()}; a holder must never go back to
 * a smaller one ({@link #requireNotOlderThan}). Immutable and thread-safe.
 */
public final class Revocations {
  static final String PEM_TYPE = "X509 CRL";

  /**
   * One revoked certificate.
   *
   * @param serial the certificate's serial number
   * @param at when it was revoked (seconds precision)
   * @param reason why
   */
  public record Revoked(BigInteger serial, Instant at, RevocationReason reason) {
    public Revoked {
      Objects.requireNonNull(serial, "serial");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(reason, "reason");
    }

    /** A sentence for refusals: serial (hex), date and reason. */
    public String describe() {
      return "certificate serial " + serial.toString(16) + " was revoked at " + at
          + " (reason: " + reason.id() + ")";
    }
  }

  private final byte[] encoded;
  private final BigInteger number;
  private final Instant thisUpdate;
  private final Instant nextUpdate;
  private final Map<BigInteger, Revoked> revoked;

  /**
   * How long past its nextUpdate a list is still taken: room for clocks that disagree a little
   * between the CA and the nodes, not for a CA that is late (docs/OPERATIONS.md).
   */
  public static final java.time.Duration GRACE = java.time.Duration.ofHours(1);

  private Revocations(byte[] encoded, BigInteger number, Instant thisUpdate,
      Instant nextUpdate, Map<BigInteger, Revoked> revoked) {
    this.encoded = encoded;
    this.number = number;
    this.thisUpdate = thisUpdate;
    this.nextUpdate = nextUpdate;
    this.revoked = revoked;
  }

  /** Reads a PEM {@code X509 CRL} file and checks it against {@code ca}; see {@link #parse}. */
  public static Revocations read(Path file, X509Certificate ca) throws PkiException {
    return parse(PemFiles.readPem(file, PEM_TYPE), ca, file.toString());
  }

  /**
   * Parses a DER CRL and checks that {@code ca} signed it: the signature verifies with the
   * CA's public key, the issuer is the CA's subject, and a CRL number is present. A list of
   * another federation, a forged or altered list, or garbage is refused.
   *
   * @param source names the list in error messages
   * @throws PkiException naming {@code source} and the failed check
   */
  public static Revocations parse(byte[] der, X509Certificate ca, String source)
      throws PkiException {
    X509CRL crl;
    try {
      crl = (X509CRL) CertificateFactory.getInstance("X.509")
          .generateCRL(new ByteArrayInputStream(der));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new PkiException(source + ": not an X.509 CRL (" + e.getMessage() + ")");
    }
    if (crl == null) {
      throw new PkiException(source + ": not an X.509 CRL (empty)");
    }
    if (!crl.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
      throw new PkiException(source + ": issued by \"" + crl.getIssuerX500Principal()
          + "\", not by this federation's CA \"" + ca.getSubjectX500Principal() + "\"");
    }
    try {
      crl.verify(ca.getPublicKey());
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new PkiException(source + ": signature does not verify with the federation CA's "
          + "key: not signed by this CA, or altered");
    }
    BigInteger number;
    try {
      byte[] ext = crl.getExtensionValue(Extension.cRLNumber.getId());
      if (ext == null) {
        throw new PkiException(source + ": has no CRL number");
      }
      number = ASN1Integer.getInstance(ASN1OctetString.getInstance(ext).getOctets())
          .getPositiveValue();
    } catch (RuntimeException e) {
      throw new PkiException(source + ": malformed CRL number");
    }
    Map<BigInteger, Revoked> entries = new TreeMap<>();
    if (crl.getRevokedCertificates() != null) {
      for (X509CRLEntry e : crl.getRevokedCertificates()) {
        entries.put(e.getSerialNumber(), new Revoked(e.getSerialNumber(),
            e.getRevocationDate().toInstant(), reasonOf(e)));
      }
    }
    if (crl.getNextUpdate() == null) {
      throw new PkiException(source + ": has no nextUpdate (a list must say until when it is "
          + "current; sign a new one with 'blindmatch pki crl')");
    }
    return new Revocations(der.clone(), number, crl.getThisUpdate().toInstant(),
        crl.getNextUpdate().toInstant(), Collections.unmodifiableMap(entries));
  }

  /** Writes the list as PEM ({@code X509 CRL}), atomically replacing the file if allowed. */
  public void write(Path file, boolean overwrite) throws IOException {
    PemFiles.writePem(file, PEM_TYPE, encoded, overwrite);
  }

  /** The revocation of {@code serial}, if it is on the list. */
  public Optional<Revoked> find(BigInteger serial) {
    return Optional.ofNullable(revoked.get(serial));
  }

  /** The revocation of {@code certificate}, if its serial is on the list. */
  public Optional<Revoked> find(X509Certificate certificate) {
    return find(certificate.getSerialNumber());
  }

  /** Every revoked certificate, by serial. */
  public List<Revoked> all() {
    return new ArrayList<>(revoked.values());
  }

  /** The CRL number; larger is newer. */
  public BigInteger number() {
    return number;
  }

  /** When the CA signed the list. */
  public Instant thisUpdate() {
    return thisUpdate;
  }

  /** Until when the CA vouches for the list (its nextUpdate). */
  public Instant nextUpdate() {
    return nextUpdate;
  }

  /**
   * Refuses a list that is past its nextUpdate by more than {@link #GRACE} at {@code now}: a
   * stale list may lack revocations the CA has made since, so a node must not keep trusting it.
   *
   * @throws PkiException naming {@code source}, the date and what to do
   */
  public void requireCurrent(Instant now, String source) throws PkiException {
    if (now.isAfter(nextUpdate.plus(GRACE))) {
      throw new PkiException(source + ": the revocation list (number " + number
          + ") expired at " + nextUpdate + " (its nextUpdate); the CA operator must sign a "
          + "fresh one with 'blindmatch pki crl --dir CA_DIR' and it must be copied here");
    }
  }

  /** The DER encoding (a copy), as the log carries it. */
  public byte[] encoded() {
    return encoded.clone();
  }

  /**
   * Refuses to replace {@code current} with this list if this one is older (a replayed list
   * would un-revoke certificates).
   *
   * @throws PkiException naming both numbers
   */
  public void requireNotOlderThan(Revocations current, String source) throws PkiException {
    if (current != null && number.compareTo(current.number) < 0) {
      throw new PkiException(source + ": CRL number " + number + " is older than the list "
          + "already in use (number " + current.number + "); refusing to go back");
    }
  }

  private static RevocationReason reasonOf(X509CRLEntry e) {
    byte[] ext = e.getExtensionValue(Extension.reasonCode.getId());
    if (ext == null) {
      return RevocationReason.UNSPECIFIED;
    }
    try {
      return RevocationReason.ofCode(ASN1Enumerated.getInstance(
          ASN1OctetString.getInstance(ext).getOctets()).intValueExact());
    } catch (RuntimeException ex) {
      return RevocationReason.UNSPECIFIED;
    }
  }
}
