package org.blindmatch.client.tokenize;

/**
 * Why one input row produced no token: the field at fault, the counter key (for example
 * {@code bad_ip} or {@code non_routable:private}) and a human detail that never contains the
 * raw value. A {@link #policy()} skip is a well-formed row that must not be tokenised; any
 * other is a malformed row. Thrown without a stack trace (rows are skipped in bulk).
 */
public final class RowSkip extends Exception {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final String reasonKey;
  private final boolean policy;

  private RowSkip(String field, String reasonKey, String detail, boolean policy) {
    super(detail, null, false, false);
    this.field = field;
    this.reasonKey = reasonKey;
    this.policy = policy;
  }

  /** A malformed row. */
  static RowSkip bad(String field, String reasonKey, String detail) {
    return new RowSkip(field, reasonKey, detail, false);
  }

  /** A well-formed row skipped by policy. */
  static RowSkip policy(String reasonKey) {
    return new RowSkip("", reasonKey, reasonKey, true);
  }

  public String field() {
    return field;
  }

  public String reasonKey() {
    return reasonKey;
  }

  /** The human reason, without the raw value. */
  public String detail() {
    return getMessage();
  }

  public boolean policy() {
    return policy;
  }
}
