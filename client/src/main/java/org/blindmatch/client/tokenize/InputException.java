package org.blindmatch.client.tokenize;

/**
 * An input problem that stops the command: the message names the file, and where it applies
 * the line and field, and says why. Shown to users as is, without a stack trace.
 */
public final class InputException extends Exception {
  private static final long serialVersionUID = 1L;

  public InputException(String message) {
    super(message);
  }

  public InputException(String message, Throwable cause) {
    super(message, cause);
  }
}
