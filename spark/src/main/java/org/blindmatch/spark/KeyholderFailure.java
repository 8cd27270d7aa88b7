package org.blindmatch.spark;

/**
 * Thrown by a task of the keyholder stage when the keyholders cannot evaluate its addresses
 * (fewer than t answer correctly, or they still refuse after the rate-limit back-off); fails
 * the job. The message names the keyholders and the reason, never an address or output.
 */
final class KeyholderFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;
  static final String MARKER = "(oprf mode: the keyholders did not evaluate)";

  KeyholderFailure(String message) {
    super(message + " " + MARKER);
  }
}
