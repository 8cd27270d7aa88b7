package org.blindmatch.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.blindmatch.crypto.keys.KeysetException;
import org.blindmatch.crypto.keys.EncryptedKeysetFile;
import org.blindmatch.crypto.keys.PassphraseKdf;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.crypto.pki.FederationCa;
import org.blindmatch.crypto.pki.IssuedNode;
import org.blindmatch.crypto.pki.NodeCertificates;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.PemFiles;
import org.blindmatch.crypto.pki.PkiException;
import org.blindmatch.crypto.pki.Role;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code blindmatch pki init|issue}: the federation CA and node certificates for mutual TLS. */
@Command(
    name = "pki",
    description = "Create the federation CA and issue node certificates for mutual TLS. "
        + "Private keys are written encrypted (PKCS#8, PBKDF2-HMAC-SHA256, AES-256-CBC).",
    mixinStandardHelpOptions = true,
    subcommands = {PkiCommand.Init.class, PkiCommand.Issue.class})
final class PkiCommand {
  static final String CA_CERT = "ca.crt";
  static final String CA_KEY = "ca.key";
  private static final int MAX_VALIDITY_DAYS = 36_500;

  private PkiCommand() {}

  static Duration validity(CommandSpec spec, int days) {
    if (days < 1 || days > MAX_VALIDITY_DAYS) {
      throw new ParameterException(spec.commandLine(),
          "--validity-days: " + days + " is not in 1.." + MAX_VALIDITY_DAYS);
    }
    return Duration.ofDays(days);
  }

  static void printCertificate(PrintWriter out, Path certFile, Path keyFile,
      X509Certificate cert) {
    out.println("  certificate " + certFile + " (valid until "
        + cert.getNotAfter().toInstant() + ")");
    out.println("  private key " + keyFile + " (encrypted)");
    out.println("  sha256      " + NodeCertificates.sha256Fingerprint(cert));
  }

  static void requireAbsent(boolean force, Path... files) throws FileAlreadyExistsException {
    if (!force) {
      for (Path f : files) {
        if (Files.exists(f)) {
          throw new FileAlreadyExistsException(f.toString(), null,
              "already exists (pass --force to replace it)");
        }
      }
    }
  }

