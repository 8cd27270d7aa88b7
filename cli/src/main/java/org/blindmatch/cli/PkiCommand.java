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
import com.google.crypto.tink.KeysetHandle;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import org.blindmatch.crypto.keys.KeysetException;
import org.blindmatch.crypto.keys.PassphraseFile;
import org.blindmatch.crypto.pki.CaIndex;
import org.blindmatch.crypto.pki.NodeRequest;
import org.blindmatch.crypto.pki.RevocationReason;
import org.blindmatch.crypto.pki.Revocations;
import picocli.CommandLine.Parameters;
import org.blindmatch.crypto.keys.EncryptedKeysetFile;
import org.blindmatch.crypto.keys.PassphraseKdf;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.crypto.pki.FederationCa;
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

/**
 * {@code blindmatch pki}: the federation CA and node certificates for mutual TLS. A node makes
 * its own keys and a request ({@code request}); the CA operator signs it ({@code sign},
 * {@code renew}), revokes ({@code revoke}) and lists ({@code list}) certificates. {@code issue}
 * does request and sign in one process, for development only.
 */
@Command(
    name = "pki",
    description = "The federation CA and node certificates for mutual TLS. A node makes its "
        + "own keys and a certificate request (request); the CA operator signs it (sign, "
        + "renew), revokes (revoke) and lists (list) certificates. Private keys are written "
        + "encrypted (PKCS#8, PBKDF2-HMAC-SHA256, AES-256-CBC).",
    mixinStandardHelpOptions = true,
    subcommands = {PkiCommand.Init.class, PkiCommand.Request.class, PkiCommand.Sign.class,
        PkiCommand.Renew.class, PkiCommand.Revoke.class, PkiCommand.Crl.class, PkiCommand.ListCommand.class,
        PkiCommand.Issue.class})
final class PkiCommand {
  static final String CA_CERT = CaDirectory.CA_CERT;
  static final String CA_KEY = CaDirectory.CA_KEY;
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

