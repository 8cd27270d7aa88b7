package org.blindmatch.cli.federation;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.blindmatch.crypto.pki.FederationCa;
import org.blindmatch.crypto.pki.IssuedNode;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.Role;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clearinghouse refuses a client certificate with the TLS alert that names why — read here
 * by a plain JDK TLS client, as any non-Java client would see it — never alert 80
 * {@code internal_error}.
 */
class TlsAlertTest {
  private static final String PLATFORM = "blindmatch://test/platform/odd";
  @TempDir static Path dir;
  private static TestFederation fed;

  @BeforeAll
  static void start() throws Exception {
    fed = new TestFederation(dir, 1);
  }

  @AfterAll
  static void stop() {
    fed.close();
  }

  @TestFactory
  Stream<DynamicTest> eachRefusalHasItsAlert() throws Exception {
    PrivateKey caKey = TestCertificates.caKey(fed.ca(), dir);
    X509Certificate ca = fed.ca().certificate();
    Instant now = Instant.now();
    Duration day = Duration.ofDays(1);
    IssuedNode foreign = FederationCa.create("test", Duration.ofDays(2)).issue(
        new NodeIdentity("test", Role.PLATFORM, "odd"), List.of(), List.of(), day);
    TestCertificates.Leaf expired = TestCertificates.issue(ca, caKey, PLATFORM, List.of(),
        List.of(), now.minus(day.multipliedBy(3)), now.minus(day),
        KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth);
    TestCertificates.Leaf early = TestCertificates.issue(ca, caKey, PLATFORM, List.of(),
        List.of(), now.plus(day), now.plus(day.multipliedBy(3)),
        KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth);
    TestCertificates.Leaf serverOnly = TestCertificates.issue(ca, caKey, PLATFORM, List.of(),
        List.of(), now.minus(day), now.plus(day), KeyPurposeId.id_kp_serverAuth);
    record Row(String condition, PrivateKey key, X509Certificate cert, String alert) {}
    return Stream.of(
        new Row("another CA", foreign.privateKey(), foreign.certificate(), "unknown_ca"),
        new Row("expired", expired.key(), expired.certificate(), "certificate_expired"),
        new Row("not yet valid", early.key(), early.certificate(),
            "certificate_expired"),
        new Row("no clientAuth usage", serverOnly.key(), serverOnly.certificate(),
            "unsupported_certificate"))
        .map(r -> DynamicTest.dynamicTest(r.condition(), () -> {
          String message = refusal(r.key(), r.cert());
          assertTrue(message.contains(r.alert()), message);
          assertFalse(message.contains("internal_error"), message);
        }));
  }

  @Test
  void aGoodCertificateIsAccepted() throws Exception {
    fed.issue(Role.PLATFORM, "good", List.of(), List.of());
    PrivateKey key = org.blindmatch.crypto.pki.PemFiles.readPrivateKey(
        dir.resolve("pki/good.key"), TestFederation.PASS.toCharArray());
    X509Certificate cert = org.blindmatch.crypto.pki.PemFiles.readCertificate(
        dir.resolve("pki/good.crt"));
    try (SSLSocket s = connect(key, cert)) {
      // The server's HTTP/2 SETTINGS frame arrives: the handshake and the check passed.
      assertTrue(s.getInputStream().read() >= 0);
    }
  }

  /** The message of the TLS failure the server causes for this client certificate. */
  private static String refusal(PrivateKey key, X509Certificate cert) throws Exception {
    try (SSLSocket s = connect(key, cert)) {
      InputStream in = s.getInputStream();
      while (in.read() >= 0) {
        // The alert arrives after the client's Finished (TLS 1.3): read until it does.
      }
      return "no alert: the server closed the connection";
    } catch (SSLException e) {
      return e.getMessage();
    }
  }

  private static SSLSocket connect(PrivateKey key, X509Certificate cert) throws Exception {
    char[] pw = "p".toCharArray();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("node", key, pw, new Certificate[] {cert});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, pw);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", fed.ca().certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLSv1.3");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket();
    s.connect(new InetSocketAddress("127.0.0.1", fed.server.port()));
    SSLParameters p = s.getSSLParameters();
    p.setProtocols(new String[] {"TLSv1.3"});
    p.setApplicationProtocols(new String[] {"h2"});
    s.setSSLParameters(p);
    s.startHandshake();
    return s;
  }
}
