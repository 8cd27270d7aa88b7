package org.blindmatch.server.store.backup;

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
import org.blindmatch.crypto.io.Excerpt;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.blindmatch.server.store.MetadataLocation;
import org.blindmatch.server.store.PostgresSettings;
import org.blindmatch.server.store.StoreException.Kind;
import org.blindmatch.server.store.StoreException;
import org.blindmatch.server.store.UploadSpec;
import org.blindmatch.server.store.files.DataDir;
import org.blindmatch.server.store.files.DurableFiles;
import org.blindmatch.server.store.jdbc.MetadataDb;
import org.blindmatch.server.store.postgres.PostgresDialect;
import org.blindmatch.server.store.postgres.PostgresMetadata;
import org.blindmatch.server.store.sqlite.SqliteMetadata;

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
 * <p>A PostgreSQL store ({@link #backup(MetadataLocation, Path, Path)}) is backed up in the
 * same format: every metadata and log table is read in one {@code REPEATABLE READ, READ ONLY}
 * transaction (a consistent snapshot that does not block the server) and written to a
 * {@code meta.sqlite} created with the embedded schema (the SQLite backend's Flyway
 * migrations); the segments follow as above. So one backup restores into either kind of
 * store. A restore into PostgreSQL
 * ({@link #restore(Path, MetadataLocation, Path)}) needs an empty database (migrated here if
 * new), inserts every row in one transaction (the log in index order) and binds the database
 * to the new data directory with a fresh {@code store_binding} id.
 *
 * <p>Not thread-safe; one backup or restore at a time per target.
 */
public final class StoreBackup {
  /** The manifest's format identifier. */
  public static final String FORMAT = "blindmatch/store-backup/v1";
  /** The application name of the backup's and restore's database sessions. */
  static final String APPLICATION = "blindmatch-admin";
  /**
   * The metadata tables a backup copies, each with the order its rows are copied in: uploads
   * before submissions (a trigger refuses an upload whose id is committed; a snapshot never
   * holds both), the log in index order (its triggers accept only the next index).
   */
  private static final List<String[]> TABLES = List.of(
      new String[] {"uploads", "submission_id"},
      new String[] {"submissions", "submission_id"},
      new String[] {"records", "kind, key"},
      new String[] {"log_entries", "idx"});
  /** Every table of a PostgreSQL store of the schema this build knows. */
  private static final java.util.Set<String> POSTGRES_TABLES = java.util.Set.of("uploads",
      "submissions", "records", "log_entries", "store_binding", "flyway_schema_history");
  private static final String MANIFEST = "manifest.json";
  private static final String META = DataDir.META_FILE;

  private StoreBackup() {}

  /** What a backup holds. */
  public record Summary(Path directory, int submissions, int uploads, long logSize,
      long bytes) {}

  /**
   * Backs up the store whose metadata is at {@code where} and whose segments are in
   * {@code dataDir} (which may be serving) to the new directory {@code out}.
   *
   * @throws StoreException as {@link #backup(Path, Path)}; {@code IO} also if the database
   *     cannot be reached; {@code CORRUPT} if it is not the store of {@code dataDir} or holds
   *     tables this build does not know
   */
  public static Summary backup(MetadataLocation where, Path dataDir, Path out)
      throws StoreException {
    if (where instanceof PostgresSettings pg) {
      String db = "PostgreSQL " + PostgresMetadata.withoutParameters(pg.url());
      if (Files.exists(dataDir.resolve(META))) {
        throw new StoreException(Kind.CORRUPT, dataDir + " holds an embedded store's " + META
            + ", not the segments of the PostgreSQL store the config names");
      }
      String binding = PostgresMetadata.readBinding(
          dataDir.resolve(PostgresMetadata.BINDING_FILE)).orElseThrow(() -> new StoreException(
              Kind.IO, dataDir + ": not the data directory of a PostgreSQL store (no "
              + PostgresMetadata.BINDING_FILE + "; has the server ever started on it?)"));
      return backup(dataDir, out, db, meta -> snapshotPostgres(pg, db, binding, dataDir, meta));
    }
    return backup(dataDir, out);
  }

  /**
   * Backs up the embedded store in {@code dataDir} (which may be serving) to the new
   * directory {@code out}.
   *
   * @throws StoreException {@code IO} if {@code out} exists, a file cannot be read or written,
   *     or a committed segment was purged during the backup; {@code CORRUPT} if a segment has
   *     the wrong length
   */
  public static Summary backup(Path dataDir, Path out) throws StoreException {
    Path meta = dataDir.resolve(META);
    if (Files.exists(dataDir.resolve(PostgresMetadata.BINDING_FILE))) {
      throw new StoreException(Kind.IO, dataDir + " holds the segments of a PostgreSQL"
          + " store: give the clearinghouse config (--config FILE) so the backup reads its"
          + " database");
    }
    if (!Files.isRegularFile(meta)) {
      throw new StoreException(Kind.IO, dataDir + ": not a clearinghouse data directory (no "
          + META + ")");
    }
    return backup(dataDir, out, "embedded", to -> {
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + meta);
          PreparedStatement ps = c.prepareStatement("VACUUM INTO ?")) {
        ps.setString(1, to.toString());
        ps.execute();
      }
    });
  }

  /** Writes the metadata snapshot to a new SQLite file. */
  private interface Snapshot {
    void writeTo(Path metaFile) throws IOException, SQLException, StoreException;
  }

  private static Summary backup(Path dataDir, Path out, String metadataSource,
      Snapshot snapshot) throws StoreException {
    if (Files.exists(out)) {
      throw new StoreException(Kind.IO, out + ": already exists; back up to a new directory");
    }
    Path abs = out.toAbsolutePath();
    Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      Files.createDirectories(tmp.resolve("segments"));
      Files.createDirectories(tmp.resolve("staging"));
      snapshot.writeTo(tmp.resolve(META));
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
      manifest.put("metadata_source", metadataSource);
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
          + describe(e), e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  /**
   * Restores the backup in {@code backup} into the embedded store {@code dataDir}, which must
   * not exist or be empty. Every file is checked against the manifest first; nothing is
   * written on a mismatch.
   *
   * @throws StoreException {@code CORRUPT} naming the file if the backup does not match its
   *     manifest; {@code IO} if the target is not empty or cannot be written
   */
  public static Summary restore(Path backup, Path dataDir) throws StoreException {
    return restore(backup, MetadataLocation.embedded(), dataDir);
  }

  /**
   * Restores the backup in {@code backup} into a store whose metadata goes to {@code where}
   * and whose segments go to {@code dataDir} (which must not exist or be empty). For
   * PostgreSQL the database must be empty (a new database; migrated here) and no
   * clearinghouse may hold it; its rows are inserted in one transaction, committed only once
   * the data directory is in place, and bound to the new directory by a fresh binding id.
   *
   * @throws StoreException {@code CORRUPT} naming the file if the backup does not match its
   *     manifest; {@code IO} if a target is not empty or cannot be written
   */
  public static Summary restore(Path backup, MetadataLocation where, Path dataDir)
      throws StoreException {
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
    PostgresSettings pg = where instanceof PostgresSettings p ? p : null;
    String db = pg == null ? null : "PostgreSQL " + PostgresMetadata.withoutParameters(pg.url());
    Path target = dataDir.toAbsolutePath();
    Path tmp = target.resolveSibling("." + target.getFileName() + ".restore-" + UUID.randomUUID());
    Path work = target.resolveSibling("." + target.getFileName() + ".restore-meta-"
        + UUID.randomUUID() + ".sqlite");
    Connection pgc = null;
    boolean moved = false;
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
          throw new StoreException(Kind.CORRUPT, m + ": files: bad path " + Excerpt.quote(rel));
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
        if (pg != null && rel.equals(META)) {
          continue;
        }
        Path to = tmp.resolve(rel);
        Files.copy(backup.resolve(rel), to);
        fsync(to);
      }
      if (pg != null) {
        // A copy, so that opening it never adds -wal or -journal files to the backup.
        Files.copy(backup.resolve(META), work);
        pgc = openEmptyPostgres(pg, db);
        SqliteMetadata.migrate(work);
        try (Connection sq = DriverManager.getConnection("jdbc:sqlite:" + work)) {
          sq.setAutoCommit(false);
          for (String[] t : TABLES) {
            copyRows(sq, pgc, t[0], t[1]);
          }
          sq.rollback();
        }
        String binding = UUID.randomUUID().toString();
        try (PreparedStatement ps = pgc.prepareStatement(
            "INSERT INTO store_binding (binding_id) VALUES (?)")) {
          ps.setString(1, binding);
          ps.executeUpdate();
        }
        Path file = tmp.resolve(PostgresMetadata.BINDING_FILE);
        Files.writeString(file, binding + "\n", java.nio.charset.StandardCharsets.US_ASCII);
        fsync(file);
      }
      for (Path d : List.of(tmp.resolve("segments"), tmp.resolve("staging"), tmp)) {
        DurableFiles.fsyncDirectory(d);
      }
      if (Files.exists(target)) {
        Files.delete(target);
      }
      Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      moved = true;
      DurableFiles.fsyncDirectory(target.getParent());
      if (pgc != null) {
        pgc.commit();
      }
      moved = false;
      return new Summary(target, manifest.path("submissions").asInt(),
          manifest.path("uploads_in_progress").asInt(), manifest.path("log_size").asLong(),
          bytes);
    } catch (IOException | SQLException e) {
      throw new StoreException(Kind.IO, "restore of " + backup + " into "
          + (db == null ? "" : db + " and ") + dataDir + " failed: " + describe(e), e);
    } finally {
      MetadataDb.closeQuietly(pgc); // rolls back unless committed
      if (moved) {
        deleteQuietly(target); // the database was not written: leave no half restore
      }
      deleteQuietly(tmp);
      for (String suffix : List.of("", "-journal", "-wal", "-shm")) {
        try {
          Files.deleteIfExists(Path.of(work + suffix));
        } catch (IOException ignored) {
          // best effort, as deleteQuietly
        }
      }
    }
  }

  /**
   * Connects to the restore's target database, takes the clearinghouse's advisory lock (no
   * server may hold it meanwhile), migrates it and checks that it holds no store yet; returns
   * the connection in a transaction.
   */
  private static Connection openEmptyPostgres(PostgresSettings pg, String db)
      throws SQLException, StoreException {
    Connection c = PostgresMetadata.connect(pg, db, APPLICATION);
    try {
      try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
        ps.setLong(1, PostgresMetadata.LOCK_KEY);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (!rs.getBoolean(1)) {
            throw new StoreException(Kind.IO, db + ": a clearinghouse is using this database"
                + " (advisory lock " + PostgresMetadata.LOCK_KEY + " is taken); restore into"
                + " a new, empty database with no server running on it");
          }
        }
      }
      PostgresMetadata.migrate(pg, db);
      c.setAutoCommit(false);
      for (String table : List.of("store_binding", "uploads", "submissions", "records",
          "log_entries")) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
            "SELECT EXISTS (SELECT 1 FROM " + table + ")")) {
          rs.next();
          if (rs.getBoolean(1)) {
            throw new StoreException(Kind.IO, db + ": not empty (table " + table + " has"
                + " rows); restore into a new, empty database");
          }
        }
      }
      return c;
    } catch (SQLException | StoreException | RuntimeException e) {
      MetadataDb.closeQuietly(c);
      throw e;
    }
  }

  /**
   * Reads every metadata and log table of a PostgreSQL store in one {@code REPEATABLE READ,
   * READ ONLY} transaction and writes the rows to the new SQLite file {@code metaFile}, with
   * the embedded schema.
   */
  private static void snapshotPostgres(PostgresSettings pg, String db, String binding,
      Path dataDir, Path metaFile) throws SQLException, StoreException {
    try (Connection c = PostgresMetadata.connect(pg, db, APPLICATION)) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      }
      java.util.Set<String> tables = new java.util.TreeSet<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT table_name"
          + " FROM information_schema.tables WHERE table_schema = current_schema()")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      if (!tables.contains("store_binding") || !tables.contains("log_entries")) {
        throw new StoreException(Kind.CORRUPT, db + ": not a blindmatch store (no"
            + " store_binding or log_entries table)");
      }
      for (String t : tables) {
        if (!POSTGRES_TABLES.contains(t)) {
          throw new StoreException(Kind.CORRUPT, db + ": table " + t + " is unknown to this"
              + " build (a newer schema?); back up with the blindmatch version serving it");
        }
      }
      String inDb = null;
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT binding_id FROM store_binding")) {
        if (rs.next()) {
          inDb = rs.getString(1);
        }
      }
      if (!binding.equals(inDb)) {
        throw new StoreException(Kind.CORRUPT, db + " is not the store of " + dataDir
            + " (binding " + inDb + " in the database, " + binding + " in "
            + PostgresMetadata.BINDING_FILE + ")");
      }
      SqliteMetadata.migrate(metaFile);
      try (Connection sq = DriverManager.getConnection("jdbc:sqlite:" + metaFile)) {
        sq.setAutoCommit(false);
        for (String[] t : TABLES) {
          copyRows(c, sq, t[0], t[1]);
        }
        sq.commit();
      }
      c.rollback();
    }
  }

  /** Copies every row of {@code table}, in {@code order}, between stores of either kind. */
  private static long copyRows(Connection from, Connection to, String table, String order)
      throws SQLException, StoreException {
    List<String> cols = columns(to, table);
    List<String> fromCols = columns(from, table);
    if (!new java.util.HashSet<>(cols).equals(new java.util.HashSet<>(fromCols))) {
      throw new StoreException(Kind.CORRUPT, "table " + table + ": the source has columns "
          + fromCols + ", the target " + cols + " (different schema versions?)");
    }
    String list = String.join(", ", cols);
    String marks = String.join(", ", java.util.Collections.nCopies(cols.size(), "?"));
    long n = 0;
    try (Statement s = from.createStatement()) {
      s.setFetchSize(500);
      try (ResultSet rs = s.executeQuery("SELECT " + list + " FROM " + table + " ORDER BY "
              + order);
          PreparedStatement ps = to.prepareStatement("INSERT INTO " + table + " (" + list
              + ") VALUES (" + marks + ")")) {
        while (rs.next()) {
          for (int i = 1; i <= cols.size(); i++) {
            Object v = rs.getObject(i);
            if (v instanceof Number num) {
              ps.setLong(i, num.longValue());
            } else if (v instanceof byte[] b) {
              ps.setBytes(i, b);
            } else if (v instanceof String str) {
              ps.setString(i, str);
            } else if (v == null) {
              ps.setNull(i, rs.getMetaData().getColumnType(i));
            } else {
              throw new StoreException(Kind.CORRUPT, "table " + table + ", column "
                  + cols.get(i - 1) + ": unexpected value type " + v.getClass().getSimpleName());
            }
          }
          ps.addBatch();
          if (++n % 500 == 0) {
            ps.executeBatch();
          }
        }
        ps.executeBatch();
      }
    }
    return n;
  }

  private static List<String> columns(Connection c, String table) throws SQLException {
    List<String> cols = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0")) {
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
        cols.add(rs.getMetaData().getColumnName(i).toLowerCase(java.util.Locale.ROOT));
      }
    }
    return cols;
  }

  private static String describe(Exception e) {
    return e instanceof SQLException q ? PostgresDialect.INSTANCE.describe(q) : e.getMessage();
  }

  private static void requireId(String id) throws StoreException {
    if (!UploadSpec.isValidSubmissionId(id)) {
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
