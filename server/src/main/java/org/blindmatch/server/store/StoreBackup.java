package org.blindmatch.server.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.blindmatch.server.store.StoreException.Kind;

/**
 * Online backup and offline restore of an embedded store's data directory.
 *
 * <p>A backup runs beside the serving process without its lock: SQLite's {@code VACUUM INTO}
 * copies the metadata and the transparency log as one read transaction (a consistent snapshot
 * in WAL mode, not blocking the writer); then the segment of every committed, unpurged
 * submission in that snapshot is copied (segments are immutable once committed) and, for each
 * upload in progress, its durable prefix. A file that disappears meanwhile (a purge, an upload
 * committed or abandoned) is handled so the backup stays consistent: a purged segment fails
 * the backup (run it again), an upload's staged file is left out (the restored upload resumes
 * from its first chunk). A {@code manifest.json} lists every file with its length and SHA-256.
 * The backup directory appears complete or not at all.
 *
 * <p>Restore checks every file against the manifest, then writes a fresh data directory
 * (never over a non-empty one); the next server start runs the usual recovery.
 *
 * <p>The embedded store only: a data directory of a PostgreSQL store is refused, naming the
 * documented procedure ({@code pg_dump} of the database, then a copy of the directory).
 *
 * <p>Not thread-safe; one backup or restore at a time per target.
 */
public final class StoreBackup {
  /** The manifest's format identifier. */
  public static final String FORMAT = "blindmatch/store-backup/v1";
  /** Where a PostgreSQL store's backup procedure is documented, for error messages. */
  public static final String POSTGRESQL = "back up a PostgreSQL store with pg_dump and a copy"
      + " of data_dir as docs/OPERATIONS.md, \"Backup and restore\", describes";
  private static final String MANIFEST = "manifest.json";
  private static final String META = "meta.sqlite";

  private StoreBackup() {}

  /** What a backup holds. */
  public record Summary(Path directory, int submissions, int uploads, long logSize,
      long bytes) {}

