package org.blindmatch.server.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.blindmatch.server.store.LogStorage;
import org.blindmatch.server.store.StoreException;
import org.blindmatch.server.store.StoreException.Kind;
import org.blindmatch.server.store.StoredSubmission;
import org.blindmatch.server.store.UploadSpec;

/**
 * The generic JDBC metadata logic shared by every backend: uploads, submissions, typed
 * records ({@link RecordKind}) and transparency log entries with their seal, over one JDBC
 * connection whose schema a backend ({@code store.sqlite}, {@code store.postgres}) has
 * migrated. The SQL is shared; the few differences are the backend's {@link SqlDialect}.
 *
 * <p>Every method is one transaction: committed when it returns, rolled back when it throws.
 * Database failures are {@link Kind#IO} with the dialect's description of the cause. A
 * failure that leaves the connection unusable — its rollback fails too, as after SQLite's
 * automatic rollback on a full disk, or the connection is lost — discards the connection, and
 * the next call (or {@link #isReachable()}) opens a new one through the backend's
 * {@link Connector}, so the store recovers by itself once the cause is gone. The
 * methods are {@code synchronized}, so the class is thread-safe and the connection is used by
 * one thread at a time; this object must be the database's only writer (the backend holds a
 * file lock or an advisory lock). Arguments are not validated here beyond what the schema
 * enforces; callers validate them. After {@link #close()} every method but
 * {@link #isReachable()} throws {@link IllegalStateException}.
 *
 * <p>Id lookups return exact matches only; ids are unique ignoring letter case (see the
 * schemas), and {@link #idTakenIgnoringCase} exposes that.
 */
public final class MetadataDb implements AutoCloseable {
  private static final String SPEC_COLUMNS =
      "submission_id, submitter, role, scope_digest, key_id, tier_numbers, expected_records";
  private static final String SUBMISSION_COLUMNS = SPEC_COLUMNS
      + ", records, merkle_root, body_sha256, signature, receipt, committed_at_s,"
      + " committed_at_ns, expires_at_s, expires_at_ns, purged";
  private static final int VALID_TIMEOUT_SECONDS = 5;

  private final Connector connector;
  private final SqlDialect dialect;
  private Connection conn;
  /** The connection failed in a way a rollback could not repair; replace it before use. */
  private boolean broken;
  private final String orderById;
  private boolean closed;

  /**
   * Opens a replacement connection after a failure: auto-commit off, schema migrated (it
   * was at the first open), this process holding the database's single-writer lock again.
   */
  @FunctionalInterface
  public interface Connector {
    /**
     * A new connection.
     *
     * @throws StoreException {@code IO} if the database cannot be reached or its lock taken;
     *     {@code CORRUPT} if it is no longer this store's
     */
    Connection connect() throws StoreException;
  }

  /**
   * Takes over {@code conn}, which must have auto-commit off, the schema migrated and this
   * process holding the database's single-writer lock; {@code connector} replaces it after a
   * failure that leaves it unusable.
   */
  public MetadataDb(Connection conn, SqlDialect dialect, Connector connector) {
    this.conn = conn;
    this.connector = connector;
    this.dialect = dialect;
    this.orderById = " ORDER BY submission_id COLLATE " + dialect.bytewiseCollation();
  }

  /**
   * Whether the database answers: false once closed, or when the connection is lost and a
   * new one (with the backend's lock) cannot be opened now. Tries to replace a broken or
   * lost connection, so a readiness probe also heals the store while no call arrives.
   */
  public synchronized boolean isReachable() {
    if (closed) {
      return false;
    }
    try {
      if (!broken && conn.isValid(VALID_TIMEOUT_SECONDS)) {
        return true;
      }
      broken = true;
      ensureConnection("check the metadata database");
      return conn.isValid(VALID_TIMEOUT_SECONDS);
    } catch (StoreException e) {
      return false;
    } catch (SQLException e) {
      return false;
    }
  }

  // ---- uploads ----

  /** The upload with exactly this id, if any. */
  public synchronized Optional<UploadRow> findUpload(String id) throws StoreException {
    return tx("read upload " + id, () -> {
      try (PreparedStatement ps = conn.prepareStatement("SELECT " + SPEC_COLUMNS
          + ", next_seq, durable_length FROM uploads WHERE submission_id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(uploadRow(rs)).filter(u -> u.submissionId().equals(id))
              : Optional.<UploadRow>empty();
        }
      }
    });
  }

