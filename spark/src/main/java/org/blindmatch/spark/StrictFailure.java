package org.blindmatch.spark;

/**
 * Thrown by a task in strict mode at the first malformed row; fails the job. The message
 * names the file, column and reason, never the raw value.
 */
final class StrictFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;
  static final String MARKER = "(--strict: stopping at the first bad row)";

  StrictFailure(String message) {
    super(message + " " + MARKER);
  }
}
