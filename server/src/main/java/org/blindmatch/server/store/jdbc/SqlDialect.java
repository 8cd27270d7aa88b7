package org.blindmatch.server.store.jdbc;

import java.sql.SQLException;

/**
 * The few places where {@link MetadataDb}'s SQL differs between databases. Each backend
 * package implements it ({@code store.sqlite}, {@code store.postgres}) next to its migrations.
 * Implementations are stateless and thread-safe.
 */
public interface SqlDialect {

  /** A condition on {@code submission_id} with one parameter: equal ignoring ASCII case. */
  String idEqualsIgnoringCase();

  /** The name of a collation that orders text by its bytes, whatever the database's locale. */
  String bytewiseCollation();

  /**
   * The failure's message for operators and clients: never row values (tokens, signatures,
   * keys), which some databases quote in error details.
   */
  String describe(SQLException e);
}
