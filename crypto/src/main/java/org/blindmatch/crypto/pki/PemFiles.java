package org.blindmatch.crypto.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.blindmatch.crypto.io.AtomicOutput;
import org.blindmatch.crypto.keys.KdfProfile;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * PEM files for certificates and private keys.
 *
 * <p>Private keys are only ever stored as encrypted PKCS#8 ({@code ENCRYPTED PRIVATE KEY},
 * RFC 5958): PBES2 with PBKDF2-HMAC-SHA256 ({@value #PBKDF2_ITERATIONS} iterations, random
 * salt) and AES-256-CBC, the format {@code openssl pkcs8 -topk8 -v2 aes-256-cbc
 * -v2prf hmacWithSHA256} produces, so operators can inspect keys with standard tools. Reading
 * refuses unencrypted keys ({@code PRIVATE KEY}, {@code EC PRIVATE KEY}) and legacy PBES1 or
 * PKCS#12 schemes.
 *
 * <p>Files are written atomically with owner-only permissions ({@link AtomicOutput}); an
 * existing file is replaced only when {@code overwrite} is true. Every read error is a
 * {@link PkiException} whose message starts with the file name. Stateless and thread-safe;
 * passphrase arrays are read, not retained or wiped (the caller owns them).
 */
public final class PemFiles {
  /**
   * PBKDF2-HMAC-SHA256 iterations for new key files: OWASP's 2023 figure for this PRF. About
   * half a second per write or read, once per process start. Under the test-only switch of
   * {@link KdfProfile} new files get {@link #TEST_PBKDF2_ITERATIONS} instead; a file with fewer
   * than this is read only under that switch.
   */
  public static final int PBKDF2_ITERATIONS = 600_000;

  /** PBKDF2 iterations of {@link KdfProfile}'s test profile. */
  public static final int TEST_PBKDF2_ITERATIONS = 1000;

  /** Certificate and key files are tiny; anything larger is not one. */
  private static final long MAX_FILE_BYTES = 1 << 20;

  /**
   * Bouncy Castle as a private provider instance (not registered globally) for the PBES2
   * cipher, which the JDK does not offer under the AES-CBC PKCS#7 name BC asks for. Keys are
   * converted back to JDK key objects for TLS.
   */
  private static final Provider BC = new BouncyCastleProvider();

  private static final String CERTIFICATE = "CERTIFICATE";
  private static final String ENCRYPTED_PRIVATE_KEY = "ENCRYPTED PRIVATE KEY";

  private PemFiles() {}

  /**
   * Writes one certificate as PEM.
   *
   * @throws java.nio.file.FileAlreadyExistsException if the file exists and not
   *     {@code overwrite}
   * @throws IOException on any other write failure (nothing is left behind)
   */
  public static void writeCertificate(Path file, X509Certificate certificate, boolean overwrite)
      throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(text)) {
      w.writeObject(certificate);
    }
    write(file, text.toString(), overwrite);
  }

  /**
   * Reads a file holding exactly one PEM certificate.
   *
   * @throws PkiException if the file is missing, unreadable, not PEM, holds something other
   *     than exactly one certificate, or the certificate does not parse
   */
  public static X509Certificate readCertificate(Path file) throws PkiException {
    PemObject pem = readSinglePem(file, CERTIFICATE);
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(pem.getContent()));
    } catch (CertificateException | ClassCastException e) {
      throw new PkiException(file + ": not a valid X.509 certificate: " + e.getMessage(), e);
    }
  }

  /**
   * Encrypts a private key under {@code passphrase} and writes it as encrypted PKCS#8 PEM.
   *
   * @param passphrase non-empty
   * @throws IllegalArgumentException if the passphrase is empty
   * @throws java.nio.file.FileAlreadyExistsException if the file exists and not
   *     {@code overwrite}
   * @throws IOException on any other write failure (nothing is left behind)
   * @throws PkiException if the key cannot be encoded or encrypted
   */
  public static void writePrivateKey(
      Path file, PrivateKey key, char[] passphrase, boolean overwrite)
      throws IOException, PkiException {
    if (passphrase == null || passphrase.length == 0) {
      throw new IllegalArgumentException("an empty passphrase cannot protect a private key");
    }
    int iterations = KdfProfile.testProfile() ? TEST_PBKDF2_ITERATIONS : PBKDF2_ITERATIONS;
    StringWriter text = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(text)) {
      w.writeObject(new JcaPKCS8Generator(key,
          new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
              .setPRF(PKCS8Generator.PRF_HMACSHA256)
              .setIterationCount(iterations)
              .setRandom(new SecureRandom())
              .setPassword(passphrase)
              .setProvider(BC)
              .build()));
    } catch (OperatorCreationException | PEMException e) {
      throw new PkiException(file + ": cannot encrypt the private key: " + e.getMessage(), e);
    }
    write(file, text.toString(), overwrite);
    if (iterations < PBKDF2_ITERATIONS) {
      KdfProfile.warnWeakWrite(file, "PBKDF2-HMAC-SHA256, " + iterations + " iterations");
    }
  }

  /**
   * Reads and decrypts an encrypted PKCS#8 PEM private key.
   *
   * @throws PkiException if the file is missing or unreadable, holds anything but exactly one
   *     {@code ENCRYPTED PRIVATE KEY} (in particular an unencrypted key), uses a scheme other
   *     than PBES2, or does not decrypt (wrong passphrase or altered file)
   */
  public static PrivateKey readPrivateKey(Path file, char[] passphrase) throws PkiException {
    PemObject pem = readSinglePem(file, ENCRYPTED_PRIVATE_KEY);
    PKCS8EncryptedPrivateKeyInfo encrypted;
    try {
      encrypted = new PKCS8EncryptedPrivateKeyInfo(pem.getContent());
    } catch (IOException | RuntimeException e) {
      throw new PkiException(file + ": malformed encrypted private key", e);
    }
    if (!PKCSObjectIdentifiers.id_PBES2.equals(
        encrypted.getEncryptionAlgorithm().getAlgorithm())) {
      throw new PkiException(file + ": private key uses a legacy encryption scheme ("
          + encrypted.getEncryptionAlgorithm().getAlgorithm() + "); only PBES2 is accepted");
    }
    long iterations = pbkdf2Iterations(file, encrypted);
    if (iterations < PBKDF2_ITERATIONS && !KdfProfile.testProfile()) {
      throw new PkiException(KdfProfile.refuseWeak(file, "PBKDF2, " + iterations
          + " iterations", "PBKDF2, " + PBKDF2_ITERATIONS + " iterations"));
    }
    PrivateKeyInfo info;
    try {
      info = encrypted.decryptPrivateKeyInfo(
          new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(passphrase));
    } catch (PKCSException | OperatorCreationException | RuntimeException e) {
      // AES-CBC has no integrity check: a wrong passphrase shows up as bad padding or as
      // garbage that does not parse, indistinguishable from an altered file.
      throw new PkiException(
          file + ": cannot decrypt the private key: wrong passphrase, or the file was altered");
    }
    try {
      return new JcaPEMKeyConverter().getPrivateKey(info);
    } catch (PEMException | RuntimeException e) {
      throw new PkiException(file + ": cannot decrypt the private key: wrong passphrase, "
          + "or the file was altered (" + e.getMessage() + ")");
    }
  }

  /** The PBKDF2 iteration count of a PBES2-encrypted key. */
  private static long pbkdf2Iterations(Path file, PKCS8EncryptedPrivateKeyInfo encrypted)
      throws PkiException {
    try {
      PBES2Parameters pbes2 =
          PBES2Parameters.getInstance(encrypted.getEncryptionAlgorithm().getParameters());
      if (!PKCSObjectIdentifiers.id_PBKDF2.equals(
          pbes2.getKeyDerivationFunc().getAlgorithm())) {
        throw new PkiException(file + ": private key uses a key derivation other than PBKDF2 ("
            + pbes2.getKeyDerivationFunc().getAlgorithm() + ")");
      }
      return PBKDF2Params.getInstance(pbes2.getKeyDerivationFunc().getParameters())
          .getIterationCount().longValueExact();
    } catch (RuntimeException e) { // BC's getInstance: IllegalArgument, ClassCast, NullPointer
      throw new PkiException(file + ": malformed PBES2 parameters of the private key", e);
    }
  }

  /**
   * Writes one DER object as PEM of the given type (e.g. {@code CERTIFICATE REQUEST},
   * {@code X509 CRL}), atomically.
   */
  static void writePem(Path file, String type, byte[] der, boolean overwrite)
      throws IOException {
    StringWriter text = new StringWriter();
    try (org.bouncycastle.util.io.pem.PemWriter w =
        new org.bouncycastle.util.io.pem.PemWriter(text)) {
      w.writeObject(new PemObject(type, der));
    }
    write(file, text.toString(), overwrite);
  }

  /** The DER content of a file holding exactly one PEM object of {@code type}. */
  static byte[] readPem(Path file, String type) throws PkiException {
    return readSinglePem(file, type).getContent();
  }

  private static void write(Path file, String pem, boolean overwrite) throws IOException {
    try (AtomicOutput out = AtomicOutput.create(file, overwrite)) {
      out.stream().write(pem.getBytes(StandardCharsets.US_ASCII));
      out.commit();
    }
  }

  private static PemObject readSinglePem(Path file, String expectedType) throws PkiException {
    String text = readText(file);
    List<PemObject> objects = new ArrayList<>();
    try (PemReader reader = new PemReader(new StringReader(text))) {
      for (PemObject o = reader.readPemObject(); o != null; o = reader.readPemObject()) {
        objects.add(o);
      }
    } catch (IOException | RuntimeException e) {
      throw new PkiException(file + ": malformed PEM (" + e.getMessage() + ")", e);
    }
    if (objects.isEmpty()) {
      throw new PkiException(file + ": no PEM data; expected " + expectedType);
    }
    PemObject first = objects.get(0);
    if (!expectedType.equals(first.getType())) {
      String hint = first.getType().endsWith("PRIVATE KEY")
          && !first.getType().equals(ENCRYPTED_PRIVATE_KEY)
          ? " (an unencrypted private key: blindmatch keeps keys encrypted at rest; "
              + "encrypt it with openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256)"
          : "";
      throw new PkiException(file + ": found " + first.getType() + ", expected "
          + expectedType + hint);
    }
    if (objects.size() > 1) {
      throw new PkiException(file + ": holds " + objects.size()
          + " PEM objects; expected exactly one " + expectedType);
    }
    return first;
  }

  private static String readText(Path file) throws PkiException {
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new PkiException(file + ": too large for a certificate or key file");
      }
      // Latin-1 never fails to decode, so a binary file is reported as "no PEM data".
      return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw new PkiException(file + ": no such file");
    } catch (IOException e) {
      throw new PkiException(file + ": cannot read: "
          + org.blindmatch.crypto.io.ReadFailure.reason(e), e);
    }
  }
}
