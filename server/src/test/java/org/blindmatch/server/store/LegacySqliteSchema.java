package org.blindmatch.server.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The embedded store's schema as builds before Flyway wrote it ({@code Schema.java}, versions
 * 1 and 2, recorded in {@code schema_version}), to check that such stores are baselined.
 * Frozen: never change it.
 */
final class LegacySqliteSchema {
  private static final String SPEC_COLUMNS = """
        submission_id    TEXT    NOT NULL COLLATE NOCASE PRIMARY KEY,
        submitter        TEXT    NOT NULL,
        role             INTEGER NOT NULL CHECK (role IN (1, 2)),
        scope_digest     BLOB    NOT NULL CHECK (length(scope_digest) = 32),
        key_id           INTEGER NOT NULL,
        tier_numbers     TEXT    NOT NULL,
        expected_records INTEGER NOT NULL CHECK (expected_records >= 0),
      """;

  /** Version {@code i + 1}'s statements, as {@code Schema.java} ran them. */
  static final List<List<String>> MIGRATIONS = List.of(
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

  private LegacySqliteSchema() {}

  /** Creates {@code meta.sqlite} in {@code dir} as a pre-Flyway build at {@code version}. */
  static void create(Path dir, int version) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("meta.sqlite"));
        Statement s = c.createStatement()) {
      s.executeUpdate("PRAGMA journal_mode = WAL");
      s.executeUpdate("CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY)"
          + " STRICT");
      for (int v = 1; v <= version; v++) {
        for (String sql : MIGRATIONS.get(v - 1)) {
          s.executeUpdate(sql);
        }
        s.executeUpdate("INSERT INTO schema_version (version) VALUES (" + v + ")");
      }
    }
  }
}
