package org.blindmatch.server.store;

import org.blindmatch.testing.PostgresFixture;
import static org.blindmatch.server.store.Fixtures.assertKind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.blindmatch.server.store.StoreException.Kind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.blindmatch.server.store.segment.SegmentSubmissionStore;
import org.blindmatch.server.store.postgres.PostgresMetadata;

/**
 * What only the PostgreSQL store has: Flyway migrations, the single-writer advisory lock,
 * the binding between database and data directory, database-side invariants, and readiness
 * that follows the connection. {@link SchemaTest} is the embedded twin.
 */
class PostgresSchemaTest {
  @TempDir Path dir;
  @TempDir Path otherDir;
  PostgresSettings pg;

  @BeforeEach
  void database() {
    pg = StoreConformance.postgres(PostgresFixture.newDatabase());
  }

  private Connection connect() throws SQLException {
    Connection c = DriverManager.getConnection(pg.url(), pg.user(), pg.password());
    c.setAutoCommit(true);
    return c;
  }

  private String query(String sql) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private void update(String sql) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.executeUpdate(sql);
    }
  }

  @Test
  void migratesWithFlywayOnceAndBindsTheDirectory() throws Exception {
    SegmentSubmissionStore.open(dir, pg).close();
    assertEquals("1", query("SELECT max(version) FROM flyway_schema_history WHERE success"));
    SegmentSubmissionStore.open(dir, pg).close();
    assertEquals("1", query("SELECT count(*) FROM flyway_schema_history WHERE version IS NOT"
        + " NULL"));
    assertEquals(query("SELECT binding_id FROM store_binding"),
        Files.readString(dir.resolve(PostgresMetadata.BINDING_FILE)).strip());
    assertFalse(Files.exists(dir.resolve("meta.sqlite")));
  }

  @Test
  void refusesNewerSchema() throws Exception {
    SegmentSubmissionStore.open(dir, pg).close();
    update("INSERT INTO flyway_schema_history (installed_rank, version, description, type,"
        + " script, checksum, installed_by, execution_time, success) VALUES (99, '999',"
        + " 'future', 'SQL', 'V999__future.sql', 0, current_user, 0, true)");
    StoreException e = assertKind(Kind.CORRUPT, () -> SegmentSubmissionStore.open(dir, pg));
    assertTrue(e.getMessage().contains("999"), e.getMessage());
  }

  @Test
  void refusesForeignDatabase() throws Exception {
    update("CREATE TABLE other (x integer)");
    StoreException e = assertKind(Kind.CORRUPT, () -> SegmentSubmissionStore.open(dir, pg));
    assertTrue(e.getMessage().contains("schema migration refused"), e.getMessage());
  }

  @Test
  void oneClearinghousePerDatabase() throws Exception {
    PostgresSettings noWait = new PostgresSettings(pg.url(), pg.user(), pg.password(), Duration.ZERO);
    try (SegmentSubmissionStore first = SegmentSubmissionStore.open(dir, pg)) {
      StoreException e = assertKind(Kind.IO,
          () -> SegmentSubmissionStore.open(otherDir, noWait));
      assertTrue(e.getMessage().contains("another clearinghouse holds this database"),
          e.getMessage());
      Fixtures.upload(first, Fixtures.report("r", 1), Fixtures.records(1, 1), 1);
      Fixtures.commit(first, Fixtures.report("r", 1));
    }
    // Unlocked now, but the database holds the segments of the first directory.
    StoreException e = assertKind(Kind.CORRUPT,
        () -> SegmentSubmissionStore.open(otherDir, noWait));
    assertTrue(e.getMessage().contains("another data directory"), e.getMessage());
    assertTrue(Files.exists(dir.resolve("segments/r.seg")));
    try (SegmentSubmissionStore again = SegmentSubmissionStore.open(dir, noWait)) {
      assertEquals(1, again.listAll().size());
    }
  }

  @Test
  void aDataDirectoryBelongsToOneStoreKind() throws Exception {
    SegmentSubmissionStore.open(dir, MetadataLocation.embedded()).close();
    StoreException e = assertKind(Kind.CORRUPT, () -> SegmentSubmissionStore.open(dir, pg));
    assertTrue(e.getMessage().contains("embedded store"), e.getMessage());

    try (SegmentSubmissionStore store = SegmentSubmissionStore.open(otherDir, pg)) {
      Fixtures.upload(store, Fixtures.report("r", 1), Fixtures.records(1, 1), 1);
      Fixtures.commit(store, Fixtures.report("r", 1));
    }
    e = assertKind(Kind.CORRUPT,
        () -> SegmentSubmissionStore.open(otherDir, MetadataLocation.embedded()));
    assertTrue(e.getMessage().contains("PostgreSQL store"), e.getMessage());
    assertTrue(Files.exists(otherDir.resolve("segments/r.seg")), "segments untouched");
    assertFalse(Files.exists(otherDir.resolve("meta.sqlite")));
  }

  @Test
  void databaseEnforcesIdsAndAnAppendOnlyLog() throws Exception {
    try (SegmentSubmissionStore store = SegmentSubmissionStore.open(dir, pg)) {
      Fixtures.upload(store, Fixtures.report("r", 1), Fixtures.records(1, 1), 1);
      Fixtures.commit(store, Fixtures.report("r", 1));
      store.appendLogEntry("k", new byte[] {1}, index -> new byte[] {2});
    }
    SQLException e = assertThrows(SQLException.class, () -> update("INSERT INTO uploads VALUES"
        + " ('R', 'x', 1, decode(repeat('00', 32), 'hex'), 1, '0', 1, 0, 0)"));
    assertTrue(e.getMessage().contains("already committed"), e.getMessage());
    e = assertThrows(SQLException.class, () -> update("INSERT INTO submissions SELECT 'R', "
        + "submitter, role, scope_digest, key_id, tier_numbers, expected_records, records,"
        + " merkle_root, body_sha256, signature, receipt, committed_at_s, committed_at_ns,"
        + " expires_at_s, expires_at_ns, purged FROM submissions"));
    assertTrue(e.getMessage().contains("submissions_id_ignoring_case"), e.getMessage());
    e = assertThrows(SQLException.class, () -> update("TRUNCATE log_entries"));
    assertTrue(e.getMessage().contains("append-only"), e.getMessage());
  }

  @Test
  void readinessFollowsTheConnectionAndNoPasswordIsShown() throws Exception {
    try (SegmentSubmissionStore store = SegmentSubmissionStore.open(dir, pg)) {
      assertTrue(store.isReady());
      query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name"
          + " = 'blindmatch-clearinghouse' AND datname = current_database()");
      // The readiness check replaces the lost session (taking the advisory lock again).
      assertTrue(store.isReady());
      assertTrue(store.listAll().isEmpty(), "a call succeeds on the new session");
    }
    PostgresSettings wrong = new PostgresSettings(pg.url(), pg.user(), "not-the-password-42",
        Duration.ZERO);
    assertFalse(wrong.toString().contains("not-the-password-42"));
    StoreException e = assertKind(Kind.IO, () -> SegmentSubmissionStore.open(otherDir, wrong));
    assertTrue(e.getMessage().contains("cannot connect as " + pg.user()), e.getMessage());
    assertFalse(e.getMessage().contains("not-the-password-42"), e.getMessage());
  }
}