  /** Every upload, ordered by id bytewise. */
  public synchronized List<UploadRow> allUploads() throws StoreException {
    return tx("list uploads", () -> {
      List<UploadRow> rows = new ArrayList<>();
      try (PreparedStatement ps = conn.prepareStatement("SELECT " + SPEC_COLUMNS
          + ", next_seq, durable_length FROM uploads" + orderById);
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(uploadRow(rs));
        }
      }
      return rows;
    });
  }

  /** Whether an upload or submission has this id up to letter case. */
  public synchronized boolean idTakenIgnoringCase(String id) throws StoreException {
    String match = dialect.idEqualsIgnoringCase();
    return tx("look up " + id, () -> {
      try (PreparedStatement ps = conn.prepareStatement(
          "SELECT EXISTS (SELECT 1 FROM uploads WHERE " + match + ")"
              + " OR EXISTS (SELECT 1 FROM submissions WHERE " + match + ")")) {
        ps.setString(1, id);
        ps.setString(2, id);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getBoolean(1);
        }
      }
    });
  }

  /**
   * Inserts a new upload at sequence 0.
   *
   * @throws StoreException {@code IO} also if the id is taken (the schema refuses it)
   */
  public synchronized void insertUpload(UploadSpec spec) throws StoreException {
    tx("create upload " + spec.submissionId(), () -> {
      try (PreparedStatement ps = conn.prepareStatement("INSERT INTO uploads (" + SPEC_COLUMNS
          + ", next_seq, durable_length) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0)")) {
        bindSpec(ps, spec);
        ps.executeUpdate();
      }
      return null;
    });
  }

  /**
   * Records a durably appended chunk.
   *
   * @throws StoreException {@code CONFLICT} if the upload's progress is no longer
   *     {@code expectedNext} (a concurrent append, which the store's locking rules out)
   */
  public synchronized void advanceUpload(String id, long expectedNext, long next, long durableLength)
      throws StoreException {
    tx("record chunk of " + id, () -> {
      try (PreparedStatement ps = conn.prepareStatement("UPDATE uploads SET next_seq = ?,"
          + " durable_length = ? WHERE submission_id = ? AND next_seq = ?")) {
        ps.setLong(1, next);
        ps.setLong(2, durableLength);
        ps.setString(3, id);
        ps.setLong(4, expectedNext);
        if (ps.executeUpdate() != 1) {
          throw new StoreException(Kind.CONFLICT, "upload " + id + " changed concurrently");
        }
      }
      return null;
    });
  }

  /** Sets an upload's progress outright; used by recovery. */
  public synchronized void resetUpload(String id, long next, long durableLength)
      throws StoreException {
    tx("reset upload " + id, () -> {
      try (PreparedStatement ps = conn.prepareStatement("UPDATE uploads SET next_seq = ?,"
          + " durable_length = ? WHERE submission_id = ?")) {
        ps.setLong(1, next);
        ps.setLong(2, durableLength);
        ps.setString(3, id);
        ps.executeUpdate();
      }
      return null;
    });
  }

  /** Deletes the upload row, if any. */
  public synchronized void deleteUpload(String id) throws StoreException {
    tx("delete upload " + id, () -> {
      try (PreparedStatement ps = conn.prepareStatement(
          "DELETE FROM uploads WHERE submission_id = ?")) {
        ps.setString(1, id);
        ps.executeUpdate();
      }
      return null;
    });
  }

  // ---- submissions ----

  /**
   * Inserts the submission and deletes its upload row, atomically.
   *
   * @throws StoreException {@code NOT_FOUND} if there is no upload row to delete
   */
  public synchronized void commitSubmission(StoredSubmission s) throws StoreException {
    String id = s.submissionId();
    tx("commit " + id, () -> {
      try (PreparedStatement del = conn.prepareStatement(
          "DELETE FROM uploads WHERE submission_id = ?")) {
        del.setString(1, id);
        if (del.executeUpdate() != 1) {
          throw new StoreException(Kind.NOT_FOUND, "no upload " + id + " to commit");
        }
      }
      try (PreparedStatement ps = conn.prepareStatement("INSERT INTO submissions ("
          + SUBMISSION_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)")) {
        bindSpec(ps, s.spec());
        ps.setLong(8, s.records());
        ps.setBytes(9, s.merkleRoot());
        ps.setBytes(10, s.bodySha256());
        ps.setBytes(11, s.signature());
        ps.setBytes(12, s.receipt());
        ps.setLong(13, s.committedAt().getEpochSecond());
        ps.setInt(14, s.committedAt().getNano());
        ps.setLong(15, s.expiresAt().getEpochSecond());
        ps.setInt(16, s.expiresAt().getNano());
        ps.executeUpdate();
      }
      return null;
    });
  }

  /** The committed submission with exactly this id, purged or not. */
  public synchronized Optional<StoredSubmission> findSubmission(String id) throws StoreException {
    return tx("read submission " + id, () -> {
      try (PreparedStatement ps = conn.prepareStatement("SELECT " + SUBMISSION_COLUMNS
          + " FROM submissions WHERE submission_id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next()
              ? Optional.of(submission(rs)).filter(s -> s.submissionId().equals(id))
              : Optional.<StoredSubmission>empty();
        }
      }
    });
  }

  /** Unpurged submissions of one scope, key and role, ordered by id bytewise. */
  public synchronized List<StoredSubmission> listLive(byte[] scopeDigest, int keyId, int role)
      throws StoreException {
    return tx("list submissions", () -> {
      try (PreparedStatement ps = conn.prepareStatement("SELECT " + SUBMISSION_COLUMNS
          + " FROM submissions WHERE scope_digest = ? AND key_id = ? AND role = ?"
          + " AND purged = 0" + orderById)) {
        ps.setBytes(1, scopeDigest);
        ps.setInt(2, keyId);
        ps.setInt(3, role);
        return submissions(ps);
      }
    });
  }

  /** Every submission, purged or not, ordered by id bytewise. */
  public synchronized List<StoredSubmission> listAll() throws StoreException {
    return tx("list submissions", () -> {
      try (PreparedStatement ps = conn.prepareStatement("SELECT " + SUBMISSION_COLUMNS
          + " FROM submissions" + orderById)) {
        return submissions(ps);
      }
    });
  }

  /**
   * Marks every unpurged submission with {@code expiresAt <= now} purged.
   *
   * @return the ids marked
   */
  public synchronized List<String> markExpiredPurged(Instant now) throws StoreException {
    String expired = " WHERE purged = 0 AND (expires_at_s < ?"
        + " OR (expires_at_s = ? AND expires_at_ns <= ?))";
    return tx("purge expired submissions", () -> {
      List<String> ids = new ArrayList<>();
      try (PreparedStatement ps = conn.prepareStatement(
          "SELECT submission_id FROM submissions" + expired)) {
        bindInstant(ps, now);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getString(1));
          }
        }
      }
      try (PreparedStatement ps = conn.prepareStatement(
          "UPDATE submissions SET purged = 1" + expired)) {
        bindInstant(ps, now);
        ps.executeUpdate();
      }
      return ids;
    });
  }

  // ---- typed records ----

  /**
   * Stores a write-once value: a no-op if {@code key} holds an equal value.
   *
   * @throws StoreException {@code CONFLICT} if {@code key} holds a different value
   */
  public synchronized void putRecord(RecordKind kind, String key, byte[] value)
      throws StoreException {
    tx("store record " + kind.dbName() + "/" + key, () -> {
      Optional<byte[]> existing = selectRecord(kind.dbName(), key);
      if (existing.isPresent()) {
        if (!Arrays.equals(existing.get(), value)) {
          throw new StoreException(Kind.CONFLICT,
              "record " + kind.dbName() + "/" + key + " already holds a different value");
        }
        return null;
      }
      insertRecord(kind.dbName(), key, value);
      return null;
    });
  }

  /** The value stored under {@code key}, if any. */
  public synchronized Optional<byte[]> getRecord(RecordKind kind, String key)
      throws StoreException {
    return tx("read record " + kind.dbName() + "/" + key,
        () -> selectRecord(kind.dbName(), key));
  }

  /**
   * The values of one kind whose keys start with {@code prefix}, ordered by key bytewise.
   *
   * @param prefix no LIKE wildcard characters (percent, underscore, backslash)
   */
  public synchronized List<byte[]> recordsWithPrefix(RecordKind kind, String prefix)
      throws StoreException {
    if (prefix.matches(".*[%_\\\\].*")) {
      throw new IllegalArgumentException("a record key prefix with a LIKE wildcard");
    }
    return tx("list records " + kind.dbName() + "/" + prefix, () -> {
      List<byte[]> values = new ArrayList<>();
      try (PreparedStatement ps = conn.prepareStatement(
          "SELECT value FROM records WHERE kind = ? AND key LIKE ? ORDER BY key COLLATE "
              + dialect.bytewiseCollation())) {
        ps.setString(1, kind.dbName());
        ps.setString(2, prefix + "%");
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            values.add(rs.getBytes(1));
          }
        }
      }
      return values;
    });
  }

  /** The keys of one kind, ordered bytewise. */
  public synchronized List<String> listKeys(RecordKind kind) throws StoreException {
    return tx("list records " + kind.dbName(), () -> {
      List<String> keys = new ArrayList<>();
      try (PreparedStatement ps = conn.prepareStatement(
          "SELECT key FROM records WHERE kind = ? ORDER BY key COLLATE "
              + dialect.bytewiseCollation())) {
        ps.setString(1, kind.dbName());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            keys.add(rs.getString(1));
          }
        }
      }
      return keys;
    });
  }

  // ---- transparency log ----

  /** Where the log's seal is kept: a record of its own kind, so backups carry it. */
  private static final String LOG_SEAL_KIND = "log-seal";
  private static final String LOG_SEAL_KEY = "latest";

  /**
   * Appends {@code entry} under {@code key} at index {@code count} and, in the same
   * transaction, replaces the log's seal with {@code sealer.sealFor(index)}; or returns the
   * index the key already has, writing nothing.
   *
   * @throws StoreException {@code CONFLICT} if {@code key} holds a different entry
   */
  public synchronized long appendLogEntry(String key, byte[] entry, LogStorage.LogSealer sealer)
      throws StoreException {
    return tx("append log entry " + key, () -> {
      try (PreparedStatement ps = conn.prepareStatement(
          "SELECT idx, entry FROM log_entries WHERE entry_key = ?")) {
        ps.setString(1, key);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            if (!Arrays.equals(blob(rs, 2), entry)) {
              throw new StoreException(Kind.CONFLICT,
                  "log entry " + key + " already holds a different value");
            }
            return rs.getLong(1);
          }
        }
      }
      long index = selectLogSize();
      try (PreparedStatement ps = conn.prepareStatement(
          "INSERT INTO log_entries (idx, entry_key, entry) VALUES (?, ?, ?)")) {
        ps.setLong(1, index);
        ps.setString(2, key);
        ps.setBytes(3, entry);
        ps.executeUpdate();
      }
      writeLogSeal(sealer.sealFor(index));
      return index;
    });
  }

  /** The index of the entry under {@code key}, if any. */
  public synchronized java.util.OptionalLong logIndex(String key) throws StoreException {
    return tx("find log entry " + key, () -> {
      try (PreparedStatement ps = conn.prepareStatement(
          "SELECT idx FROM log_entries WHERE entry_key = ?")) {
        ps.setString(1, key);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? java.util.OptionalLong.of(rs.getLong(1))
              : java.util.OptionalLong.empty();
        }
      }
    });
  }

  /** The seal written by the last append, if any. */
  public synchronized Optional<byte[]> logSeal() throws StoreException {
    return tx("read the log's seal", () -> selectRecord(LOG_SEAL_KIND, LOG_SEAL_KEY));
  }

  private void writeLogSeal(byte[] seal) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(
        "UPDATE records SET value = ? WHERE kind = ? AND key = ?")) {
      ps.setBytes(1, seal);
      ps.setString(2, LOG_SEAL_KIND);
      ps.setString(3, LOG_SEAL_KEY);
      if (ps.executeUpdate() == 1) {
        return;
      }
    }
    insertRecord(LOG_SEAL_KIND, LOG_SEAL_KEY, seal);
  }

  private void insertRecord(String kind, String key, byte[] value) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(
        "INSERT INTO records (kind, key, value) VALUES (?, ?, ?)")) {
      ps.setString(1, kind);
      ps.setString(2, key);
      ps.setBytes(3, value);
      ps.executeUpdate();
    }
  }

  /**
   * The keys of the log entries whose key starts with {@code prefix} (a constant of the
   * caller's, not user input), in index order.
   */
  public synchronized List<String> logEntryKeys(String prefix) throws StoreException {
    return tx("list log entry keys", () -> {
      List<String> keys = new ArrayList<>();
      try (PreparedStatement ps = conn.prepareStatement("SELECT entry_key FROM log_entries"
          + " WHERE substr(entry_key, 1, " + prefix.length() + ") = ? ORDER BY idx")) {
        ps.setString(1, prefix);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            keys.add(rs.getString(1));
          }
        }
      }
      return keys;
    });
  }

  /** The number of log entries. */
  public synchronized long logSize() throws StoreException {
    return tx("count log entries", this::selectLogSize);
  }

  /** Log entries {@code [from, to)} in index order; callers check {@code 0 <= from <= to}. */
  public synchronized List<byte[]> logEntries(long from, long to) throws StoreException {
    return tx("read log entries", () -> {
      List<byte[]> entries = new ArrayList<>();
      try (PreparedStatement ps = conn.prepareStatement(
          "SELECT entry FROM log_entries WHERE idx >= ? AND idx < ? ORDER BY idx")) {
        ps.setLong(1, from);
        ps.setLong(2, to);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            entries.add(blob(rs, 1));
          }
        }
      }
      return entries;
    });
  }

  /** The schemas keep indices gap-free from 0, so the size is one past the largest. */
  private long selectLogSize() throws SQLException {
    try (Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery("SELECT coalesce(max(idx) + 1, 0) FROM log_entries")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private Optional<byte[]> selectRecord(String kind, String key) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(
        "SELECT value FROM records WHERE kind = ? AND key = ?")) {
      ps.setString(1, kind);
      ps.setString(2, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(blob(rs, 1)) : Optional.empty();
      }
    }
  }

  // ---- plumbing ----

  /** Closes the connection (the backend's lock goes with it); safe to call more than once. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      closeQuietly(conn);
    }
  }

  private interface Work<T> {
    T run() throws SQLException, StoreException;
  }

  /** Runs {@code work} as one transaction: committed if it returns, rolled back if not. */
  private <T> T tx(String what, Work<T> work) throws StoreException {
    if (closed) {
      throw new IllegalStateException("submission store is closed");
    }
    ensureConnection(what);
    try {
      T result = work.run();
      conn.commit();
      return result;
    } catch (SQLException e) {
      rollbackOrDiscard();
      throw new StoreException(Kind.IO, what + ": database error: " + dialect.describe(e), e);
    } catch (StoreException | RuntimeException e) {
      rollbackOrDiscard();
      throw e;
    }
  }

  /** Replaces a connection marked broken; a failure leaves it marked for the next call. */
  private void ensureConnection(String what) throws StoreException {
    if (!broken) {
      return;
    }
    closeQuietly(conn);
    try {
      conn = connector.connect();
    } catch (StoreException e) {
      throw new StoreException(e.kind(), what + ": the metadata database is unavailable: "
          + e.getMessage(), e);
    }
    broken = false;
  }

  /**
   * Rolls back; if even that fails (SQLite already rolled back on its own, or the connection
   * is gone), the connection's transaction state is unknown and it is discarded.
   */
  private void rollbackOrDiscard() {
    try {
      conn.rollback();
    } catch (SQLException e) {
      broken = true;
    }
  }

  private static void bindInstant(PreparedStatement ps, Instant now) throws SQLException {
    ps.setLong(1, now.getEpochSecond());
    ps.setLong(2, now.getEpochSecond());
    ps.setInt(3, now.getNano());
  }

  /** Closes {@code c} if not null, ignoring failures. */
  public static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // Committed transactions are already durable.
      }
    }
  }

  private static void bindSpec(PreparedStatement ps, UploadSpec spec) throws SQLException {
    ps.setString(1, spec.submissionId());
    ps.setString(2, spec.submitter());
    ps.setInt(3, spec.role());
    ps.setBytes(4, spec.scopeDigest());
    ps.setInt(5, spec.keyId());
    ps.setString(6, Arrays.stream(spec.tierNumbers()).mapToObj(Integer::toString)
        .collect(Collectors.joining(",")));
    ps.setLong(7, spec.expectedRecords());
  }

  private static UploadSpec spec(ResultSet rs) throws SQLException {
    String tiers = rs.getString(6);
    return new UploadSpec(rs.getString(1), rs.getString(2), rs.getInt(3), blob(rs, 4),
        rs.getInt(5), tiers.isEmpty() ? new int[0]
            : Arrays.stream(tiers.split(",")).mapToInt(Integer::parseInt).toArray(),
        rs.getLong(7));
  }

  private static UploadRow uploadRow(ResultSet rs) throws SQLException {
    return new UploadRow(spec(rs), rs.getLong(8), rs.getLong(9));
  }

  private static StoredSubmission submission(ResultSet rs) throws SQLException {
    return new StoredSubmission(spec(rs), rs.getLong(8), blob(rs, 9), blob(rs, 10),
        blob(rs, 11), blob(rs, 12), Instant.ofEpochSecond(rs.getLong(13), rs.getInt(14)),
        Instant.ofEpochSecond(rs.getLong(15), rs.getInt(16)), rs.getInt(17) != 0);
  }

  private List<StoredSubmission> submissions(PreparedStatement ps) throws SQLException {
    List<StoredSubmission> result = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        result.add(submission(rs));
      }
    }
    return result;
  }

  /** SQLite hands back a zero-length BLOB as SQL NULL through JDBC. */
  private static byte[] blob(ResultSet rs, int column) throws SQLException {
    byte[] b = rs.getBytes(column);
    return b == null ? new byte[0] : b;
  }
}
