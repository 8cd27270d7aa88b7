package org.blindmatch.cli;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.cert.X509Certificate;
import org.blindmatch.crypto.pki.CaIndex;
import org.blindmatch.crypto.pki.FederationCa;
import org.blindmatch.crypto.pki.NodeCertificates;
import org.blindmatch.crypto.pki.PemFiles;
import org.blindmatch.crypto.pki.PkiException;
import org.blindmatch.crypto.pki.Revocations;

/**
 * The CA operator's directory: {@code ca.crt}, {@code ca.key}, the index of issued
 * certificates ({@code index.tsv}) and the revocation list ({@code ca.crl}). Changes to the
 * index and list happen under an exclusive file lock ({@code index.lock}) so that two
 * {@code pki} processes (e.g. a script issuing in parallel) never lose an entry. Not
 * thread-safe; one instance per command run.
 */
final class CaDirectory implements AutoCloseable {
  static final String CA_CERT = "ca.crt";
  static final String CA_KEY = "ca.key";
  static final String INDEX = "index.tsv";
  static final String CRL = "ca.crl";

  private final Path dir;
  private final X509Certificate caCertificate;
  private final String federation;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private CaDirectory(Path dir, X509Certificate caCertificate, String federation,
      FileChannel lockChannel, FileLock lock) {
    this.dir = dir;
    this.caCertificate = caCertificate;
    this.federation = federation;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Opens the CA directory: reads and checks {@code ca.crt} (no passphrase needed) and, when
   * {@code lock}, takes the directory's lock until {@link #close()}.
   */
  static CaDirectory open(Path dir, boolean lock) throws PkiException, IOException {
    Path caCert = dir.resolve(CA_CERT);
    X509Certificate cert = PemFiles.readCertificate(caCert);
    String federation;
    try {
      federation = NodeCertificates.federationOfCa(cert);
    } catch (PkiException e) {
      throw new PkiException(caCert + ": " + e.getMessage(), e);
    }
    if (!lock) {
      return new CaDirectory(dir, cert, federation, null, null);
    }
    FileChannel ch = FileChannel.open(dir.resolve("index.lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
    try {
      return new CaDirectory(dir, cert, federation, ch, ch.lock());
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  String federation() {
    return federation;
  }

  X509Certificate caCertificate() {
    return caCertificate;
  }

  Path resolve(String file) {
    return dir.resolve(file);
  }

  /** Decrypts the CA key; the only step that needs the CA passphrase. */
  FederationCa loadCa(char[] passphrase) throws PkiException {
    return FederationCa.load(dir.resolve(CA_CERT), dir.resolve(CA_KEY), passphrase);
  }

  CaIndex index() throws PkiException {
    return CaIndex.read(dir.resolve(INDEX));
  }

  void writeIndex(CaIndex index) throws IOException {
    requireLocked();
    index.write(dir.resolve(INDEX));
  }

  /**
   * The current revocation list, or null before the first revocation.
   *
   * @throws PkiException if {@code ca.crl} exists but is not a list this CA signed (it is then
   *     never replaced)
   */
  Revocations crl() throws PkiException {
    Path file = dir.resolve(CRL);
    return Files.exists(file) ? Revocations.read(file, caCertificate) : null;
  }

  /** Signs and writes a new revocation list of every revoked certificate in {@code index}. */
  Revocations writeCrl(FederationCa ca, CaIndex index) throws PkiException, IOException {
    requireLocked();
    Revocations previous = crl();
    BigInteger number = previous == null ? BigInteger.ONE : previous.number().add(BigInteger.ONE);
    Revocations next = ca.revocationList(index.revoked(), number);
    next.write(dir.resolve(CRL), true);
    return next;
  }

  private void requireLocked() {
    if (lock == null) {
      throw new IllegalStateException("the CA directory was opened without its lock");
    }
  }

  @Override
  public void close() throws IOException {
    if (lockChannel != null) {
      lockChannel.close(); // releases the lock
    }
  }
}
