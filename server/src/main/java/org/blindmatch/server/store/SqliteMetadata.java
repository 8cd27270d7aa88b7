package org.blindmatch.server.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.blindmatch.server.store.StoreException.Kind;
import org.sqlite.SQLiteConfig;

/**
 * Opens the embedded metadata database {@code meta.sqlite}: one SQLite connection in WAL mode
 * with {@code synchronous=FULL}, so a transaction that has committed survives a crash or power
 * loss. Its schema is versioned by {@link Schema}. The data directory's file lock makes the
 * opener its only writer.
 */
final class SqliteMetadata {
  private SqliteMetadata() {}

  /**
   * Opens or creates the database and migrates its schema.
   *
   * @throws StoreException {@code IO} if it cannot be opened or does not accept the required
   *     durability settings; {@code CORRUPT} if it is not a store of a known version
   */
  static MetadataDb open(Path file) throws StoreException {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.enforceForeignKeys(true);
    config.setBusyTimeout(10_000);
    Connection c = null;
    try {
      c = config.createConnection("jdbc:sqlite:" + file);
      // The crash promise depends on these; refuse to run if SQLite did not apply them.
      requirePragma(c, "journal_mode", "wal");
      requirePragma(c, "synchronous", "2");
      requirePragma(c, "foreign_keys", "1");
      c.setAutoCommit(false);
      Schema.migrate(c);
      return new MetadataDb(c, SqlDialect.SQLITE);
    } catch (SQLException e) {
      MetadataDb.closeQuietly(c);
      throw new StoreException(Kind.IO, file + ": cannot open metadata database: "
          + e.getMessage(), e);
    } catch (StoreException | RuntimeException e) {
      MetadataDb.closeQuietly(c);
      throw e;
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
