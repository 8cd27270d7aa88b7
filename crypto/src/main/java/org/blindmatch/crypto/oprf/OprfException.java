package org.blindmatch.crypto.oprf;

/**
 * An OPRF input, encoding or proof was rejected: a malformed or invalid element or scalar, a
 * proof that does not verify, or an input that hashes to the identity. The message says which
 * check failed; it never contains key material.
 */
public class OprfException extends Exception {
  private static final long serialVersionUID = 1L;

  public OprfException(String message) {
    super(message);
  }

  public OprfException(String message, Throwable cause) {
    super(message, cause);
  }
}
