package org.blindmatch.server.store.files;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Set;

/**
 * File operations that are durable when they return: data and size are fsynced, and callers
 * fsync the directory after creating, renaming or deleting entries. A file shorter than the
 * caller expects is reported as {@link EOFException}.
 */
public final class DurableFiles {
  private static final int READ_BUFFER = 1 << 20;
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private DurableFiles() {}

  /** Creates {@code file} (owner-only) or empties an existing one, and fsyncs it. */
  public static void createEmpty(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING), ownerOnly())) {
      ch.force(true);
    }
  }

  /** Creates a directory (owner-only) if missing. */
  public static void createDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, ownerOnlyDirectory());
    }
  }

  /**
   * Writes {@code len} bytes at {@code position}, first cutting off anything beyond it (the
   * remains of a write that failed earlier), and fsyncs.
   *
   * @throws EOFException if the file is shorter than {@code position}
   */
  public static void writeAt(Path file, long position, byte[] data, int off, int len)
      throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      requireLength(file, ch, position);
      ch.truncate(position);
      ByteBuffer b = ByteBuffer.wrap(data, off, len);
      long at = position;
      while (b.hasRemaining()) {
        at += ch.write(b, at);
      }
      ch.force(true);
    }
  }

  /** Cuts {@code file} to {@code length} bytes and fsyncs it. */
  public static void truncate(Path file, long length) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(length);
      ch.force(true);
    }
  }

  /**
   * Cuts {@code file} to exactly {@code length} bytes, fsyncs it and returns the SHA-256 of
   * its content.
   *
   * @throws EOFException if the file is shorter than {@code length}
   */
  public static byte[] sealAndHash(Path file, long length) throws IOException {
    MessageDigest sha = sha256();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      requireLength(file, ch, length);
      ch.truncate(length);
      ch.force(true);
      ByteBuffer b = ByteBuffer.allocate(READ_BUFFER);
      long at = 0;
      while (at < length) {
        b.clear().limit((int) Math.min(b.capacity(), length - at));
        int n = ch.read(b, at);
        if (n < 0) {
          throw new EOFException(file + ": ended at byte " + at + " of " + length);
        }
        at += n;
        sha.update(b.flip());
      }
    }
    return sha.digest();
  }

  /** Renames atomically, replacing {@code target} if it exists. */
  public static void moveAtomic(Path source, Path target) throws IOException {
    try {
      Files.move(source, target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException(target + ": the file system cannot rename atomically", e);
    }
  }

  /** Makes the creation, renaming and deletion of entries in {@code dir} durable. */
  public static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** A fresh SHA-256 digest (every JRE has one). */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is a mandatory JCA algorithm", e);
    }
  }

  private static void requireLength(Path file, FileChannel ch, long length) throws IOException {
    long size = ch.size();
    if (size < length) {
      throw new EOFException(file + " has " + size + " bytes, expected at least " + length);
    }
  }

  private static FileAttribute<?>[] ownerOnly() {
    return POSIX
        ? new FileAttribute<?>[] {
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
        : new FileAttribute<?>[0];
  }

  private static FileAttribute<?>[] ownerOnlyDirectory() {
    return POSIX
        ? new FileAttribute<?>[] {
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))}
        : new FileAttribute<?>[0];
  }
}
