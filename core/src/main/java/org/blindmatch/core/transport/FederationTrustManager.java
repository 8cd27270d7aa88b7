package org.blindmatch.core.transport;

import io.grpc.netty.shaded.io.netty.handler.ssl.OpenSsl;
import io.grpc.netty.shaded.io.netty.handler.ssl.OpenSslCertificateException;
import io.grpc.netty.shaded.io.netty.internal.tcnative.CertificateVerifier;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The federation's trust decision for both ends of a TLS connection: the JDK's PKIX trust
 * manager (anchored at the federation CA only, with the client's endpoint identification)
 * preceded by checks that name <em>why</em> a peer certificate is refused.
 *
 * <p>Why it exists: Netty's OpenSSL engine turns any exception from a trust manager that it
 * does not recognise into {@code X509_V_ERR_UNSPECIFIED}, which BoringSSL sends as TLS alert
 * 80 {@code internal_error}: a peer cannot tell a wrong certificate from a server fault. Each
 * refusal here is a {@link Problem} carrying the X.509 verify error that BoringSSL maps to the
 * alert RFC 8446 §6.2 names for it ({@code unknown_ca}, {@code certificate_expired} (also for
 * not yet valid),
 * {@code unsupported_certificate}, {@code bad_certificate}, {@code certificate_revoked}), and
 * a one-line message that says what is wrong and what to do; on the client that message is
 * the cause the user sees.
 *
 * <p>Stateless and thread-safe.
 */
final class FederationTrustManager extends X509ExtendedTrustManager {
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final String ANY_USAGE = "2.5.29.37.0";

  /**
   * Why a peer certificate is refused, and the TLS alert it is sent as (through the X.509
   * verify error BoringSSL maps to that alert).
   */
  enum Problem {
    /** Not issued by the federation CA: alert 48 {@code unknown_ca}. */
    UNKNOWN_CA("unknown_ca"),
    /** Past its notAfter: alert 45 {@code certificate_expired}. */
    EXPIRED("certificate_expired"),
    /**
     * Before its notBefore: BoringSSL sends this as alert 45 too (RFC 8446: "expired or not
     * currently valid").
     */
    NOT_YET_VALID("certificate_expired"),
    /** Lacks the extended key usage for its side (clientAuth/serverAuth): alert 43. */
    WRONG_USAGE("unsupported_certificate"),
    /**
     * Revoked by the federation CA: alert 44 {@code certificate_revoked}. Not yet raised here:
     * the check belongs with {@code pki revoke} (a CRL the node loads); it is this row of the
     * table so that the alert and the client's message are already defined.
     */
    REVOKED("certificate_revoked"),
    /** Does not name the host the client dialled: alert 42 {@code bad_certificate}. */
    HOSTNAME("bad_certificate"),
    /** Any other refusal by the PKIX validator: alert 42 {@code bad_certificate}. */
    REJECTED("bad_certificate");

    private final String alert;

    Problem(String alert) {
      this.alert = alert;
    }

    /** The RFC 8446 alert description this problem is sent as. */
    String alert() {
      return alert;
    }

    int x509Error() {
      return switch (this) {
        case UNKNOWN_CA -> CertificateVerifier.X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
        case EXPIRED -> CertificateVerifier.X509_V_ERR_CERT_HAS_EXPIRED;
        case NOT_YET_VALID -> CertificateVerifier.X509_V_ERR_CERT_NOT_YET_VALID;
        case WRONG_USAGE -> CertificateVerifier.X509_V_ERR_INVALID_PURPOSE;
        case REVOKED -> CertificateVerifier.X509_V_ERR_CERT_REVOKED;
        case HOSTNAME -> CertificateVerifier.X509_V_ERR_HOSTNAME_MISMATCH;
        case REJECTED -> CertificateVerifier.X509_V_ERR_CERT_REJECTED;
      };
    }
  }

  private final X509ExtendedTrustManager pkix;
  private final X509Certificate ca;

  FederationTrustManager(X509ExtendedTrustManager pkix, X509Certificate ca) {
    this.pkix = pkix;
    this.ca = ca;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    precheck(chain, "client", CLIENT_AUTH, "clientAuth");
    try {
      pkix.checkClientTrusted(chain, authType, engine);
    } catch (CertificateException e) {
      throw refuse(Problem.REJECTED, "the client certificate of " + subject(chain[0])
          + " does not verify: " + e.getMessage(), e);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    precheck(chain, "server", SERVER_AUTH, "serverAuth");
    try {
      pkix.checkServerTrusted(chain, authType, engine);
    } catch (CertificateException e) {
      String host = engine == null ? null : engine.getPeerHost();
      if (isNameMismatch(e) && host != null) {
        throw refuse(Problem.HOSTNAME, hostnameMismatch(chain[0], host), e);
      }
      throw refuse(Problem.REJECTED, "the server certificate of " + subject(chain[0])
          + " does not verify: " + e.getMessage(), e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    precheck(chain, "client", CLIENT_AUTH, "clientAuth");
    pkix.checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    precheck(chain, "server", SERVER_AUTH, "serverAuth");
    pkix.checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    precheck(chain, "client", CLIENT_AUTH, "clientAuth");
    pkix.checkClientTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    precheck(chain, "server", SERVER_AUTH, "serverAuth");
    pkix.checkServerTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return pkix.getAcceptedIssuers();
  }

  /** The checks whose failure has a name, in the order a person would fix them. */
  private void precheck(X509Certificate[] chain, String side, String usage, String usageName)
      throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw refuse(Problem.REJECTED, "the " + side + " presented no certificate", null);
    }
    X509Certificate leaf = chain[0];
    if (!issuedByCa(leaf)) {
      throw refuse(Problem.UNKNOWN_CA, "the " + side + " certificate of " + subject(leaf)
          + " is issued by \"" + leaf.getIssuerX500Principal().getName()
          + "\", not by this federation's CA \"" + ca.getSubjectX500Principal().getName()
          + "\": use a certificate from `blindmatch pki issue` of this federation", null);
    }
    try {
      leaf.checkValidity();
    } catch (CertificateExpiredException e) {
      throw refuse(Problem.EXPIRED, "the " + side + " certificate of " + subject(leaf)
          + " expired on " + leaf.getNotAfter().toInstant()
          + ": reissue it with `blindmatch pki issue`", e);
    } catch (CertificateNotYetValidException e) {
      throw refuse(Problem.NOT_YET_VALID, "the " + side + " certificate of " + subject(leaf)
          + " is not valid before " + leaf.getNotBefore().toInstant()
          + ": check both machines' clocks", e);
    }
    // Revocation (pki revoke) belongs here, once nodes load the CA's revocation list: refuse
    // a listed serial with refuse(Problem.REVOKED, "the <side> certificate of … was revoked
    // on …: ask the federation operator for a new one", null); CallFailures already explains
    // the certificate_revoked alert that produces on the peer.
    List<String> usages;
    try {
      usages = leaf.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      throw refuse(Problem.REJECTED, "the " + side + " certificate of " + subject(leaf)
          + " has an unreadable extended key usage", e);
    }
    if (usages != null && !usages.contains(usage) && !usages.contains(ANY_USAGE)) {
      throw refuse(Problem.WRONG_USAGE, "the " + side + " certificate of " + subject(leaf)
          + " lacks the " + usageName + " extended key usage: reissue it with "
          + "`blindmatch pki issue`", null);
    }
  }

  private boolean issuedByCa(X509Certificate leaf) {
    if (!leaf.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
      return false;
    }
    try {
      leaf.verify(ca.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static boolean isNameMismatch(CertificateException e) {
    String m = String.valueOf(e.getMessage());
    return m.startsWith("No subject alternative") || m.startsWith("No name matching");
  }

  /** "certificate names A, B, not X: reissue with --dns X" (or --ip for an address). */
  static String hostnameMismatch(X509Certificate leaf, String host) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          int type = (Integer) san.get(0);
          if (type == 2 || type == 7) { // dNSName, iPAddress
            names.add(String.valueOf(san.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // Fall through: the message then says the certificate names no host.
    }
    boolean literal = host.indexOf(':') >= 0 || host.matches("[0-9.]+");
    return "the server certificate of " + subject(leaf) + " names "
        + (names.isEmpty() ? "no host" : String.join(", ", names)) + ", not " + host
        + ": reissue it with " + (literal ? "--ip " : "--dns ") + host
        + " (blindmatch pki issue), or dial a name it lists";
  }

  private static String subject(X509Certificate leaf) {
    try {
      Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if ((Integer) san.get(0) == 6) { // uniformResourceIdentifier: the node identity
            return String.valueOf(san.get(1));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // Fall back to the subject name.
    }
    return "\"" + leaf.getSubjectX500Principal().getName() + "\"";
  }

  /**
   * The exception a refusal is thrown as: under Netty's OpenSSL engine one that carries the
   * verify error (and so the alert); under the JDK engine a plain {@link CertificateException}
   * (the JDK then chooses the alert).
   */
  private static CertificateException refuse(Problem problem, String message, Throwable cause) {
    if (OpenSsl.isAvailable()) {
      return new OpenSslCertificateException(message, cause, problem.x509Error());
    }
    return new CertificateException(message, cause);
  }
}
