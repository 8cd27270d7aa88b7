package org.blindmatch.crypto.ip;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * A CIDR prefix: the set of addresses of one family whose first {@code length} bits equal those of
 * {@code network}.
 *
 * <p>Immutable and thread-safe. Prefixes of different families never contain or overlap each other.
 * Obtain one from text with {@link IpParser#parseCidr(CharSequence)}.
 *
 * @param network the first address of the prefix; must have no bits set after {@code length}
 * @param length the prefix length, {@code 0..network.family().bitLength()}
 */
public record IpPrefix(IpAddress network, int length) {

  /**
   * Validates the components.
   *
   * @param network the first address of the prefix; non-null, no host bits set
   * @param length the prefix length, {@code 0..network.family().bitLength()}
   * @throws NullPointerException if {@code network} is null
   * @throws IllegalArgumentException if {@code length} is out of range or {@code network} has host
   *     bits set
   */
  public IpPrefix {
    Objects.requireNonNull(network, "network");
    Bits.checkPrefixLength(network.family(), length);
    if (!network.mask(length).equals(network)) {
      throw new IllegalArgumentException(
          "host bits set in "
              + network
              + "/"
              + length
              + "; the network is "
              + network.mask(length)
              + "/"
              + length);
    }
  }

  /**
   * Returns the prefix of the given length that contains {@code address} (host bits are cleared
   * rather than rejected).
   *
   * @param address any address
   * @param length prefix length, {@code 0..address.family().bitLength()}
   * @return the covering prefix; never null
   * @throws IllegalArgumentException if {@code length} is out of range
   */
  public static IpPrefix covering(IpAddress address, int length) {
    return new IpPrefix(address.mask(length), length);
  }

  /**
   * Returns the family of this prefix.
   *
   * @return the family of {@link #network()}
   */
  public IpFamily family() {
    return network.family();
  }

  /**
   * Returns the last address of this prefix (all host bits set).
   *
   * @return the highest address contained; never null
   */
  public IpAddress lastAddress() {
    int width = Bits.width128(family(), length);
    return new IpAddress(
        family(),
        network.high() | ~Bits.highMask(width),
        network.low() | (~Bits.lowMask(width) & familyLowBits()));
  }

  /**
   * Returns whether {@code address} lies in this prefix. Allocation-free.
   *
   * @param address the address to test; non-null
   * @return false if the families differ
   */
  public boolean contains(IpAddress address) {
    if (address.family() != family()) {
      return false;
    }
    int width = Bits.width128(family(), length);
    return (address.high() & Bits.highMask(width)) == network.high()
        && (address.low() & Bits.lowMask(width)) == network.low();
  }

  /**
   * Returns whether every address of {@code other} lies in this prefix.
   *
   * @param other the prefix to test; non-null
   * @return false if the families differ
   */
  public boolean contains(IpPrefix other) {
    return other.length >= length && contains(other.network);
  }

  /**
   * Returns whether the two prefixes share at least one address. For CIDR prefixes this means one
   * contains the other.
   *
   * @param other the prefix to test; non-null
   * @return false if the families differ
   */
  public boolean overlaps(IpPrefix other) {
    return contains(other) || other.contains(this);
  }

  /**
   * Returns how many distinct addresses {@code a.mask(prefixLength)} arise from the addresses
   * {@code a} in this prefix: 1 if {@code prefixLength <= length()}, otherwise {@code
   * 2^(prefixLength - length())}, saturated to {@link Long#MAX_VALUE} when that is {@code >= 2^63}.
   *
   * @param prefixLength {@code 0..family().bitLength()}
   * @return the count, at least 1
   * @throws IllegalArgumentException if {@code prefixLength} is out of range
   */
  public long countAt(int prefixLength) {
    Bits.checkPrefixLength(family(), prefixLength);
    int extraBits = prefixLength - length;
    if (extraBits <= 0) {
      return 1L;
    }
    return extraBits >= 63 ? Long.MAX_VALUE : 1L << extraBits;
  }

  /**
   * Lazily iterates, in ascending order, the distinct addresses {@code a.mask(prefixLength)} for
   * {@code a} in this prefix, that is the network address of each {@code /prefixLength} sub-prefix
   * (or, if {@code prefixLength <= length()}, the single address {@code
   * network().mask(prefixLength)}). Uses O(1) memory; the number of elements is exactly {@link
   * #countAt(int)} unless that saturated.
   *
   * <p>The iterator is not thread-safe; the prefix is.
   *
   * @param prefixLength {@code 0..family().bitLength()}
   * @return a new iterator; {@code remove()} is unsupported
   * @throws IllegalArgumentException if {@code prefixLength} is out of range
   */
  public Iterator<IpAddress> addressesAt(int prefixLength) {
    Bits.checkPrefixLength(family(), prefixLength);
    if (prefixLength <= length) {
      return new SubPrefixIterator(network.mask(prefixLength), network.mask(prefixLength), 0);
    }
    IpAddress last = lastAddress().mask(prefixLength);
    int stepBit = family().bitLength() - prefixLength;
    return new SubPrefixIterator(network, last, stepBit);
  }

  /**
   * Returns {@code "network/length"}, for example {@code "203.0.113.0/24"}.
   *
   * @return the CIDR text form
   */
  @Override
  public String toString() {
    return network + "/" + length;
  }

  private long familyLowBits() {
    return family() == IpFamily.IPV4 ? 0xFFFF_FFFFL : -1L;
  }

  /** Walks from {@code first} to {@code last} inclusive in steps of {@code 2^stepBit}. */
  private static final class SubPrefixIterator implements Iterator<IpAddress> {
    private final IpFamily family;
    private final long lastHigh;
    private final long lastLow;
    private final int stepBit;
    private long nextHigh;
    private long nextLow;
    private boolean done;

    SubPrefixIterator(IpAddress first, IpAddress last, int stepBit) {
      this.family = first.family();
      this.nextHigh = first.high();
      this.nextLow = first.low();
      this.lastHigh = last.high();
      this.lastLow = last.low();
      this.stepBit = stepBit;
    }

    @Override
    public boolean hasNext() {
      return !done;
    }

    @Override
    public IpAddress next() {
      if (done) {
        throw new NoSuchElementException();
      }
      IpAddress current = new IpAddress(family, nextHigh, nextLow);
      if (nextHigh == lastHigh && nextLow == lastLow) {
        done = true;
      } else {
        advance();
      }
      return current;
    }

    // Never steps past 'last', which lies inside the prefix, so the
    // 128-bit addition cannot overflow and IPv4 values stay below 2^32.
    private void advance() {
      if (stepBit >= 64) {
        nextHigh += 1L << (stepBit - 64);
        return;
      }
      long sum = nextLow + (1L << stepBit);
      if (Long.compareUnsigned(sum, nextLow) < 0) {
        nextHigh++;
      }
      nextLow = sum;
    }
  }
}
