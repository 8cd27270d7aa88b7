package org.blindmatch.core.transport;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.blindmatch.crypto.pki.PkiException;

/**
 * Netty {@link SslContext}s for gRPC with mutual TLS 1.3 inside one federation.
 *
 * <p>Both sides present their node certificate and trust only the federation CA: not the JDK
 * or system trust store. The client also checks that the server certificate names the host or
 * IP address it dialled (gRPC's default endpoint identification). Who may call what is not
 * decided here but by the server's identity and authorization interceptors
 * ({@code org.blindmatch.server.security}).
 *
 * <p>A refused peer certificate is sent as the TLS alert that names the reason
 * ({@code unknown_ca}, {@code certificate_expired}, {@code unsupported_certificate},
 * {@code bad_certificate}), never {@code internal_error}; see {@link FederationTrustManager}.
 *
 * <p>Key and trust managers are built from the in-memory {@link TlsMaterial}; no key is
 * written anywhere. Stateless and thread-safe; the returned contexts are thread-safe and
 * should be reused for the life of the server or channel.
 */
public final class MutualTls {
  /** The only protocol version offered or accepted. */
  public static final String PROTOCOL = "TLSv1.3";

  private static final String ALIAS = "node";

  private MutualTls() {}

  /**
   * A server context: TLS 1.3 only, client certificate required and verified against the
   * federation CA.
   *
   * @throws PkiException if the key material cannot be loaded into a key manager or the
   *     context cannot be built
   */
  public static SslContext serverContext(TlsMaterial material) throws PkiException {
    try {
      return GrpcSslContexts.configure(SslContextBuilder.forServer(keyManagers(material)))
          .trustManager(trustManagers(material))
          .clientAuth(ClientAuth.REQUIRE)
          .protocols(PROTOCOL)
          .build();
    } catch (GeneralSecurityException | IOException e) {
      throw new PkiException("cannot build the server TLS context for " + material.identity()
          + ": " + e.getMessage(), e);
    }
  }

  /**
   * A client context: TLS 1.3 only, presents the node certificate, accepts only servers whose
   * certificate the federation CA issued for the dialled host or address.
   *
   * @throws PkiException if the key material cannot be loaded into a key manager or the
   *     context cannot be built
   */
  public static SslContext clientContext(TlsMaterial material) throws PkiException {
    try {
      return GrpcSslContexts.forClient()
          .keyManager(keyManagers(material))
          .trustManager(trustManagers(material))
          .protocols(PROTOCOL)
          .build();
    } catch (GeneralSecurityException | IOException e) {
      throw new PkiException("cannot build the client TLS context for " + material.identity()
          + ": " + e.getMessage(), e);
    }
  }

  private static KeyManagerFactory keyManagers(TlsMaterial material)
      throws GeneralSecurityException, IOException {
    // The KeyStore API insists on a password even in memory; a random one is as good as any.
    char[] password = randomPassword();
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(ALIAS, material.privateKey(), password,
        new Certificate[] {material.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(
        KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, password);
    return kmf;
  }

  /** PKIX anchored at the federation CA only, behind the checks that name each refusal. */
  private static FederationTrustManager trustManagers(TlsMaterial material)
      throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("federation-ca", material.caCertificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(store);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509ExtendedTrustManager x) {
        return new FederationTrustManager(x, material.caCertificate());
      }
    }
    throw new GeneralSecurityException("the PKIX trust manager factory made no X.509 manager");
  }

  private static char[] randomPassword() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes).toCharArray();
  }
}
