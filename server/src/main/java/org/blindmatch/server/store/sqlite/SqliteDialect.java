package org.blindmatch.server.store.sqlite;

import java.sql.SQLException;
import org.blindmatch.server.store.jdbc.SqlDialect;

/**
 * SQLite's SQL differences: the id columns are {@code COLLATE NOCASE}, so {@code =} ignores
 * ASCII case. Stateless.
 */
public enum SqliteDialect implements SqlDialect {
  /** The one instance. */
  INSTANCE;

  @Override
  public String idEqualsIgnoringCase() {
    return "submission_id = ?";
  }

  @Override
  public String bytewiseCollation() {
    return "BINARY";
  }

  /** SQLite's messages name constraints and tables, never bound values. */
  @Override
  public String describe(SQLException e) {
    return e.getMessage();
  }
}
