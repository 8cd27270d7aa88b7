package org.blindmatch.server.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.blindmatch.server.store.StoreException.Kind;

/**
 * Versioned schema of {@code meta.sqlite}. Migration {@code i} (1-based) upgrades version
 * {@code i - 1} to {@code i}; each runs in its own transaction together with the row that
 * records it in {@code schema_version}. Append new migrations; never edit applied ones.
 */
final class Schema {
  private static final String SPEC_COLUMNS = """
        submission_id    TEXT    NOT NULL COLLATE NOCASE PRIMARY KEY,
        submitter        TEXT    NOT NULL,
        role             INTEGER NOT NULL CHECK (role IN (1, 2)),
        scope_digest     BLOB    NOT NULL CHECK (length(scope_digest) = 32),
        key_id           INTEGER NOT NULL,
        tier_numbers     TEXT    NOT NULL,
        expected_records INTEGER NOT NULL CHECK (expected_records >= 0),
      """;

  private static final List<List<String>> MIGRATIONS = List.of(
      List.of(
          // Ids are unique ignoring case because they name files, and some file systems
          // ignore case.
          "CREATE TABLE uploads (" + SPEC_COLUMNS + """
                next_seq         INTEGER NOT NULL CHECK (next_seq >= 0),
                durable_length   INTEGER NOT NULL
                    CHECK (durable_length >= 0 AND durable_length % 33 = 0)
              ) STRICT""",
          "CREATE TABLE submissions (" + SPEC_COLUMNS + """
                records          INTEGER NOT NULL CHECK (records = expected_records),
                merkle_root      BLOB    NOT NULL CHECK (length(merkle_root) = 32),
                body_sha256      BLOB    NOT NULL CHECK (length(body_sha256) = 32),
                signature        BLOB    NOT NULL,
                receipt          BLOB    NOT NULL,
                committed_at_s   INTEGER NOT NULL,
                committed_at_ns  INTEGER NOT NULL,
                expires_at_s     INTEGER NOT NULL,
                expires_at_ns    INTEGER NOT NULL,
                purged           INTEGER NOT NULL DEFAULT 0 CHECK (purged IN (0, 1))
              ) STRICT""",
          """
              CREATE INDEX submissions_by_input
                ON submissions (scope_digest, key_id, role) WHERE purged = 0""",
          """
              CREATE INDEX submissions_by_expiry
                ON submissions (expires_at_s) WHERE purged = 0""",
          // Defence in depth: the store checks this too, under its lock.
          """
              CREATE TRIGGER uploads_not_committed BEFORE INSERT ON uploads
              WHEN EXISTS (SELECT 1 FROM submissions WHERE submission_id = NEW.submission_id)
              BEGIN SELECT RAISE(ABORT, 'submission id already committed'); END""",
          """
              CREATE TABLE records (
                kind  TEXT NOT NULL,
                key   TEXT NOT NULL,
                value BLOB NOT NULL,
                PRIMARY KEY (kind, key)
              ) STRICT"""),
      List.of(
          // The transparency log: idx is the leaf index. The triggers make the table
          // append-only and gap-free whatever the code does: idx must equal the row count.
          """
              CREATE TABLE log_entries (
                idx       INTEGER NOT NULL PRIMARY KEY CHECK (idx >= 0),
                entry_key TEXT    NOT NULL UNIQUE,
                entry     BLOB    NOT NULL
              ) STRICT""",
          """
              CREATE TRIGGER log_entries_gap_free BEFORE INSERT ON log_entries
              WHEN NEW.idx <> (SELECT count(*) FROM log_entries)
              BEGIN SELECT RAISE(ABORT, 'log index must equal the number of entries'); END""",
          """
              CREATE TRIGGER log_entries_no_update BEFORE UPDATE ON log_entries
              BEGIN SELECT RAISE(ABORT, 'log entries are append-only'); END""",
          """
              CREATE TRIGGER log_entries_no_delete BEFORE DELETE ON log_entries
              BEGIN SELECT RAISE(ABORT, 'log entries are append-only'); END"""));

  private Schema() {}

  /** The version this build writes. */
  static int latestVersion() {
    return MIGRATIONS.size();
  }

  /**
   * Brings the database to {@link #latestVersion()}.
   *
   * @throws StoreException {@code CORRUPT} if the file is another application's database or
   *     was written by a newer version
   */
  static void migrate(Connection c) throws SQLException, StoreException {
    int version = currentVersion(c);
    if (version > latestVersion()) {
      throw new StoreException(Kind.CORRUPT, "metadata schema version " + version
          + " is newer than this build supports (" + latestVersion() + ")");
    }
    for (int v = version + 1; v <= latestVersion(); v++) {
      try (Statement s = c.createStatement()) {
        for (String sql : MIGRATIONS.get(v - 1)) {
          s.executeUpdate(sql);
        }
        s.executeUpdate("INSERT INTO schema_version (version) VALUES (" + v + ")");
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private static int currentVersion(Connection c) throws SQLException, StoreException {
    try (Statement s = c.createStatement()) {
      boolean hasVersionTable;
      int tables;
      try (ResultSet rs = s.executeQuery("SELECT count(*), "
          + "coalesce(sum(name = 'schema_version'), 0) FROM sqlite_schema WHERE type = 'table'")) {
        rs.next();
        tables = rs.getInt(1);
        hasVersionTable = rs.getInt(2) == 1;
      }
      if (!hasVersionTable) {
        if (tables > 0) {
          throw new StoreException(Kind.CORRUPT,
              "metadata database has tables but no schema_version: not a blindmatch store");
        }
        s.executeUpdate("CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY)"
            + " STRICT");
        c.commit();
        return 0;
      }
      try (ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
