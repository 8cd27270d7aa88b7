package org.blindmatch.server.store;

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
import org.blindmatch.server.store.StoreException.Kind;

/**
 * The metadata database behind a {@link SegmentSubmissionStore}: uploads, submissions, caller
 * records and transparency log entries, over one JDBC connection to SQLite
 * ({@link SqliteMetadata}) or PostgreSQL ({@link PostgresMetadata}). The SQL is shared; the
 * few differences are in {@link SqlDialect}. Every method is one transaction, and the methods
 * are {@code synchronized}: the connection is used by one thread at a time, and this object is
 * the database's only writer (a file lock for SQLite, an advisory lock for PostgreSQL).
 *
 * <p>Id lookups return exact matches only; ids are unique ignoring letter case (see the
 * schemas), and {@link #idTakenIgnoringCase} exposes that.
 */
final class MetadataDb implements AutoCloseable {
  private static final String SPEC_COLUMNS =
      "submission_id, submitter, role, scope_digest, key_id, tier_numbers, expected_records";
  private static final String SUBMISSION_COLUMNS = SPEC_COLUMNS
      + ", records, merkle_root, body_sha256, signature, receipt, committed_at_s,"
      + " committed_at_ns, expires_at_s, expires_at_ns, purged";
  private static final int VALID_TIMEOUT_SECONDS = 5;

  private final Connection conn;
  private final SqlDialect dialect;
  private final String orderById;
  private boolean closed;

  /**
   * Takes over {@code conn}, which must have auto-commit off, the schema migrated and this
   * process holding the database's single-writer lock.
   */
  MetadataDb(Connection conn, SqlDialect dialect) {
    this.conn = conn;
    this.dialect = dialect;
    this.orderById = " ORDER BY submission_id COLLATE " + dialect.bytewiseCollation();
  }

  /**
   * Whether the database answers: false once closed or when the connection is lost (a lost
   * PostgreSQL session has also lost its advisory lock, so this store never reconnects).
   */
  synchronized boolean isReachable() {
    if (closed) {
      return false;
    }
    try {
      return conn.isValid(VALID_TIMEOUT_SECONDS);
    } catch (SQLException e) {
      return false;
    }
  }

  // ---- uploads ----

  synchronized Optional<UploadRow> findUpload(String id) throws StoreException {
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

  synchronized List<UploadRow> allUploads() throws StoreException {
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
  synchronized boolean idTakenIgnoringCase(String id) throws StoreException {
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

  synchronized void insertUpload(UploadSpec spec) throws StoreException {
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
  synchronized void advanceUpload(String id, long expectedNext, long next, long durableLength)
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
  synchronized void resetUpload(String id, long next, long durableLength)
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

  synchronized void deleteUpload(String id) throws StoreException {
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

  /** Inserts the submission and deletes its upload row, atomically. */
  synchronized void commitSubmission(StoredSubmission s) throws StoreException {
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

  synchronized Optional<StoredSubmission> findSubmission(String id) throws StoreException {
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

  synchronized List<StoredSubmission> listLive(byte[] scopeDigest, int keyId, int role)
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

  synchronized List<StoredSubmission> listAll() throws StoreException {
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
  synchronized List<String> markExpiredPurged(Instant now) throws StoreException {
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

  // ---- caller records ----

  synchronized void putRecord(String kind, String key, byte[] value) throws StoreException {
    tx("store record " + kind + "/" + key, () -> {
      Optional<byte[]> existing = selectRecord(kind, key);
      if (existing.isPresent()) {
        if (!Arrays.equals(existing.get(), value)) {
          throw new StoreException(Kind.CONFLICT,
              "record " + kind + "/" + key + " already holds a different value");
        }
        return null;
      }
      insertRecord(kind, key, value);
      return null;
    });
  }

  synchronized Optional<byte[]> getRecord(String kind, String key) throws StoreException {
    return tx("read record " + kind + "/" + key, () -> selectRecord(kind, key));
  }

  synchronized List<String> listKeys(String kind) throws StoreException {
    return tx("list records " + kind, () -> {
      List<String> keys = new ArrayList<>();
      try (PreparedStatement ps = conn.prepareStatement(
          "SELECT key FROM records WHERE kind = ? ORDER BY key COLLATE "
              + dialect.bytewiseCollation())) {
        ps.setString(1, kind);
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
  static final String LOG_SEAL_KIND = "log-seal";
  static final String LOG_SEAL_KEY = "latest";

  /**
   * Appends {@code entry} under {@code key} at index {@code count} and, in the same
   * transaction, replaces the log's seal with {@code sealer.sealFor(index)}; or returns the
   * index the key already has, writing nothing.
   *
   * @throws StoreException {@code CONFLICT} if {@code key} holds a different entry
   */
  synchronized long appendLogEntry(String key, byte[] entry, SubmissionStore.LogSealer sealer)
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

  synchronized Optional<byte[]> logSeal() throws StoreException {
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

  synchronized long logSize() throws StoreException {
    return tx("count log entries", this::selectLogSize);
  }

  synchronized List<byte[]> logEntries(long from, long to) throws StoreException {
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
    try {
      T result = work.run();
      conn.commit();
      return result;
    } catch (SQLException e) {
      rollbackQuietly();
      throw new StoreException(Kind.IO, what + ": database error: " + dialect.describe(e), e);
    } catch (StoreException | RuntimeException e) {
      rollbackQuietly();
      throw e;
    }
  }

  private void rollbackQuietly() {
    try {
      conn.rollback();
    } catch (SQLException ignored) {
      // The original failure is the one worth reporting.
    }
  }

  private static void bindInstant(PreparedStatement ps, Instant now) throws SQLException {
    ps.setLong(1, now.getEpochSecond());
    ps.setLong(2, now.getEpochSecond());
    ps.setInt(3, now.getNano());
  }

  static void closeQuietly(Connection c) {
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