  /** The node identity from --role/--name, as a usage error when invalid. */
  static NodeIdentity identity(CommandSpec spec, String federation, String role, String name) {
    try {
      NodeIdentity id = new NodeIdentity(federation, Role.parse(role), name);
      if (name.equals("ca")) {
        throw new IllegalArgumentException("--name: \"ca\" is reserved for the CA's own files");
      }
      return id;
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  static boolean isServer(Role role) {
    return role == Role.CLEARINGHOUSE || role == Role.KEYHOLDER;
  }

  /**
   * The node's side of a request: a fresh TLS key (written encrypted) and, unless an existing
   * signing keyset is given, a fresh signing keyset (written encrypted), both under the node's
   * passphrase, and the request itself. Nothing is written unless all of it can be.
   */
  static NodeRequest makeNodeFiles(NodeIdentity identity, List<String> dns, List<String> ip,
      Path keyFile, Path signingFile, Path existingSigning, Path requestFile, char[] nodePass,
      boolean force) throws IOException, KeysetException, PkiException {
    try {
      KeysetHandle signing = existingSigning != null
          ? EncryptedKeysetFile.read(existingSigning, NodeSigner.PURPOSE, nodePass)
          : NodeSigner.generate();
      byte[] signingSha256 = NodeSigner.fingerprint(NodeSigner.of(signing).publicKeysetJson());
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair keys = g.generateKeyPair();
      NodeRequest request = NodeRequest.create(identity, dns, ip, keys, signingSha256);
      PemFiles.writePrivateKey(keyFile, keys.getPrivate(), nodePass, force);
      if (existingSigning == null) {
        EncryptedKeysetFile.write(signingFile, signing, NodeSigner.PURPOSE, nodePass,
            PassphraseKdf.withRandomSalt(), force);
      }
      if (requestFile != null) {
        request.write(requestFile, force);
      }
      return request;
    } catch (GeneralSecurityException e) {
      throw new PkiException("cannot create the node keys: " + e.getMessage(), e);
    }
  }

  /** Prints what a request asks for, so the CA operator sees it before signing. */
  static void printRequest(PrintWriter out, String source, NodeRequest request) {
    out.println("request " + source);
    out.println("  identity    " + request.identity());
    out.println("  role        " + request.identity().role().id());
    out.println("  name        " + request.identity().name());
    List<String> names = new ArrayList<>(request.dnsNames());
    names.addAll(request.ipAddresses());
    out.println("  names       " + (names.isEmpty() ? "(none)" : String.join(", ", names)));
    out.println("  tls key     sha256 " + request.publicKeySha256());
    out.println("  signing key sha256 "
        + HexFormat.of().formatHex(request.signingKeysetSha256()));
  }

  /** Checks the request against the index, signs it and records it; under the CA lock. */
  static X509Certificate signRequest(CaDirectory ca, NodeRequest request, char[] caPass,
      Duration validity, boolean renew, Path certFile, boolean force)
      throws IOException, PkiException {
    if (!request.identity().federation().equals(ca.federation())) {
      throw new PkiException(request.identity() + ": refusing to sign: this CA is for "
          + "federation " + ca.federation());
    }
    CaIndex index = ca.index();
    index.checkRequest(request, renew, Instant.now());
    requireAbsent(force, certFile);
    X509Certificate cert = ca.loadCa(caPass).certify(request, validity);
    PemFiles.writeCertificate(certFile, cert, force);
    ca.writeIndex(index.withIssued(cert, request));
    return cert;
  }

  @Command(name = "request", mixinStandardHelpOptions = true,
      description = {"On the node: make its own TLS key (DIR/NAME.key) and signing keyset "
          + "(DIR/NAME.signing.json), both encrypted under the node's passphrase, and a "
          + "PKCS#10 certificate request DIR/NAME.csr for the CA operator. The keys never "
          + "leave the node.",
          "DIR must hold the federation's ca.crt (it names the federation). Servers "
              + "(clearinghouse, keyholder) must give the --dns names and --ip addresses "
              + "clients dial."})
  static final class Request implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--dir", required = true, paramLabel = "DIR",
        description = "The node's directory: holds ca.crt; NAME.key, NAME.signing.json and "
            + "NAME.csr are written here.")
    Path dir;
    @Option(names = "--role", required = true, paramLabel = "ROLE",
        description = "platform, ngo, clearinghouse, keyholder or auditor.")
    String role;
    @Option(names = "--name", required = true, paramLabel = "NAME",
        description = "Node name, unique in the federation: 1-63 of a-z 0-9 _ . - starting "
            + "with a letter or digit. Also the file name.")
    String name;
    @Option(names = "--dns", paramLabel = "HOST",
        description = "Host name clients dial this server under (repeatable).")
    List<String> dns = new ArrayList<>();
    @Option(names = "--ip", paramLabel = "ADDRESS",
        description = "Literal IP address clients dial this server under (repeatable).")
    List<String> ip = new ArrayList<>();
    @Option(names = "--signing-keyset", paramLabel = "FILE",
        description = "Keep this existing encrypted signing keyset instead of making one "
            + "(for pki renew: the federation knows the node by it).")
    Path signingKeyset;
    @Option(names = "--force", description = "Replace existing NAME.key, NAME.signing.json "
        + "and NAME.csr.")
    boolean force;
    @Mixin PassphraseOptions passphrase;

    @Override
    public Integer call() throws IOException, KeysetException, PkiException {
      X509Certificate caCert = PemFiles.readCertificate(dir.resolve(CA_CERT));
      String federation = NodeCertificates.federationOfCa(caCert);
      NodeIdentity identity = identity(spec, federation, role, name);
      if (isServer(identity.role()) && dns.isEmpty() && ip.isEmpty()) {
        throw new ParameterException(spec.commandLine(), "a " + identity.role().id()
            + " serves: give the --dns names (or --ip addresses) its clients dial");
      }
      if (!isServer(identity.role()) && (!dns.isEmpty() || !ip.isEmpty())) {
        throw new ParameterException(spec.commandLine(), "--dns/--ip: a " + identity.role().id()
            + " is not a server");
      }
      Path keyFile = dir.resolve(name + ".key");
      Path signingFile = dir.resolve(name + ".signing.json");
      Path requestFile = dir.resolve(name + ".csr");
      requireAbsent(force, keyFile, requestFile);
      if (signingKeyset == null) {
        requireAbsent(force, signingFile);
      }
      char[] p = passphrase.read(signingKeyset == null);
      NodeRequest request;
      try {
        request = makeNodeFiles(identity, dns, ip, keyFile, signingFile, signingKeyset,
            requestFile, p, force);
      } finally {
        Arrays.fill(p, '\0');
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println("requested " + identity);
      out.println("  request     " + requestFile + " (send it to the CA operator)");
      out.println("  private key " + keyFile + " (encrypted; stays here)");
      out.println("  signing key " + (signingKeyset != null ? signingKeyset : signingFile)
          + " (encrypted; stays here)");
      out.println("  tls key     sha256 " + request.publicKeySha256());
      out.println("  signing key sha256 "
          + HexFormat.of().formatHex(request.signingKeysetSha256()));
      out.println("Check with the CA operator that these fingerprints are the ones they sign.");
      return 0;
    }
  }

  /** Options shared by sign and renew. */
  abstract static class SignBase implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(index = "0", paramLabel = "REQUEST", description = "The node's NAME.csr.")
    Path requestFile;
    @Option(names = "--dir", required = true, paramLabel = "DIR",
        description = "The CA directory (ca.crt, ca.key, index.tsv).")
    Path dir;
    @Option(names = "--role", required = true, paramLabel = "ROLE",
        description = "The role you expect the request to ask for; a request for another "
            + "is refused.")
    String role;
    @Option(names = "--name", required = true, paramLabel = "NAME",
        description = "The name you expect the request to ask for; a request for another "
            + "is refused.")
    String name;
    @Option(names = "--out", paramLabel = "FILE",
        description = "Where to write the certificate (default: DIR/NAME.crt).")
    Path out;
    @Option(names = "--validity-days", defaultValue = "365", paramLabel = "N",
        description = "Certificate lifetime in days (default: ${DEFAULT-VALUE}); must end "
            + "before the CA certificate does.")
    int validityDays;
    @Option(names = "--force", description = "Replace an existing certificate file.")
    boolean force;
    @Mixin PassphraseOptions passphrase;

    abstract boolean renew();

    @Override
    public Integer call() throws IOException, KeysetException, PkiException {
      Duration validity = validity(spec, validityDays);
      PrintWriter pw = spec.commandLine().getOut();
      try (CaDirectory ca = CaDirectory.open(dir, true)) {
        NodeIdentity expected = identity(spec, ca.federation(), role, name);
        NodeRequest request = NodeRequest.read(requestFile);
        printRequest(pw, requestFile.toString(), request);
        if (!request.identity().equals(expected)) {
          throw new PkiException(requestFile + ": asks for " + request.identity()
              + ", not the expected " + expected + "; refusing to sign");
        }
        Path certFile = out != null ? out : dir.resolve(name + ".crt");
        char[] p = passphrase.read(false);
        X509Certificate cert;
        try {
          cert = signRequest(ca, request, p, validity, renew(), certFile, force);
        } finally {
          Arrays.fill(p, '\0');
        }
        pw.println((renew() ? "renewed " : "signed ") + request.identity() + " (serial "
            + cert.getSerialNumber().toString(16) + ")");
        pw.println("  certificate " + certFile + " (valid until "
            + cert.getNotAfter().toInstant() + "; give it and ca.crt to the node)");
        pw.println("  sha256      " + NodeCertificates.sha256Fingerprint(cert));
      }
      return 0;
    }
  }

