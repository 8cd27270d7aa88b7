package org.blindmatch.crypto.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Iterator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class IpPrefixPropertiesTest {

  /** Small sub-prefix spans anywhere in the address, including across the 64-bit word boundary. */
  @Property(tries = 1500)
  void addressesAtIteratesExactlyCountAtContainedAscending(
      @ForAll("addresses") IpAddress a,
      @ForAll int lengthSeed,
      @ForAll @IntRange(min = 0, max = 10) int extraBits) {
    int bits = a.family().bitLength();
    int length = Math.floorMod(lengthSeed, bits + 1);
    int at = Math.min(bits, length + extraBits);
    IpPrefix p = IpPrefix.covering(a, length);

    Iterator<IpAddress> it = p.addressesAt(at);
    long count = 0;
    IpAddress previous = null;
    long expected = p.countAt(at);
    while (it.hasNext() && count <= expected) { // bounded: a runaway iterator fails, not hangs
      IpAddress x = it.next();
      count++;
      assertTrue(p.contains(x), () -> x + " not in " + p);
      assertEquals(x, x.mask(at), "each element is a /" + at + " network");
      if (previous != null) {
        assertTrue(previous.compareTo(x) < 0, "strictly ascending");
      } else {
        assertEquals(p.network(), x);
      }
      previous = x;
    }
    assertEquals(expected, count);
    assertEquals(p.lastAddress().mask(at), previous);
  }

  @Property
  void containsIsMaskEquality(
      @ForAll("addresses") IpAddress a, @ForAll("addresses") IpAddress b, @ForAll int lengthSeed) {
    int length = Math.floorMod(lengthSeed, a.family().bitLength() + 1);
    IpPrefix p = IpPrefix.covering(a, length);
    assertTrue(p.contains(a));
    boolean expected = a.family() == b.family() && a.mask(length).equals(b.mask(length));
    assertEquals(expected, p.contains(b));
    assertTrue(p.contains(p.lastAddress()));
    assertEquals(p.network(), p.lastAddress().mask(length));
  }

  @Property
  void overlapIsSymmetricAndImpliedByContainment(
      @ForAll("addresses") IpAddress a,
      @ForAll int s1,
      @ForAll int s2,
      @ForAll("addresses") IpAddress b) {
    int bits = a.family().bitLength();
    IpPrefix p = IpPrefix.covering(a, Math.floorMod(s1, bits + 1));
    IpPrefix q = IpPrefix.covering(a, Math.floorMod(s2, bits + 1));
    assertTrue(p.overlaps(q));
    assertTrue(p.contains(q) || q.contains(p));
    IpPrefix r = IpPrefix.covering(b, Math.floorMod(s2, b.family().bitLength() + 1));
    assertEquals(p.overlaps(r), r.overlaps(p));
    if (p.contains(r)) {
      assertTrue(p.overlaps(r));
    }
    if (a.family() != b.family()) {
      assertFalse(p.overlaps(r));
    }
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<IpAddress> addresses() {
    return IpAddressPropertiesTest.addresses();
  }
}
