package org.blindmatch.server.store;

/**
 * Where a {@link org.blindmatch.server.store.segment.SegmentSubmissionStore} keeps its
 * metadata and transparency log (the backend: {@code store.sqlite} or {@code store.postgres});
 * token segments always stay in the data directory.
 */
public sealed interface MetadataLocation permits MetadataLocation.Embedded, PostgresSettings {

  /** The embedded store: SQLite file {@code meta.sqlite} in the data directory. */
  record Embedded() implements MetadataLocation {}

  /** The embedded store. */
  static MetadataLocation embedded() {
    return new Embedded();
  }
}
