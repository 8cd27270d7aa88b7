package org.blindmatch.server.store;

import static org.blindmatch.server.store.Fixtures.assertKind;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.blindmatch.server.store.StoreException.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.blindmatch.server.store.segment.SegmentSubmissionStore;

/** The embedded store's SQLite schema; {@link PostgresSchemaTest} is its PostgreSQL twin. */
class SchemaTest {
  @TempDir Path dir;

  private String query(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("meta.sqlite"));
        Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private void update(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("meta.sqlite"));
        Statement s = c.createStatement()) {
      s.executeUpdate(sql);
    }
  }

  @Test
  void migratesWithFlywayOnceInAWalDatabase() throws Exception {
    SegmentSubmissionStore.open(dir, MetadataLocation.embedded()).close();
    assertEquals("wal", query("PRAGMA journal_mode"));
    assertEquals("1", query("SELECT max(version) FROM flyway_schema_history WHERE success"));
    SegmentSubmissionStore.open(dir, MetadataLocation.embedded()).close();
    assertEquals("1", query("SELECT count(*) FROM flyway_schema_history WHERE version IS NOT"
        + " NULL"));
    assertEquals("0", query("SELECT count(*) FROM sqlite_schema WHERE name = 'schema_version'"));
  }

  @Test
  void refusesNewerSchema() throws Exception {
    SegmentSubmissionStore.open(dir, MetadataLocation.embedded()).close();
    update("INSERT INTO flyway_schema_history (installed_rank, version, description, type,"
        + " script, checksum, installed_by, execution_time, success) VALUES (99, '999',"
        + " 'future', 'SQL', 'V999__future.sql', 0, 'someone', 0, 1)");
    StoreException e = assertKind(Kind.CORRUPT, () -> SegmentSubmissionStore.open(dir, MetadataLocation.embedded()));
    assertTrue(e.getMessage().contains("999"), e.getMessage());
  }

  /** A store written before Flyway (Schema.java, version 2) is baselined, its data kept. */
  @Test
  void baselinesAStoreFromBeforeFlyway() throws Exception {
    Files.createDirectories(dir);
    LegacySqliteSchema.create(dir, 2);
    update("INSERT INTO records (kind, key, value) VALUES ('transcript', 'run-1', x'01')");
    update("INSERT INTO log_entries (idx, entry_key, entry) VALUES (0, 'scope', x'02')");
    try (SegmentSubmissionStore store = SegmentSubmissionStore.open(dir,
        MetadataLocation.embedded())) {
      assertArrayEquals(new byte[] {1}, store.transcript("run-1").orElseThrow());
      assertEquals(1, store.logSize());
      Fixtures.upload(store, Fixtures.report("r", 1), Fixtures.records(1, 1), 1);
      Fixtures.commit(store, Fixtures.report("r", 1));
    }
    assertEquals("1", query("SELECT version FROM flyway_schema_history WHERE type = 'BASELINE'"));
    assertEquals("0", query("SELECT count(*) FROM sqlite_schema WHERE name = 'schema_version'"));
    SegmentSubmissionStore.open(dir, MetadataLocation.embedded()).close();
    assertEquals("1", query("SELECT count(*) FROM flyway_schema_history"));
    assertThrows(SQLException.class, () -> update("DELETE FROM log_entries"));
  }

  @Test
  void refusesAStoreFromBeforeFlywayAtAnotherVersion() throws Exception {
    Files.createDirectories(dir);
    LegacySqliteSchema.create(dir, 1);
    StoreException e = assertKind(Kind.CORRUPT,
        () -> SegmentSubmissionStore.open(dir, MetadataLocation.embedded()));
    assertTrue(e.getMessage().contains("schema_version 1"), e.getMessage());
  }

  @Test
  void refusesForeignDatabase() throws Exception {
    Files.createDirectories(dir);
    update("CREATE TABLE other (x)");
    assertKind(Kind.CORRUPT, () -> SegmentSubmissionStore.open(dir, MetadataLocation.embedded()));
  }

  @Test
  void databaseRejectsUploadOfCommittedId() throws Exception {
    try (SegmentSubmissionStore store = SegmentSubmissionStore.open(dir, MetadataLocation.embedded())) {
      Fixtures.upload(store, Fixtures.report("r", 1), Fixtures.records(1, 1), 1);
      Fixtures.commit(store, Fixtures.report("r", 1));
    }
    assertThrows(SQLException.class, () -> update("INSERT INTO uploads VALUES ('R', 'x', 1,"
        + " zeroblob(32), 1, '0', 1, 0, 0)"));
  }
}
