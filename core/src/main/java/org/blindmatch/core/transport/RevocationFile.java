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
 * <p>A replacement that does not verify (another CA, altered, garbage), is older than the
 * list in use (a replay, which would un-revoke certificates) or is past its nextUpdate is
 * ignored: the list in use stays, and {@code onRejected} is told why. The first read, in
 * {@link #load}, must succeed and be current (nextUpdate plus {@link Revocations#GRACE}).
 *
 * <p>Thread-safe: calls may run concurrently; a reload is published atomically.
 */
public final class RevocationFile {
  private record Loaded(Revocations list, FileTime modified, long size) {}

  private final Path file;
  private final X509Certificate ca;
  private final java.time.Clock clock;
  private final Consumer<String> onRejected;
  private final AtomicReference<Loaded> current;
  /** The file state last rejected, so a bad file is reported once, not on every call. */
  private final AtomicReference<String> rejected = new AtomicReference<>("");
  private final AtomicReference<Consumer<Revocations>> onLoaded = new AtomicReference<>(r -> {});

  /** The list in use when it was found expired, so that is reported once. */
  private final AtomicReference<Revocations> expiredReported = new AtomicReference<>();

  private RevocationFile(Path file, X509Certificate ca, java.time.Clock clock,
      Consumer<String> onRejected, Loaded first) {
    this.file = file;
    this.ca = ca;
    this.clock = clock;
    this.onRejected = onRejected;
    this.current = new AtomicReference<>(first);
  }

  /**
   * Reads and checks the list.
   *
   * @param onRejected told (message naming the file) when a changed file is not taken, and
   *     once when the list in use passes its nextUpdate
   * @throws PkiException naming the file if it cannot be read, is not a list of {@code ca}, or
   *     is past its nextUpdate ({@link Revocations#requireCurrent})
   */
  public static RevocationFile load(Path file, X509Certificate ca, Consumer<String> onRejected)
      throws PkiException {
    return load(file, ca, onRejected, java.time.Clock.systemUTC());
  }

  /** As {@link #load(Path, X509Certificate, Consumer)}, judging nextUpdate by {@code clock}. */
  public static RevocationFile load(Path file, X509Certificate ca, Consumer<String> onRejected,
      java.time.Clock clock) throws PkiException {
    Objects.requireNonNull(onRejected, "onRejected");
    Loaded first = read(file, ca);
    first.list().requireCurrent(clock.instant(), file.toString());
    return new RevocationFile(file, ca, clock, onRejected, first);
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

  /**
   * The list in use, after taking a changed file if it is acceptable. A list in use that passes
   * its nextUpdate stays in use (dropping it would un-revoke every certificate on it) and
   * {@code onRejected} is told once, naming the date and {@code pki crl}.
   */
  public Revocations list() {
    Revocations list = refreshed();
    try {
      list.requireCurrent(clock.instant(), file.toString());
    } catch (PkiException e) {
      if (expiredReported.getAndSet(list) != list) {
        onRejected.accept(e.getMessage() + "; until then the expired list stays enforced");
      }
    }
    return list;
  }

  private Revocations refreshed() {
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
      next.list().requireCurrent(clock.instant(), file.toString());
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
