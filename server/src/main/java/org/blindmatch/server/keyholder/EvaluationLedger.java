package org.blindmatch.server.keyholder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Durable count of evaluations per (caller identity, key epoch), in SQLite (WAL,
 * synchronous=FULL). Evaluations are counted when reserved, before they are computed, so a
 * crash can over-count but never under-count. Thread-safe (synchronised).
 */
final class EvaluationLedger implements AutoCloseable {
  private final Connection db;

  /** A refused reservation: the quota would be exceeded. */
  static final class QuotaExceededException extends Exception {
    private static final long serialVersionUID = 1L;
    final long remaining;

    QuotaExceededException(long remaining) {
      super("quota exceeded");
      this.remaining = remaining;
    }
  }

  /** One row of the ledger. */
  record Count(String identity, int epoch, long evaluations) {}

  EvaluationLedger(Path dataDir) throws IOException, SQLException {
    Files.createDirectories(dataDir);
    db = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("evaluations.sqlite"));
    try (Statement s = db.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA synchronous=FULL");
      s.execute("CREATE TABLE IF NOT EXISTS evaluations (identity TEXT NOT NULL, "
          + "epoch INTEGER NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (identity, epoch))");
    }
    db.setAutoCommit(false);
  }

  /**
   * Adds {@code n} evaluations for the caller if that keeps it within {@code quota}.
   *
   * @return the remaining quota after the reservation
   * @throws QuotaExceededException with the remaining quota, if it does not
   */
  synchronized long reserve(String identity, int epoch, long n, long quota)
      throws SQLException, QuotaExceededException {
    long used = used(identity, epoch);
    if (used + n > quota) {
      db.rollback();
      throw new QuotaExceededException(Math.max(0, quota - used));
    }
    try (PreparedStatement p = db.prepareStatement("INSERT INTO evaluations VALUES (?, ?, ?) "
        + "ON CONFLICT(identity, epoch) DO UPDATE SET count = count + excluded.count")) {
      p.setString(1, identity);
      p.setInt(2, epoch);
      p.setLong(3, n);
      p.executeUpdate();
    }
    db.commit();
    return quota - used - n;
  }

  private long used(String identity, int epoch) throws SQLException {
    try (PreparedStatement p = db.prepareStatement(
        "SELECT count FROM evaluations WHERE identity = ? AND epoch = ?")) {
      p.setString(1, identity);
      p.setInt(2, epoch);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? r.getLong(1) : 0;
      }
    }
  }

  synchronized List<Count> counts() throws SQLException {
    List<Count> out = new ArrayList<>();
    try (Statement s = db.createStatement();
        ResultSet r = s.executeQuery(
            "SELECT identity, epoch, count FROM evaluations ORDER BY identity, epoch")) {
      while (r.next()) {
        out.add(new Count(r.getString(1), r.getInt(2), r.getLong(3)));
      }
    }
    db.commit();
    return out;
  }

  @Override
  public synchronized void close() throws SQLException {
    db.close();
  }
}
