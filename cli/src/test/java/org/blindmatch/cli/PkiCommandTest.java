package org.blindmatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.blindmatch.crypto.pki.NodeCertificates;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.PemFiles;
import org.blindmatch.crypto.pki.PkiException;
import org.blindmatch.crypto.pki.Role;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code pki init} once, then {@code pki issue} cases against that CA. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PkiCommandTest {
  private static final String PASSPHRASE = "cli test passphrase";
  private static final String NODE_PASSPHRASE = "the node's own passphrase";

  @TempDir static Path tmp;
  static Path dir;
  static Path passFile;
  static Path nodePassFile;

  record Result(int status, String out, String err, Exception failure) {}

  @BeforeAll
  static void setUp() throws Exception {
    dir = tmp.resolve("pki");
    passFile = tmp.resolve("pass");
    Files.writeString(passFile, PASSPHRASE + "\n");
    nodePassFile = tmp.resolve("node-pass");
    Files.writeString(nodePassFile, NODE_PASSPHRASE + "\n");
    Result r = run("init", "--federation", "demo", "--dir", dir.toString(),
        "--validity-days", "30");
    assertEquals(0, r.status(), r.toString());
  }

  @Test
  @Order(1)
  void initWritesCaCertificateAndEncryptedKey() throws Exception {
    X509Certificate ca = PemFiles.readCertificate(dir.resolve("ca.crt"));
    assertEquals("demo", NodeCertificates.federationOfCa(ca));
    String key = Files.readString(dir.resolve("ca.key"));
    assertTrue(key.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    assertFalse(key.contains("BEGIN PRIVATE KEY"));
    assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dir)));

    Result again = run("init", "--federation", "demo", "--dir", dir.toString());
    assertEquals(1, again.status());
    assertTrue(again.failure() instanceof FileAlreadyExistsException, again.toString());
  }

  @Test
  @Order(2)
  void issueServerDefaultsToLoopbackNames() throws Exception {
    Result r = run("issue", "--dir", dir.toString(), "--role", "clearinghouse", "--name",
        "ch1", "--validity-days", "7");
    assertEquals(0, r.status(), r.toString());
    X509Certificate cert = PemFiles.readCertificate(dir.resolve("ch1.crt"));
    assertTrue(r.out().startsWith("issued blindmatch://demo/clearinghouse/ch1\n"), r.out());
    assertTrue(r.out().contains(NodeCertificates.sha256Fingerprint(cert)), r.out());
    assertEquals(new NodeIdentity("demo", Role.CLEARINGHOUSE, "ch1"),
        NodeCertificates.identityOf(cert));
    assertEquals(List.of(List.of(6, "blindmatch://demo/clearinghouse/ch1"),
            List.of(2, "localhost"), List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1")),
        new ArrayList<>(cert.getSubjectAlternativeNames()));
    NodeCertificates.verifyIssuedBy(cert, PemFiles.readCertificate(dir.resolve("ca.crt")));
    // The node key is encrypted under the node's own passphrase, not the CA's.
    NodeCertificates.verifyKeyMatches(cert,
        PemFiles.readPrivateKey(dir.resolve("ch1.key"), NODE_PASSPHRASE.toCharArray()));
    assertThrows(PkiException.class,
        () -> PemFiles.readPrivateKey(dir.resolve("ch1.key"), PASSPHRASE.toCharArray()));
    assertTrue(NodeCertificates.signingKeysetSha256(cert).isPresent());
  }

  @Test
  @Order(3)
  void issueUsesOnlyGivenNamesAndNoneForClients() throws Exception {
    Result r = run("issue", "--dir", dir.toString(), "--role", "keyholder", "--name", "kh1",
        "--dns", "KH1.example.org", "--validity-days", "7");
    assertEquals(0, r.status(), r.toString());
    assertEquals(List.of(List.of(6, "blindmatch://demo/keyholder/kh1"),
            List.of(2, "kh1.example.org")),
        new ArrayList<>(PemFiles.readCertificate(dir.resolve("kh1.crt"))
            .getSubjectAlternativeNames()));

    r = run("issue", "--dir", dir.toString(), "--role", "platform", "--name", "p1",
        "--validity-days", "7");
    assertEquals(0, r.status(), r.toString());
    assertEquals(List.of(List.of(6, "blindmatch://demo/platform/p1")),
        new ArrayList<>(PemFiles.readCertificate(dir.resolve("p1.crt"))
            .getSubjectAlternativeNames()));
    r = run("issue", "--dir", dir.toString(), "--role", "platform", "--name", "p1",
        "--validity-days", "7");
    assertTrue(r.failure() instanceof FileAlreadyExistsException, r.toString());
  }

  @Test
  @Order(4)
  void usageErrorsAreReportedBeforeAskingForThePassphrase() {
    Result r = run("issue", "--dir", dir.toString(), "--role", "donor", "--name", "x");
    assertEquals(2, r.status(), r.toString());
    assertTrue(r.err().contains("unknown role \"donor\" (valid: platform, ngo, clearinghouse, "
        + "keyholder, auditor)"), r.err());
    r = run("issue", "--dir", dir.toString(), "--role", "ngo", "--name", "../x");
    assertEquals(2, r.status(), r.toString());
    assertTrue(r.err().contains("name \"../x\" is invalid"), r.err());
    r = run("issue", "--dir", dir.toString(), "--role", "ngo", "--name", "ca");
    assertEquals(2, r.status(), r.toString());
    assertTrue(r.err().contains("reserved"), r.err());
    r = run("issue", "--dir", dir.toString(), "--role", "ngo", "--name", "n1",
        "--validity-days", "0");
    assertEquals(2, r.status(), r.toString());
    r = run("init", "--federation", "Demo", "--dir", tmp.resolve("x").toString());
    assertEquals(2, r.status(), r.toString());
    assertFalse(Files.exists(tmp.resolve("x")));
  }

  @Test
  @Order(5)
  void checkedErrorsNameTheFile() throws Exception {
    Path wrongPass = tmp.resolve("wrong-pass");
    Files.writeString(wrongPass, "not the passphrase\n");
    Result r = runWithPassFile(wrongPass, "issue", "--dir", dir.toString(), "--role", "ngo",
        "--name", "n1");
    assertTrue(r.failure() instanceof PkiException, r.toString());
    assertEquals(dir.resolve("ca.key") + ": cannot decrypt the private key: wrong passphrase, "
        + "or the file was altered", r.failure().getMessage());
    assertFalse(Files.exists(dir.resolve("n1.crt")));
    assertFalse(Files.exists(dir.resolve("n1.key")));

    r = run("issue", "--dir", tmp.resolve("nowhere").toString(), "--role", "ngo", "--name",
        "n1");
    assertEquals(tmp.resolve("nowhere").resolve("ca.crt") + ": no such file",
        r.failure().getMessage());

    r = run("issue", "--dir", dir.toString(), "--role", "ngo", "--name", "n2",
        "--validity-days", "365");
    assertTrue(r.failure() instanceof PkiException, r.toString());
    assertTrue(r.failure().getMessage().contains("outlive the CA"), r.failure().getMessage());

    r = run("issue", "--dir", dir.toString(), "--role", "keyholder", "--name", "k2",
        "--ip", "localhost", "--validity-days", "7");
    assertTrue(r.failure() instanceof PkiException, r.toString());
    assertTrue(r.failure().getMessage().startsWith("invalid IP address \"localhost\""),
        r.failure().getMessage());
  }

  @Test
  @Order(6)
  void issueRefusesTheCaPassphraseForTheNode() {
    Result r = run("issue", "--dir", dir.toString(), "--role", "ngo", "--name", "n3",
        "--node-passphrase-file", passFile.toString());
    assertTrue(r.failure() instanceof org.blindmatch.crypto.keys.KeysetException, r.toString());
    assertTrue(r.failure().getMessage().contains("must not be the CA's"), r.toString());
    assertFalse(Files.exists(dir.resolve("n3.key")));
  }

  static Result run(String... args) {
    return runWithPassFile(passFile, args);
  }

  /** Runs {@code pki ARGS --passphrase-file F} the way BlindmatchCli reports errors. */
  static Result runWithPassFile(Path pass, String... args) {
    List<String> list = new ArrayList<>(List.of(args));
    list.add("--passphrase-file");
    list.add(pass.toString());
    if (args[0].equals("issue") && !list.contains("--node-passphrase-file")) {
      list.add("--node-passphrase-file");
      list.add(nodePassFile.toString());
    }
    return runPlain(list.toArray(String[]::new));
  }

  /** Runs {@code pki ARGS} exactly as given. */
  static Result runPlain(String... all) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    AtomicReference<Exception> failure = new AtomicReference<>();
    CommandLine cli = new CommandLine(PkiCommand.class);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      failure.set(e);
      commandLine.getErr().println("blindmatch: " + e.getMessage());
      return 1;
    });
    int status = cli.execute(all);
    return new Result(status, out.toString(), err.toString(), failure.get());
  }
}
