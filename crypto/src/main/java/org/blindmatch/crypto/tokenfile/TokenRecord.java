package org.blindmatch.crypto.tokenfile;

/**
 * Layout of one body record of a v1 token file: {@code token (16) ‖ handle (16) ‖ tier (1)}.
 * The handle is opaque to everyone but the file's owner (see {@code docs/PROTOCOL.md} §4).
 */
public final class TokenRecord {
  /** Record width in bytes. */
  public static final int LENGTH = 33;
  /** Offset of the 16-byte token. */
  public static final int TOKEN_OFFSET = 0;
  /** Offset of the 16-byte record or label handle. */
  public static final int HANDLE_OFFSET = 16;
  /** Offset of the tier number byte. */
  public static final int TIER_OFFSET = 32;
  /** Token and handle length. */
  public static final int TOKEN_LENGTH = 16;

  private TokenRecord() {}
}
