package org.blindmatch.server.store;

/**
 * A submission-store operation that was refused or failed; {@link #kind()} says why.
 *
 * <p>Messages are meant for operators and clients: they name submission ids, sequence
 * numbers, counts and file paths, and never contain token, handle or signature bytes.
 */
public final class StoreException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why an operation was refused or failed. */
  public enum Kind {
    /** The operation contradicts existing state (other spec, other submitter, other value). */
    CONFLICT,
    /** The submission id is already committed. */
    ALREADY_COMMITTED,
    /** A chunk's sequence number is ahead of the upload's next expected one. */
    OUT_OF_ORDER,
    /** A chunk's sequence number is below the next expected one: the store already has it. */
    DUPLICATE_CHUNK,
    /** A chunk is empty or its length is not a whole number of records. */
    BAD_CHUNK,
    /** A chunk would take the upload beyond its declared record count. */
    TOO_MANY_RECORDS,
    /** A commit was attempted before all declared records were received. */
    INCOMPLETE,
    /** No upload or submission with that id. */
    NOT_FOUND,
    /** The submission expired and its records were deleted; its metadata remains. */
    PURGED,
    /** Stored data contradicts the metadata (missing or wrong-sized segment, bad schema). */
    CORRUPT,
    /** An argument is malformed (submission id syntax, digest length, role, tiers…). */
    INVALID_ARGUMENT,
    /** The file system or database failed. */
    IO
  }

  private final Kind kind;

  public StoreException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public StoreException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  /** Why the operation was refused or failed. */
  public Kind kind() {
    return kind;
  }

  @Override
  public String getMessage() {
    return kind + ": " + super.getMessage();
  }
}
