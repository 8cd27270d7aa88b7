package org.blindmatch.crypto.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.List;
import org.blindmatch.crypto.keys.KdfProfile;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemFilesTest {
  private static final char[] PASSPHRASE = "correct horse battery".toCharArray();

  @TempDir static Path dir;
  static FederationCa ca;
  static IssuedNode node;
  static Path keyFile;

  @BeforeAll
  static void setUp() throws Exception {
    ca = FederationCa.create("demo", Duration.ofDays(2));
    node = ca.issue(new NodeIdentity("demo", Role.PLATFORM, "p1"), List.of(), List.of(),
        Duration.ofDays(1));
    keyFile = dir.resolve("p1.key");
    PemFiles.writePrivateKey(keyFile, node.privateKey(), PASSPHRASE, false);
  }

  @Test
  void certificateRoundTrip() throws Exception {
    Path f = dir.resolve("p1.crt");
    PemFiles.writeCertificate(f, node.certificate(), false);
    assertTrue(Files.readString(f).startsWith("-----BEGIN CERTIFICATE-----"));
    assertEquals(node.certificate(), PemFiles.readCertificate(f));
    assertThrows(FileAlreadyExistsException.class,
        () -> PemFiles.writeCertificate(f, node.certificate(), false));
    PemFiles.writeCertificate(f, ca.certificate(), true);
    assertEquals(ca.certificate(), PemFiles.readCertificate(f));
  }

  @Test
  void encryptedKeyRoundTrip() throws Exception {
    PrivateKey read = PemFiles.readPrivateKey(keyFile, PASSPHRASE);
    assertArrayEquals(node.privateKey().getEncoded(), read.getEncoded());
    NodeCertificates.verifyKeyMatches(node.certificate(), read);
  }

  @Test
  void keyFileIsEncryptedPkcs8WithStrongParameters() throws Exception {
    String text = Files.readString(keyFile, StandardCharsets.US_ASCII);
    assertTrue(text.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"), text);
    assertFalse(text.contains("BEGIN PRIVATE KEY"));
    assertFalse(text.contains("BEGIN EC PRIVATE KEY"));
    PKCS8EncryptedPrivateKeyInfo info;
    try (PemReader r = new PemReader(new StringReader(text))) {
      info = new PKCS8EncryptedPrivateKeyInfo(r.readPemObject().getContent());
    }
    assertEquals(PKCSObjectIdentifiers.id_PBES2, info.getEncryptionAlgorithm().getAlgorithm());
    PBES2Parameters pbes2 = PBES2Parameters.getInstance(
        info.getEncryptionAlgorithm().getParameters());
    assertEquals(PKCSObjectIdentifiers.id_PBKDF2, pbes2.getKeyDerivationFunc().getAlgorithm());
    PBKDF2Params kdf = PBKDF2Params.getInstance(pbes2.getKeyDerivationFunc().getParameters());
    assertEquals(PKCSObjectIdentifiers.id_hmacWithSHA256, kdf.getPrf().getAlgorithm());
    assertEquals(PemFiles.PBKDF2_ITERATIONS, kdf.getIterationCount().intValueExact());
    assertTrue(kdf.getSalt().length >= 16);
    assertEquals(NISTObjectIdentifiers.id_aes256_CBC,
        pbes2.getEncryptionScheme().getAlgorithm());
  }

  @Test
  void aTestProfileKeyIsRecordedAnnouncedAndRefusedWithoutTheSwitch() throws Exception {
    Path weak = dir.resolve("weak.key");
    String err = withTestSwitch(
        () -> PemFiles.writePrivateKey(weak, node.privateKey(), PASSPHRASE, false));
    assertTrue(err.contains("WARNING: " + weak) && err.contains("TEST-ONLY KDF"), err);
    PKCS8EncryptedPrivateKeyInfo info;
    try (PemReader r = new PemReader(new StringReader(Files.readString(weak)))) {
      info = new PKCS8EncryptedPrivateKeyInfo(r.readPemObject().getContent());
    }
    PBES2Parameters pbes2 = PBES2Parameters.getInstance(
        info.getEncryptionAlgorithm().getParameters());
    assertEquals(PemFiles.TEST_PBKDF2_ITERATIONS, PBKDF2Params.getInstance(
        pbes2.getKeyDerivationFunc().getParameters()).getIterationCount().intValueExact(),
        "the parameters are in the file; decryption follows them");

    PkiException e = assertThrows(PkiException.class,
        () -> PemFiles.readPrivateKey(weak, PASSPHRASE));
    assertTrue(e.getMessage().startsWith(weak + ": protected with test-only KDF parameters "
        + "(PBKDF2, 1000 iterations"), e.getMessage());
    withTestSwitch(() -> assertArrayEquals(node.privateKey().getEncoded(),
        PemFiles.readPrivateKey(weak, PASSPHRASE).getEncoded()));
  }

  interface Action {
    void run() throws Exception;
  }

  /** Runs with KdfProfile's test switch on; returns what it printed on standard error. */
  private static String withTestSwitch(Action a) throws Exception {
    String before = System.getProperty(KdfProfile.TEST_SWITCH);
    System.setProperty(KdfProfile.TEST_SWITCH, "true");
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      a.run();
    } finally {
      System.setErr(old);
      if (before == null) {
        System.clearProperty(KdfProfile.TEST_SWITCH);
      } else {
        System.setProperty(KdfProfile.TEST_SWITCH, before);
      }
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void filesAreOwnerOnly() throws Exception {
    assertEquals("rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
  }

  @Test
  void wrongPassphraseIsRejectedNamingTheFile() {
    PkiException e = assertThrows(PkiException.class,
        () -> PemFiles.readPrivateKey(keyFile, "wrong passphrase!".toCharArray()));
    assertEquals(keyFile + ": cannot decrypt the private key: wrong passphrase, or the file "
        + "was altered", e.getMessage());
  }

  @Test
  void unencryptedKeyIsRejected() throws Exception {
    Path plain = dir.resolve("plain.key");
    try (JcaPEMWriter w = new JcaPEMWriter(Files.newBufferedWriter(plain))) {
      w.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(node.privateKey(),
          null));
    }
    assertTrue(Files.readString(plain).contains("BEGIN PRIVATE KEY"));
    PkiException e = assertThrows(PkiException.class,
        () -> PemFiles.readPrivateKey(plain, PASSPHRASE));
    assertTrue(e.getMessage().startsWith(plain + ": found PRIVATE KEY, expected ENCRYPTED "
        + "PRIVATE KEY (an unencrypted private key"), e.getMessage());

    Path traditional = dir.resolve("traditional.key");
    try (JcaPEMWriter w = new JcaPEMWriter(Files.newBufferedWriter(traditional))) {
      w.writeObject(node.privateKey());
    }
    assertThrows(PkiException.class, () -> PemFiles.readPrivateKey(traditional, PASSPHRASE));
  }

  @Test
  void foreignFilesAreRejectedNamingTheFile() throws Exception {
    Path cert = dir.resolve("ca.crt");
    PemFiles.writeCertificate(cert, ca.certificate(), true);
    PkiException e = assertThrows(PkiException.class,
        () -> PemFiles.readPrivateKey(cert, PASSPHRASE));
    assertEquals(cert + ": found CERTIFICATE, expected ENCRYPTED PRIVATE KEY", e.getMessage());
    e = assertThrows(PkiException.class, () -> PemFiles.readCertificate(keyFile));
    assertEquals(keyFile + ": found ENCRYPTED PRIVATE KEY, expected CERTIFICATE",
        e.getMessage());

    Path junk = dir.resolve("junk");
    Files.write(junk, new byte[] {0x30, (byte) 0x82, 0x01, (byte) 0xff, 0x00});
    e = assertThrows(PkiException.class, () -> PemFiles.readCertificate(junk));
    assertEquals(junk + ": no PEM data; expected CERTIFICATE", e.getMessage());

    Path two = dir.resolve("two.crt");
    Files.writeString(two, Files.readString(cert) + Files.readString(cert));
    e = assertThrows(PkiException.class, () -> PemFiles.readCertificate(two));
    assertTrue(e.getMessage().contains("holds 2 PEM objects"), e.getMessage());

    Path broken = dir.resolve("broken.crt");
    Files.writeString(broken, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    e = assertThrows(PkiException.class, () -> PemFiles.readCertificate(broken));
    assertTrue(e.getMessage().startsWith(broken + ": "), e.getMessage());

    Path missing = dir.resolve("missing.key");
    e = assertThrows(PkiException.class, () -> PemFiles.readPrivateKey(missing, PASSPHRASE));
    assertEquals(missing + ": no such file", e.getMessage());
  }

  @Test
  void emptyPassphraseIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> PemFiles.writePrivateKey(
        dir.resolve("x.key"), node.privateKey(), new char[0], false));
  }

  @Test
  void caWriteAndLoadRoundTrip() throws Exception {
    Path crt = dir.resolve("fed-ca.crt");
    Path key = dir.resolve("fed-ca.key");
    ca.write(crt, key, PASSPHRASE, false);
    assertThrows(FileAlreadyExistsException.class, () -> ca.write(crt, key, PASSPHRASE, false));
    FederationCa loaded = FederationCa.load(crt, key, PASSPHRASE);
    assertEquals("demo", loaded.federation());
    assertEquals(ca.certificate(), loaded.certificate());
    IssuedNode n = loaded.issue(new NodeIdentity("demo", Role.NGO, "n1"), List.of(), List.of(),
        Duration.ofHours(1));
    NodeCertificates.verifyIssuedBy(n.certificate(), ca.certificate());

    // The node's key is not the CA's key.
    PkiException e = assertThrows(PkiException.class,
        () -> FederationCa.load(crt, keyFile, PASSPHRASE));
    assertTrue(e.getMessage().startsWith(keyFile + ": "), e.getMessage());
    // A node certificate is not a CA certificate.
    Path nodeCrt = dir.resolve("node-as-ca.crt");
    PemFiles.writeCertificate(nodeCrt, node.certificate(), true);
    assertThrows(PkiException.class, () -> FederationCa.load(nodeCrt, key, PASSPHRASE));
  }
}
