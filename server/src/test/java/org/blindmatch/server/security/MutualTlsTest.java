package org.blindmatch.server.security;

import org.blindmatch.core.transport.MutualTls;
import org.blindmatch.core.transport.TlsMaterial;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.protobuf.services.HealthStatusManager;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSession;
import org.blindmatch.crypto.pki.FederationCa;
import org.blindmatch.crypto.pki.IssuedNode;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.PemFiles;
import org.blindmatch.crypto.pki.PkiException;
import org.blindmatch.crypto.pki.Role;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real Netty server with mutual TLS 1.3 on 127.0.0.1, the security interceptors and health. */
class MutualTlsTest {
  private static final char[] PASSPHRASE = "test passphrase 123".toCharArray();

  @TempDir static Path dir;
  static FederationCa ca;
  static FederationCa otherCa;
  static PrivateKey caKey;
  static TlsMaterial serverTls;
  static TlsMaterial platform;
  static TlsMaterial ngo;
  static TlsMaterial otherPlatform;
  static Server server;
  static int port;
  static final AtomicReference<String> seenProtocol = new AtomicReference<>();
  static final AtomicReference<NodeIdentity> seenCaller = new AtomicReference<>();

  @BeforeAll
  static void startServer() throws Exception {
    ca = FederationCa.create("demo", Duration.ofDays(2));
    otherCa = FederationCa.create("other", Duration.ofDays(2));
    serverTls = material(ca, Role.CLEARINGHOUSE, "ch1", List.of("localhost"),
        List.of("127.0.0.1", "::1"));
    platform = material(ca, Role.PLATFORM, "p1", List.of(), List.of());
    ngo = material(ca, Role.NGO, "n1", List.of(), List.of());
    otherPlatform = material(otherCa, Role.PLATFORM, "p1", List.of(), List.of());
    // The CA key is only reachable through its file, as in production.
    ca.write(dir.resolve("ca.crt"), dir.resolve("ca.key"), PASSPHRASE, false);
    caKey = PemFiles.readPrivateKey(dir.resolve("ca.key"), PASSPHRASE);

    HealthStatusManager health = new HealthStatusManager();
    AuthorizationPolicy policy = AuthorizationPolicy.builder()
        .allow(Health.CHECK, Role.PLATFORM)
        .build();
    NettyServerBuilder builder = NettyServerBuilder
        .forAddress(new InetSocketAddress("127.0.0.1", 0))
        .sslContext(MutualTls.serverContext(serverTls))
        .addService(health.getHealthService())
        // Added first, so it runs last: after authorization, just before the service.
        .intercept(new Recorder());
    SecurityInterceptors.installOn(builder, new IdentityInterceptor("demo"),
        new AuthorizationInterceptor(policy));
    server = builder.build().start();
    port = server.getPort();
  }

