package org.blindmatch.crypto.ip;

/**
 * The two IP address families.
 *
 * <p>Immutable and thread-safe.
 */
public enum IpFamily {
  /** IPv4: 32-bit addresses. */
  IPV4(4, 32),
  /** IPv6: 128-bit addresses. */
  IPV6(6, 128);

  private final int code;
  private final int bitLength;

  IpFamily(int code, int bitLength) {
    this.code = code;
    this.bitLength = bitLength;
  }

  /**
   * Returns the stable numeric code of this family: {@code 4} or {@code 6}. Suitable for
   * serialisation (for example as a domain-separation byte); unlike {@link #ordinal()} it never
   * changes.
   *
   * @return 4 for IPv4, 6 for IPv6
   */
  public int code() {
    return code;
  }

  /**
   * Returns the address width in bits.
   *
   * @return 32 for IPv4, 128 for IPv6
   */
  public int bitLength() {
    return bitLength;
  }

  /**
   * Returns the address width in bytes.
   *
   * @return 4 for IPv4, 16 for IPv6
   */
  public int byteLength() {
    return bitLength / 8;
  }
}
