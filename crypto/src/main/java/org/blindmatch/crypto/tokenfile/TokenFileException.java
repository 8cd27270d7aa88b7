package org.blindmatch.crypto.tokenfile;

/** A token file that is malformed, truncated or fails its checksum. */
public final class TokenFileException extends Exception {
  private static final long serialVersionUID = 1L;

  public TokenFileException(String message) {
    super(message);
  }
}
