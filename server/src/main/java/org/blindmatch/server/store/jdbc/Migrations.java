package org.blindmatch.server.store.jdbc;

import org.blindmatch.server.store.StoreException;
import org.blindmatch.server.store.StoreException.Kind;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * The one schema migration mechanism of every backend: Flyway, with versioned SQL migrations
 * ({@code V1__store.sql}, {@code V2__...}) in a classpath folder per backend. A database is
 * migrated only if it is empty or already a store (it has Flyway's
 * {@code flyway_schema_history}); a database holding other tables, or a newer schema than
 * this build knows, is refused. {@code clean} is disabled. Not thread-safe per database: the
 * caller holds the backend's single-writer lock.
 */
public final class Migrations {
  private Migrations() {}

  /**
   * Flyway configuration for one backend's migrations; the backend adds how to connect
   * ({@code dataSource}; Flyway opens and closes its own connections) and loads it.
   *
   * @param location the classpath folder holding the backend's {@code V*.sql} files
   */
  public static FluentConfiguration configure(String location) {
    return Flyway.configure(Migrations.class.getClassLoader())
        .locations("classpath:" + location)
        .cleanDisabled(true)
        .validateMigrationNaming(true);
  }

  /**
   * Brings the database to the latest version.
   *
   * @param where names the database in messages
   * @throws StoreException {@code CORRUPT} if the database holds other tables, has a newer
   *     schema than this build, or a migration fails (the failed migration's transaction is
   *     rolled back where the database supports transactional DDL)
   */
  public static void migrate(Flyway flyway, String where) throws StoreException {
    try {
      flyway.migrate();
      MigrationInfo current = flyway.info().current();
      if (current != null && current.getState() == MigrationState.FUTURE_SUCCESS) {
        throw new StoreException(Kind.CORRUPT, where + ": metadata schema version "
            + current.getVersion() + " is newer than this build supports");
      }
    } catch (FlywayException e) {
      throw new StoreException(Kind.CORRUPT, where + ": schema migration refused: "
          + firstLine(e.getMessage()), e);
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    String m = message.strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
