package org.blindmatch.client.audit;

/**
 * An audit found the log, a receipt or a run inconsistent with what was signed, or could not
 * read what it must check. The message names the log entry, receipt or run and what does not hold;
 * it is shown to users as is (auditors act on it), never with key material.
 */
public final class AuditException extends Exception {
  private static final long serialVersionUID = 1L;

  public AuditException(String message) {
    super(message);
  }

  public AuditException(String message, Throwable cause) {
    super(message, cause);
  }
}