  /**
   * Backs up the store in {@code dataDir} (which may be serving) to the new directory
   * {@code out}.
   *
   * @throws StoreException {@code IO} if {@code out} exists, a file cannot be read or written,
   *     or a committed segment was purged during the backup; {@code CORRUPT} if a segment has
   *     the wrong length
   */
  public static Summary backup(Path dataDir, Path out) throws StoreException {
    Path meta = dataDir.resolve(META);
    if (Files.exists(dataDir.resolve(PostgresMetadata.BINDING_FILE))) {
      throw new StoreException(Kind.IO, dataDir + " holds the segments of a PostgreSQL"
          + " store, whose metadata this command cannot copy consistently; " + POSTGRESQL);
    }
    if (!Files.isRegularFile(meta)) {
      throw new StoreException(Kind.IO, dataDir + ": not a clearinghouse data directory (no "
          + META + ")");
    }
    if (Files.exists(out)) {
      throw new StoreException(Kind.IO, out + ": already exists; back up to a new directory");
    }
    Path abs = out.toAbsolutePath();
    Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      Files.createDirectories(tmp.resolve("segments"));
      Files.createDirectories(tmp.resolve("staging"));
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + meta);
          PreparedStatement ps = c.prepareStatement("VACUUM INTO ?")) {
        ps.setString(1, tmp.resolve(META).toString());
        ps.execute();
      }
      ObjectNode manifest = new ObjectMapper().createObjectNode();
      ArrayNode files = manifest.putArray("files");
      int submissions = 0;
      int uploads = 0;
      long logSize;
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve(META))) {
        c.setAutoCommit(false);
        for (String[] seg : query(c, "SELECT submission_id, records FROM submissions "
            + "WHERE purged = 0")) {
          String id = seg[0];
          requireId(id);
          long length = Long.parseLong(seg[1]) * TokenRecord.LENGTH;
          Path from = dataDir.resolve("segments").resolve(id + DataDir.SEGMENT_SUFFIX);
          if (!Files.isRegularFile(from)) {
            throw new StoreException(Kind.IO, "segment " + from + " disappeared during the "
                + "backup (purged after the snapshot); run the backup again");
          }
          if (Files.size(from) != length) {
            throw new StoreException(Kind.CORRUPT, "segment " + from + " has "
                + Files.size(from) + " bytes, expected " + length);
          }
          copyPrefix(from, tmp.resolve("segments").resolve(from.getFileName()), length);
          submissions++;
        }
        for (String[] up : query(c, "SELECT submission_id, durable_length FROM uploads")) {
          String id = up[0];
          requireId(id);
          long length = Long.parseLong(up[1]);
          Path from = dataDir.resolve("staging").resolve(id + DataDir.STAGED_SUFFIX);
          boolean copied = length > 0 && Files.isRegularFile(from) && Files.size(from) >= length
              && copyPrefixIfPresent(from, tmp.resolve("staging").resolve(from.getFileName()),
                  length);
          if (copied) {
            uploads++;
          }
        }
        logSize = Long.parseLong(query(c, "SELECT count(*) FROM log_entries").get(0)[0]);
        c.rollback();
      }
      long bytes = 0;
      for (Path f : listFiles(tmp)) {
        ObjectNode e = files.addObject();
        e.put("path", tmp.relativize(f).toString());
        e.put("bytes", Files.size(f));
        e.put("sha256", HexFormat.of().formatHex(sha256(f)));
        bytes += Files.size(f);
        fsync(f);
      }
      manifest.put("format", FORMAT);
      manifest.put("created_at", Instant.now().toString());
      manifest.put("source", dataDir.toAbsolutePath().toString());
      manifest.put("submissions", submissions);
      manifest.put("uploads_in_progress", uploads);
      manifest.put("log_size", logSize);
      Path m = tmp.resolve(MANIFEST);
      try (OutputStream o = Files.newOutputStream(m)) {
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(o, manifest);
      }
      fsync(m);
      for (Path d : List.of(tmp.resolve("segments"), tmp.resolve("staging"), tmp)) {
        DurableFiles.fsyncDirectory(d);
      }
      Files.move(tmp, abs, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      DurableFiles.fsyncDirectory(abs.getParent());
      return new Summary(abs, submissions, uploads, logSize, bytes);
    } catch (IOException | SQLException e) {
      throw new StoreException(Kind.IO, "backup of " + dataDir + " to " + out + " failed: "
          + e.getMessage(), e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  /**
   * Restores the backup in {@code backup} into {@code dataDir}, which must not exist or be
   * empty. Every file is checked against the manifest first; nothing is written on a mismatch.
   *
   * @throws StoreException {@code CORRUPT} naming the file if the backup does not match its
   *     manifest; {@code IO} if the target is not empty or cannot be written
   */
  public static Summary restore(Path backup, Path dataDir) throws StoreException {
    Path m = backup.resolve(MANIFEST);
    JsonNode manifest;
    try {
      manifest = new ObjectMapper().readTree(m.toFile());
    } catch (IOException e) {
      throw new StoreException(Kind.CORRUPT, m + ": cannot read the backup manifest: "
          + e.getMessage(), e);
    }
    if (!FORMAT.equals(manifest.path("format").asText())) {
      throw new StoreException(Kind.CORRUPT, m + ": format: not " + FORMAT);
    }
    Path target = dataDir.toAbsolutePath();
    Path tmp = target.resolveSibling("." + target.getFileName() + ".restore-" + UUID.randomUUID());
    try {
      if (Files.exists(target)) {
        try (Stream<Path> s = Files.list(target)) {
          if (s.findAny().isPresent()) {
            throw new StoreException(Kind.IO, target + ": not empty; restore into a new "
                + "directory");
          }
        }
      }
      List<String> listed = new ArrayList<>();
      long bytes = 0;
      for (JsonNode f : manifest.path("files")) {
        String rel = f.path("path").asText();
        Path src = backup.resolve(rel).normalize();
        if (!src.startsWith(backup.normalize()) || rel.equals(MANIFEST)) {
          throw new StoreException(Kind.CORRUPT, m + ": files: bad path \"" + rel + "\"");
        }
        if (!Files.isRegularFile(src)) {
          throw new StoreException(Kind.CORRUPT, src + ": listed in the manifest but missing");
        }
        if (Files.size(src) != f.path("bytes").asLong()
            || !HexFormat.of().formatHex(sha256(src)).equals(f.path("sha256").asText())) {
          throw new StoreException(Kind.CORRUPT, src + ": length or SHA-256 differs from the "
              + "manifest");
        }
        listed.add(backup.normalize().relativize(src).toString());
        bytes += Files.size(src);
      }
      for (Path f : listFiles(backup)) {
        String rel = backup.relativize(f).toString();
        if (!rel.equals(MANIFEST) && !listed.contains(rel)) {
          throw new StoreException(Kind.CORRUPT, f + ": not listed in the manifest");
        }
      }
      if (!listed.contains(META)) {
        throw new StoreException(Kind.CORRUPT, m + ": no " + META + " in the backup");
      }
      Files.createDirectories(tmp.resolve("segments"));
      Files.createDirectories(tmp.resolve("staging"));
      for (String rel : listed) {
        Path to = tmp.resolve(rel);
        Files.copy(backup.resolve(rel), to);
        fsync(to);
      }
      for (Path d : List.of(tmp.resolve("segments"), tmp.resolve("staging"), tmp)) {
        DurableFiles.fsyncDirectory(d);
      }
      if (Files.exists(target)) {
        Files.delete(target);
      }
      Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      DurableFiles.fsyncDirectory(target.getParent());
      return new Summary(target, manifest.path("submissions").asInt(),
          manifest.path("uploads_in_progress").asInt(), manifest.path("log_size").asLong(),
          bytes);
    } catch (IOException e) {
      throw new StoreException(Kind.IO, "restore of " + backup + " into " + dataDir
          + " failed: " + e.getMessage(), e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  private static void requireId(String id) throws StoreException {
    if (!Validation.isSubmissionId(id)) {
      throw new StoreException(Kind.CORRUPT, "metadata names an invalid submission id");
    }
  }

  private static List<String[]> query(Connection c, String sql) throws SQLException {
    List<String[]> rows = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        String[] row = new String[n];
        for (int i = 0; i < n; i++) {
          row[i] = rs.getString(i + 1);
        }
        rows.add(row);
      }
    }
    return rows;
  }

  /** Copies the first {@code length} bytes; the source may be growing. */
  private static void copyPrefix(Path from, Path to, long length) throws IOException {
    try (InputStream in = Files.newInputStream(from);
        OutputStream out = Files.newOutputStream(to, StandardOpenOption.CREATE_NEW)) {
      byte[] buf = new byte[1 << 20];
      long left = length;
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw new IOException(from + ": shorter than " + length + " bytes");
        }
        out.write(buf, 0, n);
        left -= n;
      }
    }
  }

  /** As {@link #copyPrefix}, false if the file went away meanwhile (committed, abandoned). */
  private static boolean copyPrefixIfPresent(Path from, Path to, long length)
      throws IOException {
    try {
      copyPrefix(from, to, length);
      return true;
    } catch (java.nio.file.NoSuchFileException e) {
      Files.deleteIfExists(to);
      return false;
    } catch (IOException e) {
      if (!Files.exists(from)) {
        Files.deleteIfExists(to);
        return false;
      }
      throw e;
    }
  }

  private static List<Path> listFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  private static byte[] sha256(Path f) throws IOException {
    MessageDigest md = DurableFiles.sha256();
    try (InputStream in = Files.newInputStream(f)) {
      byte[] buf = new byte[1 << 20];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return md.digest();
  }

  private static void fsync(Path f) throws IOException {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  private static void deleteQuietly(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException ignored) {
          // best effort: a leftover temporary directory is named .NAME.tmp-UUID
        }
      });
    } catch (IOException ignored) {
      // as above
    }
  }
}
