package org.blindmatch.server.store;

import org.blindmatch.testing.PostgresFixture;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.blindmatch.server.store.segment.SegmentSubmissionStore;

/**
 * The store conformance suite: every test class extending this runs once per
 * {@link Backend}, against a fresh data directory and (for PostgreSQL) a fresh database, so
 * both stores are held to the same assertions. PostgreSQL comes from {@link PostgresFixture};
 * without one those runs fail, never skip.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreConformance.Backend.class)
public abstract class StoreConformance {
  /** Where the store under test keeps its metadata. */
  public enum Backend {
    EMBEDDED, POSTGRESQL;

    /** A fresh, empty metadata location. */
    public MetadataLocation fresh() {
      return this == EMBEDDED ? MetadataLocation.embedded() : postgres(PostgresFixture.newDatabase());
    }
  }

  /** The store's settings for a fixture database. */
  public static PostgresSettings postgres(PostgresFixture.Database db) {
    return new PostgresSettings(db.url(), db.user(), db.password(),
        PostgresSettings.DEFAULT_LOCK_WAIT);
  }

  @Parameter protected Backend backend;
  @TempDir protected Path dir;
  /** This test's metadata location; reopening the store finds the same metadata. */
  protected MetadataLocation metadata;

  @BeforeEach
  void freshMetadata() {
    metadata = backend.fresh();
  }

  /** A plain JDBC connection to the metadata database, bypassing the store. */
  protected Connection rawConnection() throws SQLException {
    if (metadata instanceof PostgresSettings pg) {
      return DriverManager.getConnection(pg.url(), pg.user(), pg.password());
    }
    return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("meta.sqlite"));
  }

  /** Opens (or reopens) the store under test in {@link #dir}. */
  protected SegmentSubmissionStore open() throws StoreException {
    return SegmentSubmissionStore.open(dir, metadata);
  }
}
