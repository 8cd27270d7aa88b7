package org.blindmatch.crypto.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A file that appears at its final path complete or not at all.
 *
 * <p>Bytes go to a temporary sibling created with owner-only permissions; {@link #commit()}
 * flushes, fsyncs, atomically renames it over the target and fsyncs the directory.
 * {@link #close()} without a commit deletes the temporary file, so a failure leaves nothing
 * behind. Not thread-safe.
 */
public final class AtomicOutput implements AutoCloseable {
  private final Path target;
  private final Path temp;
  private final FileChannel channel;
  private final OutputStream out;
  private boolean committed;

  private AtomicOutput(Path target, Path temp, FileChannel channel) {
    this.target = target;
    this.temp = temp;
    this.channel = channel;
    this.out = new BufferedOutputStream(new Naming(Channels.newOutputStream(channel), target),
        1 << 16);
  }

  /**
   * Names the target in a write failure (a full disk, a quota): the temporary file's name
   * would mean nothing to the user.
   */
  private static final class Naming extends java.io.FilterOutputStream {
    private final Path target;

    Naming(OutputStream out, Path target) {
      super(out);
      this.target = target;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      try {
        out.write(b, off, len);
      } catch (IOException e) {
        throw named(target, e);
      }
    }

    @Override
    public void write(int b) throws IOException {
      try {
        out.write(b);
      } catch (IOException e) {
        throw named(target, e);
      }
    }
  }

  private static IOException named(Path target, IOException e) {
    return new IOException(target + ": cannot write: " + e.getMessage(), e);
  }

  /**
   * Starts writing {@code target}.
   *
   * @param overwrite whether an existing target may be replaced on commit
   * @throws FileAlreadyExistsException if the target exists and {@code overwrite} is false
   */
  public static AtomicOutput create(Path target, boolean overwrite) throws IOException {
    Path absolute = target.toAbsolutePath();
    if (!overwrite && Files.exists(absolute)) {
      throw new FileAlreadyExistsException(target.toString(), null,
          "already exists (pass --force to replace it)");
    }
    Path dir = absolute.getParent();
    Path temp;
    try {
      temp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      temp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp");
    }
    FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
        StandardOpenOption.READ);
    return new AtomicOutput(absolute, temp, channel);
  }

  /** The buffered stream to write the content to. */
  public OutputStream stream() {
    return out;
  }

  /**
   * Flushes the stream and returns the channel positioned at the end, for callers that
   * patch an earlier region (such as a header) before committing.
   */
  public FileChannel channel() throws IOException {
    out.flush();
    return channel;
  }

  /** Makes the file visible at its target path, durably. */
  public void commit() throws IOException {
    out.flush();
    try {
      channel.force(true);
    } catch (IOException e) {
      throw named(target, e);
    }
    channel.close();
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException(target + ": the file system cannot rename atomically", e);
    }
    committed = true;
    try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException ignored) {
      // Some file systems cannot open a directory for fsync; the rename is still atomic.
    }
  }

  /** Deletes the temporary file unless committed. */
  @Override
  public void close() throws IOException {
    if (!committed) {
      try {
        channel.close();
      } finally {
        Files.deleteIfExists(temp);
      }
    }
  }
}
