package org.blindmatch.crypto.ip;

import java.util.Objects;

/**
 * An IPv4 or IPv6 address as an immutable 128-bit value.
 *
 * <p>Representation:
 *
 * <ul>
 *   <li>IPv4: {@code high == 0} and {@code low} holds the address in its low 32 bits (the upper 32
 *       bits of {@code low} are zero).
 *   <li>IPv6: {@code high} holds the first 64 bits and {@code low} the last 64 bits, both in
 *       network (big-endian) bit order.
 * </ul>
 *
 * <p>Canonical form: {@link IpParser} and {@link #fromBytes(byte[])} return IPv4-mapped IPv6
 * addresses ({@code ::ffff:0:0/96}) as {@link IpFamily#IPV4} values, so the same host always yields
 * the same value. The raw factories {@link #ofIpv6(long, long)} and the canonical constructor do
 * not rewrite the family; use {@link #canonical()} when the bits come from elsewhere. A raw mapped
 * IPv6 value is classified {@link AddressClass#RESERVED} by {@link AddressClassifier}, so it is
 * never mistaken for a routable address.
 *
 * <p>Instances are immutable and thread-safe. Equality is by family and bits.
 *
 * @param family the address family, never {@code null}
 * @param high IPv6: the first 64 bits; IPv4: must be 0
 * @param low IPv6: the last 64 bits; IPv4: the address in the low 32 bits
 */
public record IpAddress(IpFamily family, long high, long low) implements Comparable<IpAddress> {

  private static final long IPV4_MAPPED_MARKER = 0xFFFFL;

  /**
   * Validates the components.
   *
   * @param family the address family; non-null
   * @param high IPv6: the first 64 bits; IPv4: must be 0
   * @param low IPv6: the last 64 bits; IPv4: the address, below {@code 2^32}
   * @throws NullPointerException if {@code family} is null
   * @throws IllegalArgumentException if an IPv4 value has {@code high != 0} or bits set above bit
   *     31 of {@code low}
   */
  public IpAddress {
    Objects.requireNonNull(family, "family");
    if (family == IpFamily.IPV4 && (high != 0 || (low >>> 32) != 0)) {
      throw new IllegalArgumentException(
          "IPv4 value out of range: high=0x"
              + Long.toHexString(high)
              + " low=0x"
              + Long.toHexString(low));
    }
  }

  /**
   * Returns the IPv4 address with the given bits ({@code 0x01020304} is 1.2.3.4).
   *
   * @param bits the 32 address bits, most significant octet first
   * @return the address; never null
   */
  public static IpAddress ofIpv4(int bits) {
    return new IpAddress(IpFamily.IPV4, 0L, Integer.toUnsignedLong(bits));
  }

  /**
   * Returns the IPv6 address with the given bits, exactly as given: an IPv4-mapped value stays
   * {@link IpFamily#IPV6} (see {@link #canonical()}).
   *
   * @param high the first 64 bits
   * @param low the last 64 bits
   * @return the address; never null
   */
  public static IpAddress ofIpv6(long high, long low) {
    return new IpAddress(IpFamily.IPV6, high, low);
  }

  /**
   * Decodes a network-order address. 16 bytes in {@code ::ffff:0:0/96} (IPv4-mapped) decode to the
   * IPv4 address.
   *
   * @param b 4 or 16 bytes; not modified and not retained
   * @return the address; never null
   * @throws NullPointerException if {@code b} is null
   * @throws IllegalArgumentException if {@code b.length} is not 4 or 16
   */
  public static IpAddress fromBytes(byte[] b) {
    Objects.requireNonNull(b, "b");
    if (b.length == 4) {
      return ofIpv4((int) readBigEndian(b, 0, 4));
    }
    if (b.length == 16) {
      return ofIpv6(readBigEndian(b, 0, 8), readBigEndian(b, 8, 8)).canonical();
    }
    throw new IllegalArgumentException("address must be 4 or 16 bytes, got " + b.length);
  }

  /**
   * Returns whether this is an IPv6 value in {@code ::ffff:0:0/96}. Never true for values produced
   * by {@link IpParser} or {@link #fromBytes(byte[])}.
   *
   * @return true for a raw IPv4-mapped IPv6 value
   */
  public boolean isIpv4Mapped() {
    return family == IpFamily.IPV6 && high == 0 && (low >>> 32) == IPV4_MAPPED_MARKER;
  }

