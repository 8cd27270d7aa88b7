package org.blindmatch.core.transport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.blindmatch.crypto.pki.PkiException;
import org.blindmatch.crypto.pki.Revocations;

/**
 * The federation's revocation list as a node enforces it: {@code ca.crl} from
 * {@code pki revoke}, checked against the federation CA and re-read whenever the file changes
 * (its modification time or size, looked at on every {@link #find} call; no restart or
 * signal is needed).
 *
 * <p>A replacement that does not verify (another CA, altered, garbage) or is older than the
 * list in use (a replay, which would un-revoke certificates) is ignored: the list in use
 * stays, and {@code onRejected} is told why. The first read, in {@link #load}, must succeed.
 *
 * <p>Thread-safe: calls may run concurrently; a reload is published atomically.
 */
public final class RevocationFile {
  private record Loaded(Revocations list, FileTime modified, long size) {}

  private final Path file;
  private final X509Certificate ca;
  private final Consumer<String> onRejected;
  private final AtomicReference<Loaded> current;
  /** The file state last rejected, so a bad file is reported once, not on every call. */
  private final AtomicReference<String> rejected = new AtomicReference<>("");
  private final AtomicReference<Consumer<Revocations>> onLoaded = new AtomicReference<>(r -> {});

  private RevocationFile(Path file, X509Certificate ca, Consumer<String> onRejected,
      Loaded first) {
    this.file = file;
    this.ca = ca;
    this.onRejected = onRejected;
    this.current = new AtomicReference<>(first);
  }

  /**
   * Reads and checks the list.
   *
   * @param onRejected told (message naming the file) when a changed file is not taken
   * @throws PkiException naming the file if it cannot be read or is not a list of {@code ca}
   */
  public static RevocationFile load(Path file, X509Certificate ca, Consumer<String> onRejected)
      throws PkiException {
    Objects.requireNonNull(onRejected, "onRejected");
    return new RevocationFile(file, ca, onRejected, read(file, ca));
  }

  /**
   * Calls {@code listener} with the list in use now and with every newer list taken later
   * (e.g. to log each new list); replaces any earlier listener.
   */
  public void onLoaded(Consumer<Revocations> listener) {
    onLoaded.set(Objects.requireNonNull(listener, "listener"));
    listener.accept(current.get().list());
  }

  /** The revocation of {@code certificate} by the newest acceptable list, if any. */
  public Optional<Revocations.Revoked> find(X509Certificate certificate) {
    return list().find(certificate);
  }

  /** The list in use, after taking a changed file if it is acceptable. */
  public Revocations list() {
    Loaded now = current.get();
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      String stamp = a.lastModifiedTime() + "/" + a.size();
      if (a.lastModifiedTime().equals(now.modified()) && a.size() == now.size()
          || stamp.equals(rejected.get())) {
        return now.list();
      }
      rejected.set(stamp);
      Loaded next = read(file, ca);
      next.list().requireNotOlderThan(now.list(), file.toString());
      rejected.set("");
      if (current.compareAndSet(now, next)
          && next.list().number().compareTo(now.list().number()) > 0) {
        onLoaded.get().accept(next.list());
      }
      return current.get().list();
    } catch (IOException | PkiException e) {
      onRejected.accept(file + ": keeping revocation list number " + now.list().number()
          + ": " + e.getMessage());
      return now.list();
    }
  }

  private static Loaded read(Path file, X509Certificate ca) throws PkiException {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return new Loaded(Revocations.read(file, ca), a.lastModifiedTime(), a.size());
    } catch (IOException e) {
      throw new PkiException(file + ": cannot read the revocation list: " + e.getMessage(), e);
    }
  }
}
