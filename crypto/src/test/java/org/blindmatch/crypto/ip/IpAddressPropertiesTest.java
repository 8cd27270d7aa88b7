package org.blindmatch.crypto.ip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class IpAddressPropertiesTest {

  @Provide
  static Arbitrary<IpAddress> addresses() {
    Arbitrary<IpAddress> v4 = Arbitraries.integers().map(IpAddress::ofIpv4);
    Arbitrary<IpAddress> v6 =
        Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(IpAddress::ofIpv6);
    return Arbitraries.oneOf(v4, v6);
  }

  @Property
  void maskIsIdempotentAndNested(@ForAll("addresses") IpAddress a, @ForAll int r1, @ForAll int r2) {
    int bits = a.family().bitLength();
    int p = Math.floorMod(r1, bits + 1);
    int q = Math.floorMod(r2, p + 1); // q <= p
    IpAddress mp = a.mask(p);
    assertEquals(mp, mp.mask(p));
    assertEquals(a.mask(q), mp.mask(q), "mask(p) lies inside mask(q) for q <= p");
    assertTrue(IpPrefix.covering(a, q).contains(IpPrefix.covering(a, p)));
    assertEquals(reference(a).shiftRight(bits - p).shiftLeft(bits - p), reference(mp));
  }

  @Property
  void bytesRoundTrip(@ForAll("addresses") IpAddress a) {
    assertEquals(a.canonical(), IpAddress.fromBytes(a.toBytes()));
    byte[] field = new byte[16];
    a.writeField16(field, 0);
    assertEquals(reference(a), new BigInteger(1, field));
    assertArrayEquals(
        a.toBytes(), java.util.Arrays.copyOfRange(field, 16 - a.family().byteLength(), 16));
  }

  @Property
  void compareToMatchesFamilyThenUnsignedValue(
      @ForAll("addresses") IpAddress a, @ForAll("addresses") IpAddress b) {
    int expected =
        a.family() != b.family()
            ? a.family().compareTo(b.family())
            : reference(a).compareTo(reference(b));
    assertEquals(Integer.signum(expected), Integer.signum(a.compareTo(b)));
    assertEquals(a.compareTo(b) == 0, a.equals(b));
  }

  /** The address as an unsigned integer, computed independently of the production code. */
  static BigInteger reference(IpAddress a) {
    BigInteger high = new BigInteger(Long.toUnsignedString(a.high()));
    return high.shiftLeft(64).or(new BigInteger(Long.toUnsignedString(a.low())));
  }
}
