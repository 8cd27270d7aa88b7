package org.blindmatch.cli;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.tokenize.InputException;
import org.blindmatch.core.transport.HostPort;
import org.blindmatch.core.transport.MutualTls;
import org.blindmatch.core.transport.TlsMaterial;
import org.blindmatch.crypto.io.Excerpt;
import org.blindmatch.crypto.keys.PassphraseFile;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.PkiException;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.server.clearinghouse.ClearinghouseConfig;
import org.blindmatch.server.config.ConfigException;
import org.blindmatch.server.keyholder.KeyholderConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import java.security.cert.X509Certificate;
import org.blindmatch.crypto.pki.PemFiles;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code blindmatch health ROLE --config FILE}: the gRPC health check of a running server,
 * made with the server's own configuration and certificate (its certificate is valid for
 * client authentication too), so it works as a liveness/readiness probe next to the server.
 * Exit status 0 when the server answers SERVING, 1 otherwise.
 */
@Command(name = "health", mixinStandardHelpOptions = true,
    description = {"Check that a running clearinghouse or keyholder answers the gRPC health "
        + "check with SERVING (exit 0), using its own config file and certificate; exit 1 "
        + "otherwise. Meant for probes and scripts.",
        "With health_listen in the config the check uses that plaintext probe port (cheap); "
            + "otherwise mutual TLS with the server's own certificate. A wildcard address "
            + "(0.0.0.0, ::) is checked on 127.0.0.1."})
final class HealthCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "ROLE", description = "clearinghouse or keyholder")
  String role;

  @Option(names = "--config", required = true, paramLabel = "FILE",
      description = "The server's configuration (YAML).")
  Path config;

  @Option(names = "--address", paramLabel = "HOST:PORT",
      description = "Check here instead of the config's listen address (e.g. with port 0).")
  String address;

  @Option(names = "--authority", paramLabel = "NAME",
      description = "Host name the server certificate must name (default: the host checked).")
  String authority;

  @Option(names = "--timeout-seconds", defaultValue = "5", paramLabel = "N",
      description = "Deadline of the check (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = "--tls",
      description = "Check the main mutual-TLS port even when the config has a health_listen "
          + "probe port (slower: decrypts the server's key).")
  boolean tls;

  @Option(names = "--json", description = "One blindmatch.health/v1 JSON document "
      + "(docs/JSON.md) on stdout when SERVING; failures go to stderr with exit 1.")
  boolean json;

  /** Below this many days left, health says to renew. */
  private static final long RENEW_WARNING_DAYS = 30;

  private record Target(String federation, String host, int port, Path ca, Path cert,
      Path key, Path passphraseFile, boolean insecure, HostPort probe) {}

  @Override
  public Integer call() throws InputException {
    Target t = target();
    boolean probe = t.probe() != null && !tls;
    String host = probe ? t.probe().host() : t.host();
    int port = probe ? t.probe().port() : t.port();
    if (address != null) {
      int colon = address.lastIndexOf(':');
      try {
        port = Integer.parseInt(address.substring(colon + 1));
        host = address.substring(0, colon).replace("[", "").replace("]", "");
      } catch (RuntimeException e) {
        throw new InputException("--address: " + Excerpt.quote(address) + " is not host:port");
      }
    }
    if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::")) {
      host = "127.0.0.1";
    }
    String where = host + ":" + port;
    ManagedChannel channel = probe
        ? NettyChannelBuilder.forAddress(host, port).usePlaintext().build()
        : channel(t, host, port);
    try {
      ServingStatus s = HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance()).getStatus();
      if (s != ServingStatus.SERVING) {
        throw new InputException(role + " at " + where + ": " + s);
      }
      if (json) {
        var doc = JsonOutput.document("health");
        doc.put("role", role);
        doc.put("address", where);
        doc.put("status", s.name());
        doc.put("probe", probe ? "plaintext" : "mtls");
        if (t.cert() != null) {
          X509Certificate c = certificate(t.cert());
          doc.putObject("certificate").put("serial", c.getSerialNumber().toString(16))
              .put("not_after", c.getNotAfter().toInstant().toString());
        }
        JsonOutput.print(spec.commandLine().getOut(), doc);
        return 0;
      }
      spec.commandLine().getOut().println(role + " at " + where + ": SERVING");
      if (t.cert() != null) {
        printCertificate(t.cert());
      }
      return 0;
    } catch (StatusRuntimeException e) {
      throw new InputException(role + " at " + where + ": not healthy: "
          + FederationClient.describe(e));
    } finally {
      channel.shutdownNow();
    }
  }

  /** The server's certificate expiry (read from its file; no passphrase needed). */
  private void printCertificate(Path cert) throws InputException {
    X509Certificate c = certificate(cert);
    java.time.Instant notAfter = c.getNotAfter().toInstant();
    long days = java.time.Duration.between(java.time.Instant.now(), notAfter).toDays();
    spec.commandLine().getOut().println("certificate serial " + c.getSerialNumber().toString(16)
        + " valid until " + notAfter + " (" + days + " days left"
        + (days < RENEW_WARNING_DAYS ? "; renew it: pki request, then pki renew at the CA" : "")
        + ")");
  }

  private X509Certificate certificate(Path cert) throws InputException {
    try {
      return PemFiles.readCertificate(cert);
    } catch (PkiException e) {
      throw new InputException(config + ": tls.cert: " + e.getMessage());
    }
  }

  private Target target() throws InputException {
    try {
      if (role.equals("clearinghouse")) {
        ClearinghouseConfig c = ClearinghouseConfig.load(config);
        return new Target(c.federation(), c.host(), c.port(), c.caCertificate(),
            c.certificate(), c.privateKey(), c.passphraseFile(), c.insecureLoopback(),
            c.healthListen());
      }
      if (role.equals("keyholder")) {
        KeyholderConfig c = KeyholderConfig.load(config, null);
        return new Target(c.federation(), c.host(), c.port(), c.caCertificate(),
            c.certificate(), c.privateKey(), c.passphraseFile(), false, c.healthListen());
      }
    } catch (ConfigException e) {
      throw new InputException(e.getMessage());
    }
    throw new InputException("health: unknown server role " + Excerpt.quote(role)
        + " (clearinghouse or keyholder)");
  }

  private ManagedChannel channel(Target t, String host, int port) throws InputException {
    NettyChannelBuilder b = NettyChannelBuilder.forAddress(host, port);
    if (authority != null) {
      b.overrideAuthority(authority);
    }
    if (t.insecure()) {
      Metadata headers = new Metadata();
      headers.put(Metadata.Key.of(FederationClient.DEV_IDENTITY_HEADER,
          Metadata.ASCII_STRING_MARSHALLER),
          new NodeIdentity(t.federation(), Role.CLEARINGHOUSE, "health").uri().toString());
      return b.usePlaintext().intercept(MetadataUtils.newAttachHeadersInterceptor(headers))
          .build();
    }
    char[] passphrase;
    try {
      passphrase = PassphraseFile.read(t.passphraseFile());
    } catch (IOException e) {
      throw new InputException(config + ": passphrase_file: " + t.passphraseFile()
          + ": cannot read: " + e.getMessage());
    }
    try {
      TlsMaterial tls = TlsMaterial.load(t.ca(), t.cert(), t.key(), passphrase);
      return b.sslContext(MutualTls.clientContext(tls)).build();
    } catch (PkiException e) {
      throw new InputException(config + ": tls: " + e.getMessage());
    } finally {
      Arrays.fill(passphrase, '\0');
    }
  }
}
