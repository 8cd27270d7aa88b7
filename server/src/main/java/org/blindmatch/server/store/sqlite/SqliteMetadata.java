package org.blindmatch.server.store.sqlite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.blindmatch.server.store.StoreException;
import org.blindmatch.server.store.StoreException.Kind;
import org.blindmatch.server.store.files.DataDir;
import org.blindmatch.server.store.jdbc.MetadataDb;
import org.blindmatch.server.store.jdbc.Migrations;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Opens the embedded metadata database {@code meta.sqlite} in a data directory: every
 * connection (the store's and Flyway's) in WAL mode with {@code synchronous=FULL}, so a
 * transaction that has committed survives a crash or power loss. The schema is migrated with
 * Flyway from {@code classpath:}{@value #MIGRATIONS} (see {@link Migrations}), as the
 * PostgreSQL backend's is. The data directory's file lock makes the opener its only writer.
 *
 * <p><b>Stores from before Flyway.</b> A database with the old {@code schema_version} table at
 * version 2 has exactly the tables of migration 1; it is baselined at version 1 (Flyway
 * records it as applied, nothing else changes) and the old table is dropped. Any other
 * {@code schema_version} is refused as {@code CORRUPT} (the project is pre-release: such a
 * store is started once with a pre-Flyway build, or recreated).
 *
 * <p>Stateless; every method may be called from any thread.
 */
public final class SqliteMetadata {
  /** The classpath folder of the SQLite migrations. */
  public static final String MIGRATIONS = "org/blindmatch/server/store/sqlite/migration";
  /** The last version of the pre-Flyway schema, identical to Flyway version 1. */
  static final int LEGACY_VERSION = 2;
  private static final String LEGACY_TABLE = "schema_version";
  private static final String HISTORY_TABLE = "flyway_schema_history";

  private SqliteMetadata() {}

  /**
   * Opens or creates {@code dir}'s {@code meta.sqlite} and migrates its schema.
   *
   * @throws StoreException {@code IO} if it cannot be opened or does not accept the required
   *     durability settings; {@code CORRUPT} if it is not a store of a known version, or the
   *     directory holds a PostgreSQL store's segments
   */
  public static MetadataDb open(DataDir dir) throws StoreException {
    Path binding = dir.root().resolve(DataDir.POSTGRES_BINDING_FILE);
    if (Files.exists(binding)) {
      // Opening SQLite here would find every segment orphaned and delete it.
      throw new StoreException(Kind.CORRUPT, dir.root() + " holds the segments of a"
          + " PostgreSQL store (" + binding.getFileName() + "); a data directory belongs to"
          + " one store kind");
    }
    Path file = dir.metaFile();
    if (!Files.exists(file)) {
      requireNoData(dir);
    }
    migrate(file);
    return new MetadataDb(connect(file), SqliteDialect.INSTANCE, () -> connect(file));
  }

  /** A connection to {@code file} with the durability settings checked, auto-commit off. */
  private static Connection connect(Path file) throws StoreException {
    Connection c = null;
    try {
      c = config().createConnection("jdbc:sqlite:" + file);
      // The crash promise depends on these; refuse to run if SQLite did not apply them.
      requirePragma(c, "journal_mode", "wal");
      requirePragma(c, "synchronous", "2");
      requirePragma(c, "foreign_keys", "1");
      c.setAutoCommit(false);
      return c;
    } catch (SQLException e) {
      MetadataDb.closeQuietly(c);
      throw new StoreException(Kind.IO, file + ": cannot open metadata database: "
          + e.getMessage(), e);
    } catch (StoreException | RuntimeException e) {
      MetadataDb.closeQuietly(c);
      throw e;
    }
  }

  /**
   * A new {@code meta.sqlite} belongs in a directory without segments or staged files: one
   * beside them means the old one was deleted, and a new one would orphan every segment.
   */
  private static void requireNoData(DataDir dir) throws StoreException {
    long files;
    try (var segments = Files.list(dir.segmentsDir());
        var staged = Files.list(dir.stagingDir())) {
      files = segments.count() + staged.count();
    } catch (IOException e) {
      throw new StoreException(Kind.IO, dir.root() + ": cannot list: " + e, e);
    }
    if (files > 0) {
      throw new StoreException(Kind.CORRUPT, dir.metaFile() + " is missing but "
          + dir.root() + " holds " + files + " file(s) in segments/ and staging/: the metadata"
          + " and transparency log of this store were deleted. Nothing was changed. Restore"
          + " the data directory from a backup (blindmatch admin restore, docs/OPERATIONS.md"
          + " \"Start-up recovery and orphans\"); a directory that no backup holds can only be"
          + " moved aside to start"
          + " a new store");
    }
  }

  /**
   * Creates {@code file} if needed and brings it to the latest schema (baselining a store from
   * before Flyway). The caller makes sure no other process writes it meanwhile (the data
   * directory's lock, or a file of its own such as a backup's).
   *
   * @throws StoreException {@code CORRUPT} if the file is another application's database, was
   *     written by a newer version or by a pre-Flyway version other than
   *     {@value #LEGACY_VERSION}; {@code IO} if it cannot be read or written
   */
  public static void migrate(Path file) throws StoreException {
    SQLiteDataSource ds = new SQLiteDataSource(config());
    ds.setUrl("jdbc:sqlite:" + file);
    Flyway flyway = Migrations.configure(MIGRATIONS).dataSource(ds).load();
    String where = "SQLite " + file;
    try (Connection c = ds.getConnection()) {
      boolean legacy = hasTable(c, LEGACY_TABLE);
      if (legacy && !hasTable(c, HISTORY_TABLE)) {
        int version = legacyVersion(c);
        if (version != LEGACY_VERSION) {
          throw new StoreException(Kind.CORRUPT, where + ": metadata schema_version "
              + version + " (from before Flyway) is not " + LEGACY_VERSION
              + "; start it once with a blindmatch build from before Flyway (which upgrades it"
              + " to version " + LEGACY_VERSION + "), or recreate it");
        }
        try {
          flyway.baseline();
        } catch (FlywayException e) {
          throw new StoreException(Kind.CORRUPT, where + ": cannot baseline the pre-Flyway"
              + " schema: " + e.getMessage(), e);
        }
      }
      Migrations.migrate(flyway, where);
      if (legacy) {
        try (Statement s = c.createStatement()) {
          s.executeUpdate("DROP TABLE " + LEGACY_TABLE);
        }
      }
    } catch (SQLException e) {
      throw new StoreException(Kind.IO, file + ": cannot open metadata database: "
          + e.getMessage(), e);
    }
  }

  /** WAL, {@code synchronous=FULL}, foreign keys and a busy timeout, for every connection. */
  private static SQLiteConfig config() {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.enforceForeignKeys(true);
    config.setBusyTimeout(10_000);
    return config;
  }

  private static boolean hasTable(Connection c, String name) throws SQLException {
    try (var ps = c.prepareStatement(
        "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static int legacyVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM "
            + LEGACY_TABLE)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static void requirePragma(Connection c, String name, String expected)
      throws SQLException, StoreException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
      String actual = rs.next() ? rs.getString(1) : null;
      if (!expected.equalsIgnoreCase(actual)) {
        throw new StoreException(Kind.IO, "SQLite refused PRAGMA " + name + "=" + expected
            + " (got " + actual + ")");
      }
    }
  }
}