  /**
   * Returns the canonical value: the embedded IPv4 address for an IPv4-mapped IPv6 value, otherwise
   * {@code this}.
   *
   * @return the canonical address; never null
   */
  public IpAddress canonical() {
    return isIpv4Mapped() ? ofIpv4((int) low) : this;
  }

  /**
   * Returns the address in network byte order.
   *
   * @return a new array of {@link IpFamily#byteLength()} bytes
   */
  public byte[] toBytes() {
    if (family == IpFamily.IPV4) {
      byte[] out = new byte[4];
      writeBigEndian(out, 0, low, 4);
      return out;
    }
    byte[] out = new byte[16];
    writeBigEndian(out, 0, high, 8);
    writeBigEndian(out, 8, low, 8);
    return out;
  }

  /**
   * Writes the 16-byte fixed-width encoding into {@code dst[offset..offset+15]}: IPv6 as its 16
   * bytes, IPv4 as 12 zero bytes followed by its 4 bytes. Allocation-free.
   *
   * <p>The field alone does not identify the family: IPv4 {@code a.b.c.d} and the (deprecated,
   * {@link AddressClass#RESERVED}) IPv6 {@code ::a.b.c.d} encode identically. Callers that need an
   * injective encoding must also encode {@link IpFamily#code()}.
   *
   * @param dst destination array
   * @param offset index of the first byte to write
   * @throws NullPointerException if {@code dst} is null
   * @throws IndexOutOfBoundsException if the 16 bytes do not fit; nothing is written
   */
  public void writeField16(byte[] dst, int offset) {
    Objects.checkFromIndexSize(offset, 16, dst.length);
    // For IPv4, high == 0 and the upper half of low is 0, which yields the
    // 12 leading zero bytes without a separate branch.
    writeBigEndian(dst, offset, high, 8);
    writeBigEndian(dst, offset + 8, low, 8);
  }

  /**
   * Returns this address with every bit after the first {@code prefixLength} bits cleared.
   * Idempotent; returns {@code this} when nothing changes.
   *
   * @param prefixLength number of leading bits to keep, {@code 0..family().bitLength()}
   * @return the masked address; never null
   * @throws IllegalArgumentException if {@code prefixLength} is out of range
   */
  public IpAddress mask(int prefixLength) {
    Bits.checkPrefixLength(family, prefixLength);
    int width = Bits.width128(family, prefixLength);
    long maskedHigh = high & Bits.highMask(width);
    long maskedLow = low & Bits.lowMask(width);
    if (maskedHigh == high && maskedLow == low) {
      return this;
    }
    return new IpAddress(family, maskedHigh, maskedLow);
  }

  /**
   * Orders IPv4 before IPv6, then by unsigned numeric value.
   *
   * @param other the address to compare with
   * @return negative, zero or positive
   */
  @Override
  public int compareTo(IpAddress other) {
    int byFamily = family.compareTo(other.family);
    if (byFamily != 0) {
      return byFamily;
    }
    int byHigh = Long.compareUnsigned(high, other.high);
    return byHigh != 0 ? byHigh : Long.compareUnsigned(low, other.low);
  }

  /**
   * Returns the standard text form: dotted quad for IPv4; RFC 5952 canonical text for IPv6
   * (lowercase, no leading zeros, the first longest run of two or more zero groups as {@code ::},
   * never dotted-quad notation).
   *
   * @return the text form; {@link IpParser#parseAddress(CharSequence)} parses it back to {@link
   *     #canonical()}
   */
  @Override
  public String toString() {
    return family == IpFamily.IPV4 ? Ipv4Text.format((int) low) : Ipv6Text.format(high, low);
  }

  private static long readBigEndian(byte[] src, int offset, int count) {
    long v = 0;
    for (int i = 0; i < count; i++) {
      v = (v << 8) | (src[offset + i] & 0xFF);
    }
    return v;
  }

  private static void writeBigEndian(byte[] dst, int offset, long value, int count) {
    for (int i = count - 1; i >= 0; i--) {
      dst[offset + i] = (byte) value;
      value >>>= 8;
    }
  }
}
