package org.blindmatch.server.clearinghouse;

import java.util.Objects;

/**
 * A clearinghouse operation refused or failed for a reason the caller should hear about;
 * {@link #code()} says what kind of reason, {@link #getMessage()} says it in words.
 *
 * <p>The clearinghouse's domain services ({@code Submissions}, {@code MatchRuns},
 * {@code Results}, {@code Audit}, {@code Nodes}, {@code Admin}) throw this, and
 * {@link org.blindmatch.server.store.StoreException} for store failures they pass on
 * unchanged; {@code GrpcErrors} is the one place that turns either into a gRPC status.
 * Messages reach clients verbatim: they name ids, counts and identities, never token, key or
 * signature bytes. Immutable.
 */
public final class ClearinghouseException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What kind of reason; each maps to exactly one gRPC status code. */
  public enum Code {
    /** The request is malformed whatever the server's state. */
    INVALID_ARGUMENT,
    /** What the request names does not exist (for this caller). */
    NOT_FOUND,
    /** It exists already, differently. */
    ALREADY_EXISTS,
    /** The server's state does not allow it (data that does not check out, nothing to do). */
    FAILED_PRECONDITION,
    /** The caller's role or identity may not do this. */
    PERMISSION_DENIED,
    /** A request exceeds a size limit. */
    RESOURCE_EXHAUSTED,
    /** A position or size lies beyond the current transparency log. */
    OUT_OF_RANGE,
    /** Stored data is unreadable or not the clearinghouse's own. */
    DATA_LOSS,
    /** The server failed (I/O, cryptography). */
    INTERNAL
  }

  /**
   * The per-submitter limit a {@code RESOURCE_EXHAUSTED} refusal hit, sent to the client as
   * structured details (PROTOCOL.md §10).
   *
   * @param limit the configuration key of the limit
   * @param quota its configured value
   * @param used how much of it the caller holds already
   * @param requested how much the refused request asked for
   */
  public record Quota(String limit, long quota, long used, long requested) {}

  private final Code code;
  private final transient Quota quota;

  public ClearinghouseException(Code code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
    this.quota = null;
  }

  private ClearinghouseException(Quota quota, String message) {
    super(message);
    this.code = Code.RESOURCE_EXHAUSTED;
    this.quota = quota;
  }

  /** A {@code RESOURCE_EXHAUSTED} refusal for going over {@code quota}. */
  static ClearinghouseException quotaExceeded(Quota quota, String message) {
    return new ClearinghouseException(Objects.requireNonNull(quota, "quota"), message);
  }

  /** The limit a quota refusal hit, or null for any other refusal. */
  public Quota quota() {
    return quota;
  }

  public ClearinghouseException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
    this.quota = null;
  }

  /** What kind of reason. */
  public Code code() {
    return code;
  }

  static ClearinghouseException invalid(String message) {
    return new ClearinghouseException(Code.INVALID_ARGUMENT, message);
  }

  static ClearinghouseException failedPrecondition(String message) {
    return new ClearinghouseException(Code.FAILED_PRECONDITION, message);
  }
}
