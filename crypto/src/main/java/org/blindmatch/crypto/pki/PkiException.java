package org.blindmatch.crypto.pki;

/**
 * A certificate or key that cannot be read, decrypted, issued or accepted; the message names
 * the file or certificate and the reason, and never contains key material.
 */
public final class PkiException extends Exception {
  private static final long serialVersionUID = 1L;

  public PkiException(String message) {
    super(message);
  }

  public PkiException(String message, Throwable cause) {
    super(message, cause);
  }
}
