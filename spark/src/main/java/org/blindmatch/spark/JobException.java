package org.blindmatch.spark;

/**
 * A problem that stops the job, shown to the user as is: the message names the file, key,
 * column or row and says why, and never holds a raw address, token or key.
 */
public final class JobException extends Exception {
  private static final long serialVersionUID = 1L;

  public JobException(String message) {
    super(message);
  }

  public JobException(String message, Throwable cause) {
    super(message, cause);
  }
}
