package org.blindmatch.core.claims;

/**
 * A signed claim (commitment, receipt, transcript, tree head, log position) did not verify: its
 * signature is not valid under the expected key and context, its content does not parse, or a
 * proof does not hold. The message names the claim and what failed, never key material.
 */
public final class ClaimVerificationException extends Exception {
  private static final long serialVersionUID = 1L;

  public ClaimVerificationException(String message) {
    super(message);
  }

  public ClaimVerificationException(String message, Throwable cause) {
    super(message, cause);
  }
}