  @Command(name = "init", mixinStandardHelpOptions = true,
      description = {"Create a federation CA: DIR/ca.crt (distribute to every node) and "
          + "DIR/ca.key (encrypted; keep it offline: it can certify any role)."})
  static final class Init implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--federation", required = true, paramLabel = "NAME",
        description = "Federation name: 1-63 of a-z 0-9 _ . - starting with a letter or digit.")
    String federation;
    @Option(names = "--dir", required = true, paramLabel = "DIR",
        description = "Directory for ca.crt and ca.key (created if missing, mode 0700).")
    Path dir;
    @Option(names = "--validity-days", defaultValue = "3650", paramLabel = "N",
        description = "CA certificate lifetime in days (default: ${DEFAULT-VALUE}).")
    int validityDays;
    @Option(names = "--force", description = "Replace an existing CA in DIR.")
    boolean force;
    @Mixin PassphraseOptions passphrase;

    @Override
    public Integer call() throws IOException, KeysetException, PkiException {
      Duration validity = validity(spec, validityDays);
      Path certFile = dir.resolve(CA_CERT);
      Path keyFile = dir.resolve(CA_KEY);
      requireAbsent(force, certFile, keyFile);
      FederationCa ca;
      try {
        ca = FederationCa.create(federation, validity);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--federation: " + e.getMessage());
      }
      createPrivateDirectory(dir);
      char[] p = passphrase.read(true);
      try {
        ca.write(certFile, keyFile, p, force);
      } finally {
        Arrays.fill(p, '\0');
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println("created the CA of federation " + ca.federation());
      printCertificate(out, certFile, keyFile, ca.certificate());
      out.println("Give " + certFile + " to every node. Keep " + keyFile
          + " and its passphrase offline: whoever holds both can certify any role.");
      return 0;
    }

    private static void createPrivateDirectory(Path dir) throws IOException {
      if (Files.isDirectory(dir)) {
        return;
      }
      try {
        Files.createDirectories(dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (UnsupportedOperationException e) {
        Files.createDirectories(dir);
      }
    }
  }

  @Command(name = "issue", mixinStandardHelpOptions = true,
      description = {"Issue a node certificate signed by the CA in DIR: DIR/NAME.crt, "
          + "DIR/NAME.key and the node signing keyset DIR/NAME.signing.json (both encrypted "
          + "under the same passphrase as the CA key).",
          "For servers (clearinghouse, keyholder) given neither --dns nor --ip, the "
              + "certificate names localhost, 127.0.0.1 and ::1."})
  static final class Issue implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--dir", required = true, paramLabel = "DIR",
        description = "Directory holding ca.crt and ca.key; the node files go here too.")
    Path dir;
    @Option(names = "--role", required = true, paramLabel = "ROLE",
        description = "platform, ngo, clearinghouse, keyholder or auditor.")
    String role;
    @Option(names = "--name", required = true, paramLabel = "NAME",
        description = "Node name, unique in the federation: 1-63 of a-z 0-9 _ . - starting "
            + "with a letter or digit. Also the file name.")
    String name;
    @Option(names = "--dns", paramLabel = "HOST",
        description = "Host name the node serves under (repeatable).")
    List<String> dns = new ArrayList<>();
    @Option(names = "--ip", paramLabel = "ADDRESS",
        description = "Literal IP address the node serves under (repeatable).")
    List<String> ip = new ArrayList<>();
    @Option(names = "--validity-days", defaultValue = "365", paramLabel = "N",
        description = "Certificate lifetime in days (default: ${DEFAULT-VALUE}); must end "
            + "before the CA certificate does.")
    int validityDays;
    @Option(names = "--force", description = "Replace existing NAME.crt and NAME.key.")
    boolean force;
    @Mixin PassphraseOptions passphrase;

    @Override
    public Integer call() throws IOException, KeysetException, PkiException {
      Duration validity = validity(spec, validityDays);
      Path caCert = dir.resolve(CA_CERT);
      // Everything checkable without the passphrase is checked first.
      String federation;
      try {
        federation = NodeCertificates.federationOfCa(PemFiles.readCertificate(caCert));
      } catch (PkiException e) {
        throw e.getMessage().startsWith(caCert.toString()) ? e
            : new PkiException(caCert + ": " + e.getMessage(), e);
      }
      NodeIdentity identity;
      try {
        identity = new NodeIdentity(federation, Role.parse(role), name);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      if (name.equals("ca")) {
        throw new ParameterException(spec.commandLine(),
            "--name: \"ca\" is reserved for the CA's own files");
      }
      Path certFile = dir.resolve(name + ".crt");
      Path keyFile = dir.resolve(name + ".key");
      Path signingFile = dir.resolve(name + ".signing.json");
      requireAbsent(force, certFile, keyFile, signingFile);
      List<String> dnsNames = dns;
      List<String> ipAddresses = ip;
      boolean server = identity.role() == Role.CLEARINGHOUSE || identity.role() == Role.KEYHOLDER;
      if (server && dns.isEmpty() && ip.isEmpty()) {
        dnsNames = List.of("localhost");
        ipAddresses = List.of("127.0.0.1", "::1");
      }
      char[] p = passphrase.read(false);
      IssuedNode node;
      try {
        FederationCa ca = FederationCa.load(caCert, dir.resolve(CA_KEY), p);
        node = ca.issue(identity, dnsNames, ipAddresses, validity);
        PemFiles.writePrivateKey(keyFile, node.privateKey(), p, force);
        PemFiles.writeCertificate(certFile, node.certificate(), force);
        EncryptedKeysetFile.write(signingFile, NodeSigner.generate(), NodeSigner.PURPOSE, p,
            PassphraseKdf.withRandomSalt(), force);
      } catch (java.security.GeneralSecurityException e) {
        throw new PkiException("cannot create the node signing key: " + e.getMessage(), e);
      } finally {
        Arrays.fill(p, '\0');
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println("issued " + identity);
      printCertificate(out, certFile, keyFile, node.certificate());
      out.println("  signing key " + signingFile + " (encrypted Tink ECDSA P-256 keyset for "
          + "commitments)");
      if (!dnsNames.isEmpty() || !ipAddresses.isEmpty()) {
        out.println("  names       " + String.join(", ", dnsNames).toLowerCase(Locale.ROOT)
            + (dnsNames.isEmpty() || ipAddresses.isEmpty() ? "" : ", ")
            + String.join(", ", ipAddresses));
      }
      return 0;
    }
  }
}
