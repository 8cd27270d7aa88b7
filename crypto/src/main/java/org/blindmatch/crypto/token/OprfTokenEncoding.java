package org.blindmatch.crypto.token;

import java.nio.charset.StandardCharsets;
import org.blindmatch.crypto.ip.IpAddress;
import org.blindmatch.crypto.ip.IpFamily;

/**
 * The v1 encodings of oprf mode ({@code docs/PROTOCOL.md} §3.1). The OPRF is evaluated once
 * per distinct (prefix length, masked address) — tiers sharing a prefix share the evaluation;
 * tokens for every tier and bucket are then derived locally from its output {@code s}, the
 * tier entering the token message.
 *
 * <pre>
 * OPRF input (77 bytes):
 *   "blindmatch/v1/oprf-address" (26) ‖ 0x01 ‖ scope digest (32) ‖ family (1)
 *   ‖ prefix length (1) ‖ masked address (16, IPv4 as 12 zero bytes ‖ 4)
 * token message (42 bytes):
 *   "blindmatch/v1/oprf-token" (24) ‖ 0x01 ‖ tier number (1) ‖ bucket width (8)
 *   ‖ bucket (8, signed)
 * token = HMAC-SHA256(s, token message)[0..16), s = OPRF output (32 bytes)
 * </pre>
 *
 * Stateless, thread-safe.
 */
public final class OprfTokenEncoding {
  /** Domain tag of the OPRF input. */
  public static final String ADDRESS_DOMAIN = "blindmatch/v1/oprf-address";
  /** Domain tag of the per-bucket token message. */
  public static final String TOKEN_DOMAIN = "blindmatch/v1/oprf-token";
  /** Length of the OPRF input. */
  public static final int ADDRESS_LENGTH = 26 + 1 + 32 + 1 + 1 + 16;
  /** Length of the token message. */
  public static final int TOKEN_MESSAGE_LENGTH = 24 + 1 + 1 + 8 + 8;

  private static final byte[] ADDRESS_TAG = ADDRESS_DOMAIN.getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TOKEN_TAG = TOKEN_DOMAIN.getBytes(StandardCharsets.US_ASCII);

  private OprfTokenEncoding() {}

  /** The OPRF input for an address already masked to {@code prefixLength}. */
  public static byte[] address(byte[] scopeDigest, int prefixLength, IpAddress masked) {
    if (scopeDigest.length != 32) {
      throw new IllegalArgumentException("scope digest must be 32 bytes");
    }
    IpFamily family = masked.family();
    if (prefixLength < 0 || prefixLength > family.bitLength()
        || !masked.mask(prefixLength).equals(masked)) {
      throw new IllegalArgumentException("address is not masked to /" + prefixLength);
    }
    byte[] b = new byte[ADDRESS_LENGTH];
    System.arraycopy(ADDRESS_TAG, 0, b, 0, 26);
    b[26] = 1;
    System.arraycopy(scopeDigest, 0, b, 27, 32);
    b[59] = (byte) family.code();
    b[60] = (byte) prefixLength;
    masked.writeField16(b, 61);
    return b;
  }

  /**
   * The message MACed under the OPRF output: {@code "blindmatch/v1/oprf-token" ‖ 0x01 ‖
   * tier number (1) ‖ bucket width (8) ‖ bucket (8, signed)}.
   */
  public static byte[] tokenMessage(int tierNumber, long bucketWidthSeconds, long bucket) {
    byte[] b = new byte[TOKEN_MESSAGE_LENGTH];
    System.arraycopy(TOKEN_TAG, 0, b, 0, 24);
    b[24] = 1;
    b[25] = (byte) tierNumber;
    TokenEncoding.putLong(b, 26, bucketWidthSeconds);
    TokenEncoding.putLong(b, 34, bucket);
    return b;
  }
}
