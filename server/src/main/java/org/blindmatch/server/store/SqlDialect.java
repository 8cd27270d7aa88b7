package org.blindmatch.server.store;

import java.sql.SQLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * The few places where {@link MetadataDb}'s SQL differs between SQLite and PostgreSQL. The
 * schemas themselves live with each database's migrations ({@link Schema} for SQLite,
 * {@code org/blindmatch/server/store/postgresql/V*.sql} for PostgreSQL).
 */
enum SqlDialect {
  /** SQLite: the id columns are {@code COLLATE NOCASE}, so {@code =} ignores ASCII case. */
  SQLITE,
  /** PostgreSQL: ids are unique on {@code lower(submission_id)}. */
  POSTGRESQL;

  /** A condition on {@code submission_id} with one parameter: equal ignoring ASCII case. */
  String idEqualsIgnoringCase() {
    return switch (this) {
      case SQLITE -> "submission_id = ?";
      case POSTGRESQL -> "lower(submission_id) = lower(?)";
    };
  }

  /** A collation that orders text by its bytes, whatever the database's locale. */
  String bytewiseCollation() {
    return switch (this) {
      case SQLITE -> "BINARY";
      case POSTGRESQL -> "\"C\"";
    };
  }

  /**
   * The failure's message for operators and clients. SQLite's messages name constraints and
   * tables, never bound values. PostgreSQL's server messages may carry a detail line quoting
   * row values ({@code Key (x)=(...)}); only the primary message and SQLSTATE are kept.
   */
  String describe(SQLException e) {
    if (this == POSTGRESQL && e instanceof PSQLException p) {
      ServerErrorMessage m = p.getServerErrorMessage();
      if (m != null) {
        return m.getMessage() + " (SQLSTATE " + m.getSQLState() + ")";
      }
    }
    return e.getMessage();
  }
}
