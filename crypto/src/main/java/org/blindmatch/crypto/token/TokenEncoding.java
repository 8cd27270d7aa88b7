package org.blindmatch.crypto.token;

import java.nio.charset.StandardCharsets;
import org.blindmatch.crypto.ip.IpAddress;
import org.blindmatch.crypto.ip.IpFamily;

/**
 * The v1 token input encoding: fixed width (88 bytes), versioned and domain-separated.
 *
 * <pre>
 * off len field
 *   0  19 "blindmatch/v1/token" (ASCII)
 *  19   1 encoding version = 0x01
 *  20  32 scope digest (SHA-256 of the canonical scope)
 *  52   1 tier number
 *  53   1 address family: 0x04 or 0x06
 *  54   1 prefix length the address was masked to
 *  55   1 reserved = 0x00
 *  56   8 bucket width in seconds, unsigned big-endian; 0 = tier without time
 *  64  16 masked address: IPv6 as 16 bytes; IPv4 as 12 zero bytes then 4 bytes
 *  80   8 bucket = floor(t / width), signed big-endian; 0 when width is 0
 * </pre>
 *
 * Bytes 0..63 depend only on (scope, tier, family), which lets {@link HmacTokenDeriver} hash
 * them once per tier. Specified in {@code docs/PROTOCOL.md} §3. Stateless, thread-safe.
 */
public final class TokenEncoding {
  /** Domain-separation tag. */
  public static final String DOMAIN = "blindmatch/v1/token";
  /** Encoding version byte. */
  public static final byte VERSION = 1;
  /** Total encoded length. */
  public static final int LENGTH = 88;
  /** Length of the constant first part. */
  public static final int PREFIX_LENGTH = 64;
  /** Length of the per-event part (masked address and bucket). */
  public static final int EVENT_LENGTH = 24;

  private static final byte[] DOMAIN_BYTES = DOMAIN.getBytes(StandardCharsets.US_ASCII);

  private TokenEncoding() {}

  /**
   * The constant first 64 bytes for one (scope, tier, family).
   *
   * @param scopeDigest 32 bytes
   * @param tierNumber 0..255
   * @param prefixLength the tier's prefix for this family
   * @param bucketWidthSeconds 0 for a tier without time
   */
  public static byte[] prefix(
      byte[] scopeDigest, int tierNumber, IpFamily family, int prefixLength,
      long bucketWidthSeconds) {
    if (scopeDigest.length != 32) {
      throw new IllegalArgumentException("scope digest must be 32 bytes");
    }
    if (tierNumber < 0 || tierNumber > 255) {
      throw new IllegalArgumentException("tier number " + tierNumber + " not in 0..255");
    }
    if (prefixLength < 0 || prefixLength > family.bitLength()) {
      throw new IllegalArgumentException("prefix length " + prefixLength + " out of range");
    }
    byte[] p = new byte[PREFIX_LENGTH];
    System.arraycopy(DOMAIN_BYTES, 0, p, 0, DOMAIN_BYTES.length);
    p[19] = VERSION;
    System.arraycopy(scopeDigest, 0, p, 20, 32);
    p[52] = (byte) tierNumber;
    p[53] = (byte) family.code();
    p[54] = (byte) prefixLength;
    p[55] = 0;
    putLong(p, 56, bucketWidthSeconds);
    return p;
  }

  /** Writes the 24-byte per-event part at {@code dst[off]}. Allocation-free. */
  public static void writeEvent(IpAddress masked, long bucket, byte[] dst, int off) {
    masked.writeField16(dst, off);
    putLong(dst, off + 16, bucket);
  }

  /** The whole 88-byte encoding, for specification, vectors and tests. */
  public static byte[] encode(
      byte[] scopeDigest, int tierNumber, int prefixLength, long bucketWidthSeconds,
      IpAddress masked, long bucket) {
    byte[] out = new byte[LENGTH];
    System.arraycopy(
        prefix(scopeDigest, tierNumber, masked.family(), prefixLength, bucketWidthSeconds),
        0, out, 0, PREFIX_LENGTH);
    writeEvent(masked, bucket, out, PREFIX_LENGTH);
    return out;
  }

  static void putLong(byte[] b, int off, long v) {
    for (int i = 7; i >= 0; i--) {
      b[off + i] = (byte) v;
      v >>>= 8;
    }
  }
}