  @Command(name = "sign", mixinStandardHelpOptions = true,
      description = {"At the CA: show a node's certificate request and sign it, after "
          + "checking that it asks for the expected --role and --name, that its proof of "
          + "possession verifies, that its key is EC P-256 and never certified before, and "
          + "that no valid certificate holds the name. Records it in DIR/index.tsv."})
  static final class Sign extends SignBase {
    @Override
    boolean renew() {
      return false;
    }
  }

  @Command(name = "renew", mixinStandardHelpOptions = true,
      description = {"At the CA: sign a new certificate for a node that already has one "
          + "(same role and name; a fresh TLS key; the same signing keyset, see pki request "
          + "--signing-keyset). The old certificate stays valid until it expires unless "
          + "revoked."})
  static final class Renew extends SignBase {
    @Override
    boolean renew() {
      return true;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = {"At the CA: revoke the certificate with serial SERIAL (hex), or every "
          + "valid certificate of node NAME, and write the signed revocation list DIR/ca.crl "
          + "(copy it to the servers' and clients' revocations: file; the clearinghouse "
          + "logs it for auditors)."})
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(index = "0", paramLabel = "NAME|SERIAL",
        description = "A node name or a certificate serial number in hex.")
    String target;
    @Option(names = "--dir", required = true, paramLabel = "DIR",
        description = "The CA directory.")
    Path dir;
    @Option(names = "--reason", required = true, paramLabel = "REASON",
        description = "key-compromise, affiliation-changed, superseded, "
            + "cessation-of-operation or unspecified.")
    String reason;
    @Mixin PassphraseOptions passphrase;