  @AfterAll
  static void stopServer() throws InterruptedException {
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void platformClientIsServedOverTls13() throws Exception {
    seenCaller.set(null);
    Health.Outcome o = Health.overTls(port, MutualTls.clientContext(platform));
    assertEquals(Status.Code.OK, o.status().getCode(), o.toString());
    assertEquals(ServingStatus.SERVING, o.serving());
    assertEquals("TLSv1.3", seenProtocol.get());
    assertEquals(new NodeIdentity("demo", Role.PLATFORM, "p1"), seenCaller.get());
  }

  @Test
  void ngoClientIsDenied() throws Exception {
    seenCaller.set(null);
    Health.Outcome o = Health.overTls(port, MutualTls.clientContext(ngo));
    assertEquals(Status.Code.PERMISSION_DENIED, o.status().getCode(), o.toString());
    assertEquals("role ngo may not call grpc.health.v1.Health/Check",
        o.status().getDescription());
    assertNull(seenCaller.get(), "the call must not reach the service");
  }

  @Test
  void clientWithoutCertificateCannotConnect() throws Exception {
    SslContext noCert = GrpcSslContexts.forClient()
        .trustManager(ca.certificate())
        .protocols("TLSv1.3")
        .build();
    Health.Outcome o = Health.overTls(port, noCert);
    assertEquals(Status.Code.UNAVAILABLE, o.status().getCode(), o.toString());
  }

  @Test
  void clientWithCertificateFromAnotherFederationCannotConnect() throws Exception {
    SslContext foreign = GrpcSslContexts.forClient()
        .keyManager(otherPlatform.privateKey(), otherPlatform.certificate())
        .trustManager(ca.certificate())
        .protocols("TLSv1.3")
        .build();
    Health.Outcome o = Health.overTls(port, foreign);
    assertEquals(Status.Code.UNAVAILABLE, o.status().getCode(), o.toString());
    // The foreign client's own, complete material fails too.
    Health.Outcome own = Health.overTls(port, MutualTls.clientContext(otherPlatform));
    assertEquals(Status.Code.UNAVAILABLE, own.status().getCode(), own.toString());
  }

  @Test
  void clientTrustingAnotherCaRejectsTheServer() throws Exception {
    SslContext wrongTrust = GrpcSslContexts.forClient()
        .keyManager(platform.privateKey(), platform.certificate())
        .trustManager(otherCa.certificate())
        .protocols("TLSv1.3")
        .build();
    Health.Outcome o = Health.overTls(port, wrongTrust);
    assertEquals(Status.Code.UNAVAILABLE, o.status().getCode(), o.toString());
  }

  @Test
  void clientRejectsServerCertificateNotNamingTheDialledAddress() throws Exception {
    // An NGO's certificate is valid and from the right CA, but names no host or address: a
    // node must not be able to stand in for the server it is not.
    Server impostor = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .sslContext(MutualTls.serverContext(ngo))
        .addService(new HealthStatusManager().getHealthService())
        .build().start();
    try {
      Health.Outcome o = Health.overTls(impostor.getPort(), MutualTls.clientContext(platform));
      assertEquals(Status.Code.UNAVAILABLE, o.status().getCode(), o.toString());
    } finally {
      impostor.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void tls12OnlyClientCannotConnect() throws Exception {
    Health.Outcome control = Health.overTls(port, GrpcSslContexts.forClient()
        .keyManager(platform.privateKey(), platform.certificate())
        .trustManager(ca.certificate())
        .protocols("TLSv1.3")
        .build());
    assertEquals(Status.Code.OK, control.status().getCode(), "control: " + control);
    Health.Outcome o = Health.overTls(port, GrpcSslContexts.forClient()
        .keyManager(platform.privateKey(), platform.certificate())
        .trustManager(ca.certificate())
        .protocols("TLSv1.2")
        .build());
    assertEquals(Status.Code.UNAVAILABLE, o.status().getCode(), o.toString());
  }

  @Test
  void certificateFromTheCaWithoutIdentityIsUnauthenticated() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair keys = g.generateKeyPair();
    Instant now = Instant.now();
    X509Certificate noUri = new JcaX509CertificateConverter().getCertificate(
        new JcaX509v3CertificateBuilder(ca.certificate(), BigInteger.valueOf(now.toEpochMilli()),
            Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(3600)),
            new X500Name("CN=p9"), keys.getPublic())
            .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                KeyPurposeId.id_kp_clientAuth))
            .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
                new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://demo/p9")))
            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey)));
    Health.Outcome o = Health.overTls(port, GrpcSslContexts.forClient()
        .keyManager(keys.getPrivate(), noUri)
        .trustManager(ca.certificate())
        .protocols("TLSv1.3")
        .build());
    assertEquals(Status.Code.UNAUTHENTICATED, o.status().getCode(), o.toString());
    assertTrue(o.status().getDescription().contains("has 0 blindmatch:// URI SANs"),
        o.status().getDescription());
  }

  @Test
  void materialLoadsFromFilesAndChecksConsistency() throws Exception {
    IssuedNode n = ca.issue(new NodeIdentity("demo", Role.AUDITOR, "a1"), List.of(), List.of(),
        Duration.ofHours(1));
    Path crt = dir.resolve("a1.crt");
    Path key = dir.resolve("a1.key");
    PemFiles.writeCertificate(crt, n.certificate(), false);
    PemFiles.writePrivateKey(key, n.privateKey(), PASSPHRASE, false);
    TlsMaterial m = TlsMaterial.load(dir.resolve("ca.crt"), crt, key, PASSPHRASE);
    assertEquals(n.identity(), m.identity());
    assertEquals(ca.certificate(), m.caCertificate());
    assertTrue(m.toString().contains("redacted"), m.toString());
    assertFalse(m.toString().contains("BEGIN"), m.toString());

    // The CA key is not this certificate's key.
    PkiException e = assertThrows(PkiException.class,
        () -> TlsMaterial.load(dir.resolve("ca.crt"), crt, dir.resolve("ca.key"), PASSPHRASE));
    assertTrue(e.getMessage().startsWith(dir.resolve("ca.key") + ": "), e.getMessage());
    // A certificate of another federation's CA.
    Path foreign = dir.resolve("foreign.crt");
    PemFiles.writeCertificate(foreign, otherPlatform.certificate(), false);
    e = assertThrows(PkiException.class,
        () -> TlsMaterial.load(dir.resolve("ca.crt"), foreign, key, PASSPHRASE));
    assertTrue(e.getMessage().startsWith(foreign.toString()), e.getMessage());
    // A node certificate in place of the CA certificate.
    e = assertThrows(PkiException.class, () -> TlsMaterial.load(crt, crt, key, PASSPHRASE));
    assertTrue(e.getMessage().startsWith(crt + ": "), e.getMessage());
    // Inconsistent in-memory material.
    assertThrows(IllegalArgumentException.class, () -> new TlsMaterial(ca.certificate(),
        platform.certificate(), ngo.privateKey(), platform.identity()));
    assertThrows(IllegalArgumentException.class, () -> new TlsMaterial(ca.certificate(),
        platform.certificate(), platform.privateKey(), ngo.identity()));
    assertThrows(IllegalArgumentException.class, () -> new TlsMaterial(ca.certificate(),
        otherPlatform.certificate(), otherPlatform.privateKey(), otherPlatform.identity()));
  }

  private static TlsMaterial material(FederationCa ca, Role role, String name,
      List<String> dns, List<String> ips) throws PkiException {
    IssuedNode n = ca.issue(new NodeIdentity(ca.federation(), role, name), dns, ips,
        Duration.ofDays(1));
    return new TlsMaterial(ca.certificate(), n.certificate(), n.privateKey(), n.identity());
  }

  /** Records what the service side sees: the TLS version and the caller identity. */
  private static final class Recorder implements ServerInterceptor {
    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call,
        Metadata headers, ServerCallHandler<ReqT, RespT> next) {
      SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
      seenProtocol.set(session == null ? null : session.getProtocol());
      seenCaller.set(CallerIdentity.current());
      return next.startCall(call, headers);
    }
  }
}
