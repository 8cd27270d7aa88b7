package org.blindmatch.server.store.jdbc;

/**
 * The kinds of write-once values kept in the {@code records} table, each behind a typed store
 * interface. The names are the {@code kind} column's values and must never change: existing
 * stores and backups hold them.
 */
public enum RecordKind {
  /** Registered public signing keysets, keyed by identity URI. */
  SIGNING_KEY("signing-key"),
  /** Signed run transcripts, keyed by run id. */
  TRANSCRIPT("transcript"),
  /** Match results, keyed by {@code runId|recipient}. */
  RESULT("results"),
  /**
   * Witness cosignatures of log checkpoints, keyed by the tree size (19 digits, zero-padded)
   * {@code /} SHA-256 (hex) of the witness's verifier key.
   */
  WITNESS_COSIGNATURE("witness-cosignature");

  private final String dbName;

  RecordKind(String dbName) {
    this.dbName = dbName;
  }

  /** The value of the {@code kind} column. */
  public String dbName() {
    return dbName;
  }
}