    @Override
    public Integer call() throws IOException, KeysetException, PkiException {
      RevocationReason why;
      try {
        why = RevocationReason.parse(reason);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--reason: " + e.getMessage());
      }
      PrintWriter out = spec.commandLine().getOut();
      try (CaDirectory ca = CaDirectory.open(dir, true)) {
        CaIndex before = ca.index();
        CaIndex after = before.revoke(target, why, Instant.now().truncatedTo(ChronoUnit.SECONDS));
        ca.crl(); // an existing list that this CA did not sign is never replaced
        char[] p = passphrase.read(false);
        Revocations crl;
        try {
          crl = ca.writeCrl(ca.loadCa(p), after);
        } finally {
          Arrays.fill(p, '\0');
        }
        ca.writeIndex(after);
        for (CaIndex.Entry e : after.entries()) {
          if (e.revocation() != null && !before.revoked().contains(e.revocation())) {
            out.println("revoked " + e.identity() + ": " + e.revocation().describe());
          }
        }
        out.println("  revocation list " + ca.resolve(CaDirectory.CRL) + " (number "
            + crl.number() + ", " + crl.all().size() + " revoked); copy it to every server "
            + "and node's revocations: file");
      }
      return 0;
    }
  }

  @Command(name = "crl", mixinStandardHelpOptions = true,
      description = {"At the CA: sign the revocation list DIR/ca.crl anew (the same "
          + "revocations, a new CRL number): the first, empty list for servers to load "
          + "before anything is revoked, or a fresh one for an expired nextUpdate."})
  static final class Crl implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--dir", required = true, paramLabel = "DIR",
        description = "The CA directory.")
    Path dir;
    @Mixin PassphraseOptions passphrase;

    @Override
    public Integer call() throws IOException, KeysetException, PkiException {
      try (CaDirectory ca = CaDirectory.open(dir, true)) {
        CaIndex index = ca.index();
        ca.crl(); // an existing list that this CA did not sign is never replaced
        char[] p = passphrase.read(false);
        Revocations crl;
        try {
          crl = ca.writeCrl(ca.loadCa(p), index);
        } finally {
          Arrays.fill(p, '\0');
        }
        spec.commandLine().getOut().println("revocation list " + ca.resolve(CaDirectory.CRL)
            + " (number " + crl.number() + ", " + crl.all().size() + " revoked)");
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = {"At the CA: every certificate it issued: name, role, serial, not-after, "
          + "status (valid, expired, revoked) and days until expiry. Needs no passphrase."})
  static final class ListCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--dir", required = true, paramLabel = "DIR",
        description = "The CA directory.")
    Path dir;

    @Override
    public Integer call() throws IOException, PkiException {
      PrintWriter out = spec.commandLine().getOut();
      CaIndex index;
      try (CaDirectory ca = CaDirectory.open(dir, false)) {
        index = ca.index();
        out.println("federation " + ca.federation() + ", CA valid until "
            + ca.caCertificate().getNotAfter().toInstant());
      }
      Instant now = Instant.now();
      out.printf("%-24s %-13s %-32s %-20s %-8s %s%n", "NAME", "ROLE", "SERIAL", "NOT-AFTER",
          "STATUS", "DETAIL");
      for (CaIndex.Entry e : index.entries()) {
        String status = e.status(now);
        String detail = switch (status) {
          case "revoked" -> e.revocation().at() + " " + e.revocation().reason().id();
          case "valid" -> Duration.between(now, e.notAfter()).toDays() + " days left";
          default -> "";
        };
        out.printf("%-24s %-13s %-32s %-20s %-8s %s%n", e.identity().name(),
            e.identity().role().id(), e.serial().toString(16), e.notAfter(), status, detail);
      }
      return 0;
    }
  }

  @Command(name = "issue", mixinStandardHelpOptions = true,
      description = {"DEVELOPMENT SHORTCUT: request and sign in one process, on the CA's "
          + "machine (so the CA operator sees the node's key). For real nodes use pki request "
          + "on the node and pki sign at the CA.",
          "Writes DIR/NAME.crt, DIR/NAME.key and DIR/NAME.signing.json; the node's keys are "
              + "encrypted under the node's own passphrase (--node-passphrase-file), never "
              + "the CA's. For servers given neither --dns nor --ip, the certificate names "
              + "localhost, 127.0.0.1 and ::1."})
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
    @Option(names = "--node-passphrase-file", required = true, paramLabel = "FILE",
        description = "First line: the node's own passphrase for NAME.key and "
            + "NAME.signing.json (must differ from the CA's).")
    Path nodePassphraseFile;
    @Option(names = "--force", description = "Replace existing NAME.crt and NAME.key.")
    boolean force;
    @Mixin PassphraseOptions passphrase;

    @Override
    public Integer call() throws IOException, KeysetException, PkiException {
      Duration validity = validity(spec, validityDays);
      PrintWriter out = spec.commandLine().getOut();
      try (CaDirectory ca = CaDirectory.open(dir, true)) {
        NodeIdentity identity = identity(spec, ca.federation(), role, name);
        Path certFile = dir.resolve(name + ".crt");
        Path keyFile = dir.resolve(name + ".key");
        Path signingFile = dir.resolve(name + ".signing.json");
        requireAbsent(force, certFile, keyFile, signingFile);
        List<String> dnsNames = dns;
        List<String> ipAddresses = ip;
        if (isServer(identity.role()) && dns.isEmpty() && ip.isEmpty()) {
          dnsNames = List.of("localhost");
          ipAddresses = List.of("127.0.0.1", "::1");
        }
        char[] nodePass;
        try {
          nodePass = PassphraseFile.read(nodePassphraseFile);
        } catch (IOException e) {
          throw new KeysetException(nodePassphraseFile + ": cannot read passphrase file: "
              + e.getMessage());
        }
        char[] caPass = passphrase.read(false);
        X509Certificate cert;
        try {
          if (Arrays.equals(nodePass, caPass)) {
            throw new KeysetException(nodePassphraseFile + ": the node's passphrase must not "
                + "be the CA's (whoever runs the node would hold the CA passphrase)");
          }
          ca.loadCa(caPass); // a wrong CA passphrase fails before any node file is written
          ca.index().checkRequest(NodeRequest.create(identity, dnsNames, ipAddresses,
              throwawayKeys(), new byte[32]), false, Instant.now());
          NodeRequest request = makeNodeFiles(identity, dnsNames, ipAddresses, keyFile,
              signingFile, null, null, nodePass, force);
          cert = signRequest(ca, request, caPass, validity, false, certFile, force);
        } finally {
          Arrays.fill(nodePass, '\0');
          Arrays.fill(caPass, '\0');
        }
        out.println("issued " + identity);
        printCertificate(out, certFile, keyFile, cert);
        out.println("  signing key " + signingFile + " (encrypted Tink ECDSA P-256 keyset for "
            + "commitments)");
        if (!dnsNames.isEmpty() || !ipAddresses.isEmpty()) {
          out.println("  names       " + String.join(", ", dnsNames).toLowerCase(Locale.ROOT)
              + (dnsNames.isEmpty() || ipAddresses.isEmpty() ? "" : ", ")
              + String.join(", ", ipAddresses));
        }
      }
      return 0;
    }

    /** Keys for a policy pre-check only (name, role, SANs), never written or signed. */
    private static KeyPair throwawayKeys() throws PkiException {
      try {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
      } catch (GeneralSecurityException e) {
        throw new PkiException("EC P-256 unavailable: " + e.getMessage(), e);
      }
    }
  }
}
