-- blindmatch clearinghouse store, PostgreSQL schema version 1 (Flyway).
-- The same tables and invariants as the embedded store's SQLite schema (Schema.java,
-- versions 1 and 2). Never edit an applied migration; add V2__..., V3__... instead.

-- Ids are unique ignoring case because they name segment files, and some file systems
-- ignore case.
CREATE TABLE uploads (
  submission_id    TEXT    NOT NULL PRIMARY KEY,
  submitter        TEXT    NOT NULL,
  role             INTEGER NOT NULL CHECK (role IN (1, 2)),
  scope_digest     BYTEA   NOT NULL CHECK (length(scope_digest) = 32),
  key_id           INTEGER NOT NULL,
  tier_numbers     TEXT    NOT NULL,
  expected_records BIGINT  NOT NULL CHECK (expected_records >= 0),
  next_seq         BIGINT  NOT NULL CHECK (next_seq >= 0),
  durable_length   BIGINT  NOT NULL CHECK (durable_length >= 0 AND durable_length % 33 = 0)
);
CREATE UNIQUE INDEX uploads_id_ignoring_case ON uploads (lower(submission_id));

CREATE TABLE submissions (
  submission_id    TEXT    NOT NULL PRIMARY KEY,
  submitter        TEXT    NOT NULL,
  role             INTEGER NOT NULL CHECK (role IN (1, 2)),
  scope_digest     BYTEA   NOT NULL CHECK (length(scope_digest) = 32),
  key_id           INTEGER NOT NULL,
  tier_numbers     TEXT    NOT NULL,
  expected_records BIGINT  NOT NULL CHECK (expected_records >= 0),
  records          BIGINT  NOT NULL CHECK (records = expected_records),
  merkle_root      BYTEA   NOT NULL CHECK (length(merkle_root) = 32),
  body_sha256      BYTEA   NOT NULL CHECK (length(body_sha256) = 32),
  signature        BYTEA   NOT NULL,
  receipt          BYTEA   NOT NULL,
  committed_at_s   BIGINT  NOT NULL,
  committed_at_ns  INTEGER NOT NULL,
  expires_at_s     BIGINT  NOT NULL,
  expires_at_ns    INTEGER NOT NULL,
  purged           INTEGER NOT NULL DEFAULT 0 CHECK (purged IN (0, 1))
);
CREATE UNIQUE INDEX submissions_id_ignoring_case ON submissions (lower(submission_id));
CREATE INDEX submissions_by_input ON submissions (scope_digest, key_id, role) WHERE purged = 0;
CREATE INDEX submissions_by_expiry ON submissions (expires_at_s) WHERE purged = 0;

-- Defence in depth: the store checks this too, under its lock.
CREATE FUNCTION uploads_not_committed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM submissions
             WHERE lower(submission_id) = lower(NEW.submission_id)) THEN
    RAISE EXCEPTION 'submission id already committed';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER uploads_not_committed BEFORE INSERT ON uploads
  FOR EACH ROW EXECUTE FUNCTION uploads_not_committed();

CREATE TABLE records (
  kind  TEXT  NOT NULL,
  key   TEXT  NOT NULL,
  value BYTEA NOT NULL,
  PRIMARY KEY (kind, key)
);

-- The transparency log: idx is the leaf index. The triggers make the table append-only and
-- gap-free whatever the code does: idx must be one past the largest index.
CREATE TABLE log_entries (
  idx       BIGINT NOT NULL PRIMARY KEY CHECK (idx >= 0),
  entry_key TEXT   NOT NULL UNIQUE,
  entry     BYTEA  NOT NULL
);
CREATE FUNCTION log_entries_gap_free() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.idx <> (SELECT coalesce(max(idx) + 1, 0) FROM log_entries) THEN
    RAISE EXCEPTION 'log index must equal the number of entries';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER log_entries_gap_free BEFORE INSERT ON log_entries
  FOR EACH ROW EXECUTE FUNCTION log_entries_gap_free();
CREATE FUNCTION log_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'log entries are append-only';
END
$$;
CREATE TRIGGER log_entries_no_update_or_delete BEFORE UPDATE OR DELETE ON log_entries
  FOR EACH ROW EXECUTE FUNCTION log_entries_append_only();
CREATE TRIGGER log_entries_no_truncate BEFORE TRUNCATE ON log_entries
  FOR EACH STATEMENT EXECUTE FUNCTION log_entries_append_only();

-- Which data directory holds this database's segment files: one row, written at the first
-- start and matched against data_dir/postgresql-store.id at every start, so a database is
-- never used with another directory's segments (whose recovery would delete them).
CREATE TABLE store_binding (
  singleton  BOOLEAN NOT NULL PRIMARY KEY DEFAULT TRUE CHECK (singleton),
  binding_id TEXT    NOT NULL
);
