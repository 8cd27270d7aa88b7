package org.blindmatch.crypto.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class AddressClassifierPropertiesTest {

  @Provide
  Arbitrary<IpAddress> addresses() {
    // Near table boundaries as well as uniformly random.
    Arbitrary<IpAddress> nearBlocks =
        Arbitraries.of(IpFamily.values())
            .flatMap(f -> Arbitraries.of(AddressClassifier.blocks(f)))
            .flatMap(
                b ->
                    Arbitraries.oneOf(
                        Arbitraries.just(b.prefix().network()),
                        Arbitraries.just(b.prefix().lastAddress()),
                        Arbitraries.longs().map(r -> randomInside(b.prefix(), r))));
    return Arbitraries.oneOf(IpAddressPropertiesTest.addresses(), nearBlocks);
  }

  private static IpAddress randomInside(IpPrefix p, long random) {
    IpAddress last = p.lastAddress();
    IpAddress net = p.network();
    long hostHigh = (last.high() ^ net.high()) & random;
    long hostLow = (last.low() ^ net.low()) & Long.rotateLeft(random, 17);
    return new IpAddress(p.family(), net.high() | hostHigh, net.low() | hostLow);
  }

  /** The first-byte shortcut must agree with a plain first-match scan of the table. */
  @Property(tries = 3000)
  void classifyMatchesFirstMatchingRow(@ForAll("addresses") IpAddress a) {
    AddressClass expected =
        AddressClassifier.blocks(a.family()).stream()
            .filter(b -> b.prefix().contains(a))
            .findFirst()
            .orElseThrow()
            .addressClass();
    assertEquals(expected, AddressClassifier.classify(a));
  }

  /**
   * Soundness: a prefix is GLOBAL only if its addresses are; a prefix inside one row has that row's
   * class.
   */
  @Property(tries = 3000)
  void prefixClassIsConsistentWithItsAddresses(
      @ForAll("addresses") IpAddress a, @ForAll int lengthSeed, @ForAll long random) {
    int length = Math.floorMod(lengthSeed, a.family().bitLength() + 1);
    IpPrefix p = IpPrefix.covering(a, length);
    AddressClass prefixClass = AddressClassifier.classify(p);
    IpAddress inside = randomInside(p, random);
    if (prefixClass == AddressClass.GLOBAL) {
      assertEquals(AddressClass.GLOBAL, AddressClassifier.classify(a));
      assertEquals(AddressClass.GLOBAL, AddressClassifier.classify(p.network()));
      assertEquals(AddressClass.GLOBAL, AddressClassifier.classify(p.lastAddress()));
      assertEquals(AddressClass.GLOBAL, AddressClassifier.classify(inside));
    }
    boolean insideOneRow =
        AddressClassifier.blocks(a.family()).stream()
            .filter(b -> b.prefix().overlaps(p))
            .findFirst()
            .orElseThrow()
            .prefix()
            .contains(p);
    if (insideOneRow) {
      assertEquals(prefixClass, AddressClassifier.classify(inside));
    }
  }
}
