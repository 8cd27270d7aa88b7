package org.blindmatch.crypto.scope;

/** A scope file that cannot be read or is invalid; the message names the file and the key. */
public final class ScopeException extends Exception {
  private static final long serialVersionUID = 1L;

  public ScopeException(String message) {
    super(message);
  }

  public ScopeException(String message, Throwable cause) {
    super(message, cause);
  }
}
