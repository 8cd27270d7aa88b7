package org.blindmatch.client.submit;

/**
 * A submission was refused or could not be completed: the clearinghouse refused it (the message
 * carries its status and reason), or what it returned does not verify (receipt, log position).
 * Shown to users as is.
 */
public final class SubmissionException extends Exception {
  private static final long serialVersionUID = 1L;

  public SubmissionException(String message) {
    super(message);
  }

  public SubmissionException(String message, Throwable cause) {
    super(message, cause);
  }
}
