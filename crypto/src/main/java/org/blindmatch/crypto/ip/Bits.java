package org.blindmatch.crypto.ip;

/**
 * Prefix-mask arithmetic shared by {@link IpAddress}, {@link IpPrefix} and {@link
 * AddressClassifier}.
 *
 * <p>Every address is handled as a 128-bit value {@code (high, low)}. An IPv4 address occupies the
 * low 32 bits, so an IPv4 prefix of length {@code L} is the 128-bit prefix of length {@code 96 +
 * L}. This lets one code path serve both families.
 */
final class Bits {

  private Bits() {}

  /** Throws unless {@code 0 <= prefixLength <= family.bitLength()}. */
  static void checkPrefixLength(IpFamily family, int prefixLength) {
    if (prefixLength < 0 || prefixLength > family.bitLength()) {
      throw new IllegalArgumentException(
          "prefix length "
              + prefixLength
              + " is outside 0.."
              + family.bitLength()
              + " for "
              + family);
    }
  }

  /** The family-relative prefix length expressed as a 128-bit prefix length. */
  static int width128(IpFamily family, int prefixLength) {
    return prefixLength + (128 - family.bitLength());
  }

  /** Mask for the high word of a 128-bit prefix of the given length (0..128). */
  static long highMask(int width128) {
    return leadingOnes(Math.min(width128, 64));
  }

  /** Mask for the low word of a 128-bit prefix of the given length (0..128). */
  static long lowMask(int width128) {
    return leadingOnes(Math.max(width128 - 64, 0));
  }

  /** A long whose {@code n} most significant bits are set, {@code 0 <= n <= 64}. */
  static long leadingOnes(int n) {
    // Java masks shift distances to 6 bits, so -1L << 64 would be -1L, not 0.
    return n == 0 ? 0L : -1L << (64 - n);
  }
}
