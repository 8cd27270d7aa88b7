package org.blindmatch.server.store.postgres;

import java.sql.SQLException;
import org.blindmatch.server.store.jdbc.SqlDialect;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/** PostgreSQL's SQL differences: ids are unique on {@code lower(submission_id)}. Stateless. */
public enum PostgresDialect implements SqlDialect {
  /** The one instance. */
  INSTANCE;

  @Override
  public String idEqualsIgnoringCase() {
    return "lower(submission_id) = lower(?)";
  }

  @Override
  public String bytewiseCollation() {
    return "\"C\"";
  }

  /**
   * PostgreSQL's server messages may carry a detail line quoting row values
   * ({@code Key (x)=(...)}); only the primary message and SQLSTATE are kept. Other exceptions
   * give their message.
   */
  @Override
  public String describe(SQLException e) {
    if (e instanceof PSQLException p) {
      ServerErrorMessage m = p.getServerErrorMessage();
      if (m != null) {
        return m.getMessage() + " (SQLSTATE " + m.getSQLState() + ")";
      }
    }
    return e.getMessage();
  }
}
