-- blindmatch clearinghouse store, SQLite (embedded) schema version 1 (Flyway).
-- The same tables and invariants as the PostgreSQL migration of the same version
-- (org/blindmatch/server/store/postgres/migration). It is the schema the embedded store
-- had before it used Flyway (its schema_version 2), so such stores are baselined at
-- version 1 instead of migrated. Never edit an applied migration; add V2__..., V3__...

-- Ids are unique ignoring case because they name files, and some file systems ignore case.
CREATE TABLE uploads (
  submission_id    TEXT    NOT NULL COLLATE NOCASE PRIMARY KEY,
  submitter        TEXT    NOT NULL,
  role             INTEGER NOT NULL CHECK (role IN (1, 2)),
  scope_digest     BLOB    NOT NULL CHECK (length(scope_digest) = 32),
  key_id           INTEGER NOT NULL,
  tier_numbers     TEXT    NOT NULL,
  expected_records INTEGER NOT NULL CHECK (expected_records >= 0),
  next_seq         INTEGER NOT NULL CHECK (next_seq >= 0),
  durable_length   INTEGER NOT NULL
      CHECK (durable_length >= 0 AND durable_length % 33 = 0)
) STRICT;

CREATE TABLE submissions (
  submission_id    TEXT    NOT NULL COLLATE NOCASE PRIMARY KEY,
  submitter        TEXT    NOT NULL,
  role             INTEGER NOT NULL CHECK (role IN (1, 2)),
  scope_digest     BLOB    NOT NULL CHECK (length(scope_digest) = 32),
  key_id           INTEGER NOT NULL,
  tier_numbers     TEXT    NOT NULL,
  expected_records INTEGER NOT NULL CHECK (expected_records >= 0),
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
) STRICT;
CREATE INDEX submissions_by_input ON submissions (scope_digest, key_id, role) WHERE purged = 0;
CREATE INDEX submissions_by_expiry ON submissions (expires_at_s) WHERE purged = 0;

-- Defence in depth: the store checks this too, under its lock.
CREATE TRIGGER uploads_not_committed BEFORE INSERT ON uploads
WHEN EXISTS (SELECT 1 FROM submissions WHERE submission_id = NEW.submission_id)
BEGIN SELECT RAISE(ABORT, 'submission id already committed'); END;

CREATE TABLE records (
  kind  TEXT NOT NULL,
  key   TEXT NOT NULL,
  value BLOB NOT NULL,
  PRIMARY KEY (kind, key)
) STRICT;

-- The transparency log: idx is the leaf index. The triggers make the table append-only and
-- gap-free whatever the code does: idx must equal the row count.
CREATE TABLE log_entries (
  idx       INTEGER NOT NULL PRIMARY KEY CHECK (idx >= 0),
  entry_key TEXT    NOT NULL UNIQUE,
  entry     BLOB    NOT NULL
) STRICT;
CREATE TRIGGER log_entries_gap_free BEFORE INSERT ON log_entries
WHEN NEW.idx <> (SELECT count(*) FROM log_entries)
BEGIN SELECT RAISE(ABORT, 'log index must equal the number of entries'); END;
CREATE TRIGGER log_entries_no_update BEFORE UPDATE ON log_entries
BEGIN SELECT RAISE(ABORT, 'log entries are append-only'); END;
CREATE TRIGGER log_entries_no_delete BEFORE DELETE ON log_entries
BEGIN SELECT RAISE(ABORT, 'log entries are append-only'); END;
