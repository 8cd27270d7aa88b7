package org.blindmatch.server.store.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.blindmatch.server.store.StoreException;
import org.blindmatch.server.store.StoreException.Kind;
import org.blindmatch.server.store.UploadSpec;

/**
 * Layout of a store's data directory, held exclusively by one store instance:
 *
 * <pre>
 * meta.sqlite            embedded metadata (plus -wal and -shm)
 * postgresql-store.id    or: which PostgreSQL store these segments belong to
 * store.lock             advisory lock: one open store per directory, across processes
 * staging/&lt;id&gt;.part     records of an upload in progress
 * segments/&lt;id&gt;.seg     records of a committed submission
 * </pre>
 */
public final class DataDir implements AutoCloseable {
  /** File name suffix of a committed submission's segment. */
  public static final String SEGMENT_SUFFIX = ".seg";
  /** File name suffix of an upload's staged records. */
  public static final String STAGED_SUFFIX = ".part";
  /**
   * Which PostgreSQL store the directory's segments belong to; a directory holding it is never
   * opened as an embedded store.
   */
  public static final String POSTGRES_BINDING_FILE = "postgresql-store.id";
  /** File name of the embedded store's metadata database. */
  public static final String META_FILE = "meta.sqlite";

  private final Path root;
  private final Path segments;
  private final Path staging;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private DataDir(Path root, FileChannel lockChannel, FileLock lock) {
    this.root = root;
    this.segments = root.resolve("segments");
    this.staging = root.resolve("staging");
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Creates the directories if needed and takes the directory lock.
   *
   * @throws StoreException {@code IO} if the directory cannot be created or is in use
   */
  public static DataDir open(Path dataDir) throws StoreException {
    Path root = dataDir.toAbsolutePath().normalize();
    FileChannel channel = null;
    try {
      DurableFiles.createDirectory(root);
      channel = FileChannel.open(root.resolve("store.lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE);
      FileLock lock = tryLock(channel, root);
      DataDir dir = new DataDir(root, channel, lock);
      DurableFiles.createDirectory(dir.segments);
      DurableFiles.createDirectory(dir.staging);
      DurableFiles.fsyncDirectory(root);
      return dir;
    } catch (IOException e) {
      closeQuietly(channel);
      throw new StoreException(Kind.IO, root + ": cannot open data directory: " + e, e);
    } catch (StoreException | RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  private static FileLock tryLock(FileChannel channel, Path root)
      throws IOException, StoreException {
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      throw new StoreException(Kind.IO, root + " is already open by another store instance");
    }
    return lock;
  }

  /** The directory, absolute and normalized. */
  public Path root() {
    return root;
  }

  /** The embedded store's metadata database (which may not exist). */
  public Path metaFile() {
    return root.resolve(META_FILE);
  }

  /** {@code segments/}. */
  public Path segmentsDir() {
    return segments;
  }

  /** {@code staging/}. */
  public Path stagingDir() {
    return staging;
  }

  /**
   * The segment file of a committed submission. Callers pass only validated ids
   * ({@link UploadSpec#isValidSubmissionId}), so the result stays inside the directory.
   */
  public Path segment(String submissionId) {
    return segments.resolve(submissionId + SEGMENT_SUFFIX);
  }

  /** The staged file of an upload; as {@link #segment}, for validated ids only. */
  public Path staged(String submissionId) {
    return staging.resolve(submissionId + STAGED_SUFFIX);
  }

  /**
   * Where recovery moves files it cannot account for ({@code orphans/}); never read by the
   * store, never deleted by it.
   */
  public Path orphansDir() {
    return root.resolve("orphans");
  }

  /** Submission ids of the regular files in {@code dir} named {@code <valid id><suffix>}. */
  public static List<String> idsIn(Path dir, String suffix) throws IOException {
    List<String> ids = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + suffix)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        String id = name.substring(0, name.length() - suffix.length());
        if (UploadSpec.isValidSubmissionId(id) && Files.isRegularFile(f)) {
          ids.add(id);
        }
      }
    }
    return ids;
  }

  /** Releases the directory lock; safe to call more than once. */
  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // Closing the channel releases the lock as well.
    }
    closeQuietly(lockChannel);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Nothing was written through it.
      }
    }
  }
}
