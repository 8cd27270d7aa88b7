package org.blindmatch.crypto.keys;

/** A keyset file that cannot be read, decrypted or used; the message says which and why. */
public final class KeysetException extends Exception {
  private static final long serialVersionUID = 1L;

  public KeysetException(String message) {
    super(message);
  }

  public KeysetException(String message, Throwable cause) {
    super(message, cause);
  }
}
