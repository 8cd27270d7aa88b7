package org.blindmatch.server.store;

import static org.blindmatch.server.store.Fixtures.assertKind;
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
  void createsVersionedWalDatabase() throws Exception {
    SegmentSubmissionStore.open(dir, MetadataLocation.embedded()).close();
    assertEquals("wal", query("PRAGMA journal_mode"));
    assertEquals(String.valueOf(Schema.latestVersion()),
        query("SELECT max(version) FROM schema_version"));
    SegmentSubmissionStore.open(dir, MetadataLocation.embedded()).close();
    assertEquals(String.valueOf(Schema.latestVersion()),
        query("SELECT count(*) FROM schema_version"));
  }

  @Test
  void refusesNewerSchema() throws Exception {
    SegmentSubmissionStore.open(dir, MetadataLocation.embedded()).close();
    update("INSERT INTO schema_version VALUES (999)");
    StoreException e = assertKind(Kind.CORRUPT, () -> SegmentSubmissionStore.open(dir, MetadataLocation.embedded()));
    assertTrue(e.getMessage().contains("999"), e.getMessage());
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
