package org.blindmatch.crypto.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class AddressClassifierTest {

  /** First and last address of each block, and the addresses just outside it. */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "0.0.0.0,           UNSPECIFIED",
    "0.0.0.1,           RESERVED",
    "0.255.255.255,     RESERVED",
    "1.0.0.0,           GLOBAL",
    "1.1.1.1,           GLOBAL",
    "8.8.8.8,           GLOBAL",
    "9.255.255.255,     GLOBAL",
    "10.0.0.0,          PRIVATE",
    "10.255.255.255,    PRIVATE",
    "11.0.0.0,          GLOBAL",
    "100.63.255.255,    GLOBAL",
    "100.64.0.0,        SHARED_CGNAT",
    "100.127.255.255,   SHARED_CGNAT",
    "100.128.0.0,       GLOBAL",
    "126.255.255.255,   GLOBAL",
    "127.0.0.0,         LOOPBACK",
    "127.0.0.1,         LOOPBACK",
    "127.255.255.255,   LOOPBACK",
    "128.0.0.0,         GLOBAL",
    "169.253.255.255,   GLOBAL",
    "169.254.0.0,       LINK_LOCAL",
    "169.254.255.255,   LINK_LOCAL",
    "169.255.0.0,       GLOBAL",
    "172.15.255.255,    GLOBAL",
    "172.16.0.0,        PRIVATE",
    "172.31.255.255,    PRIVATE",
    "172.32.0.0,        GLOBAL",
    "191.255.255.255,   GLOBAL",
    "192.0.0.0,         RESERVED",
    "192.0.0.255,       RESERVED",
    "192.0.1.0,         GLOBAL",
    "192.0.1.255,       GLOBAL",
    "192.0.2.0,         DOCUMENTATION",
    "192.0.2.255,       DOCUMENTATION",
    "192.0.3.0,         GLOBAL",
    "192.88.98.255,     GLOBAL",
    "192.88.99.0,       RESERVED",
    "192.88.99.255,     RESERVED",
    "192.88.100.0,      GLOBAL",
    "192.167.255.255,   GLOBAL",
    "192.168.0.0,       PRIVATE",
    "192.168.255.255,   PRIVATE",
    "192.169.0.0,       GLOBAL",
    "198.17.255.255,    GLOBAL",
    "198.18.0.0,        BENCHMARKING",
    "198.19.255.255,    BENCHMARKING",
    "198.20.0.0,        GLOBAL",
    "198.51.99.255,     GLOBAL",
    "198.51.100.0,      DOCUMENTATION",
    "198.51.100.255,    DOCUMENTATION",
    "198.51.101.0,      GLOBAL",
    "203.0.112.255,     GLOBAL",
    "203.0.113.0,       DOCUMENTATION",
    "203.0.113.255,     DOCUMENTATION",
    "203.0.114.0,       GLOBAL",
    "223.255.255.255,   GLOBAL",
    "224.0.0.0,         MULTICAST",
    "239.255.255.255,   MULTICAST",
    "240.0.0.0,         RESERVED",
    "255.255.255.254,   RESERVED",
    "255.255.255.255,   RESERVED",
    "::ffff:8.8.8.8,    GLOBAL",
    "::ffff:10.0.0.1,   PRIVATE",
    "::,                                      UNSPECIFIED",
    "::1,                                     LOOPBACK",
    "::2,                                     RESERVED",
    "::1.2.3.4,                               RESERVED",
    "::255.255.255.255,                       RESERVED",
    "::1:0:0,                                 RESERVED",
    "0:ff:ffff:ffff:ffff:ffff:ffff:ffff,      RESERVED",
    "64:ff9a:ffff:ffff:ffff:ffff:ffff:ffff,   RESERVED",
    "64:ff9b::,                               GLOBAL",
    "64:ff9b::8.8.8.8,                        GLOBAL",
    "64:ff9b::ffff:ffff,                      GLOBAL",
    "64:ff9b::1:0:0,                          RESERVED",
    "64:ff9b:0:ffff:ffff:ffff:ffff:ffff,      RESERVED",
    "64:ff9b:1::,                             PRIVATE",
    "64:ff9b:1:ffff:ffff:ffff:ffff:ffff,      PRIVATE",
    "64:ff9b:2::,                             RESERVED",
    "100::,                                   RESERVED",
    "100::ffff:ffff:ffff:ffff,                RESERVED",
    "100:0:0:1::,                             RESERVED",
    "1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, RESERVED",
    "2000::,                                  GLOBAL",
    "2001::,                                  RESERVED",
    "2001:0::1,                               RESERVED",
    "2001:1:ffff:ffff:ffff:ffff:ffff:ffff,    RESERVED",
    "2001:2::,                                BENCHMARKING",
    "2001:2::1,                               BENCHMARKING",
    "2001:2:0:ffff:ffff:ffff:ffff:ffff,       BENCHMARKING",
    "2001:2:1::,                              RESERVED",
    "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff,  RESERVED",
    "2001:200::,                              GLOBAL",
    "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff,  GLOBAL",
    "2001:db8::,                              DOCUMENTATION",
    "2001:db8::1,                             DOCUMENTATION",
    "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff,  DOCUMENTATION",
    "2001:db9::,                              GLOBAL",
    "2002::1,                                 GLOBAL",
    "2606:4700::1,                            GLOBAL",
    "2a00:1450:4001::1,                       GLOBAL",
    "3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff, GLOBAL",
    "3fff::,                                  DOCUMENTATION",
    "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff,  DOCUMENTATION",
    "3fff:1000::,                             GLOBAL",
    "3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, GLOBAL",
    "4000::,                                  RESERVED",
    "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, RESERVED",
    "fc00::,                                  PRIVATE",
    "fd00::1,                                 PRIVATE",
    "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, PRIVATE",
    "fe00::,                                  RESERVED",
    "fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff, RESERVED",
    "fe80::,                                  LINK_LOCAL",
    "fe80::1,                                 LINK_LOCAL",
    "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff, LINK_LOCAL",
    "fec0::,                                  RESERVED",
    "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, RESERVED",
    "ff00::,                                  MULTICAST",
    "ff02::1,                                 MULTICAST",
    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, MULTICAST",
  })
  void classifiesAddresses(String text, AddressClass expected) throws Exception {
    IpAddress a = IpParser.parseAddress(text);
    assertEquals(expected, AddressClassifier.classify(a));
    assertEquals(
        expected,
        AddressClassifier.classify(new IpPrefix(a, a.family().bitLength())),
        "a host prefix classifies like its address");
  }

  @Test
  void rawIpv4MappedIpv6IsNeverGlobal() {
    IpAddress rawMapped = IpAddress.ofIpv6(0L, 0x0000_ffff_0808_0808L);
    assertEquals(AddressClass.RESERVED, AddressClassifier.classify(rawMapped));
    assertEquals(AddressClass.GLOBAL, AddressClassifier.classify(rawMapped.canonical()));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "10.1.0.0/16,      PRIVATE",
    "10.0.0.0/8,       PRIVATE",
    "8.8.8.0/24,       GLOBAL",
    "8.0.0.0/7,        GLOBAL",
    "96.0.0.0/3,       SHARED_CGNAT",
    "100.0.0.0/8,      SHARED_CGNAT",
    "0.0.0.0/0,        UNSPECIFIED",
    "0.0.0.0/8,        UNSPECIFIED",
    "0.0.0.0/32,       UNSPECIFIED",
    "0.0.0.4/30,       RESERVED",
    "192.0.0.0/16,     RESERVED",
    "192.0.0.0/23,     RESERVED",
    "192.168.0.0/15,   PRIVATE",
    "198.18.0.0/16,    BENCHMARKING",
    "198.16.0.0/13,    BENCHMARKING",
    "224.0.0.0/3,      MULTICAST",
    "240.0.0.0/4,      RESERVED",
    "::ffff:10.0.0.0/104, PRIVATE",
    "::/0,             UNSPECIFIED",
    "::/96,            UNSPECIFIED",
    "::/127,           UNSPECIFIED",
    "::2/127,          RESERVED",
    "2000::/3,         DOCUMENTATION",
    "2001::/16,        DOCUMENTATION",
    "2001::/32,        RESERVED",
    "2001::/23,        BENCHMARKING",
    "2001:db8::/48,    DOCUMENTATION",
    "2600::/12,        GLOBAL",
    "2001:200::/23,    GLOBAL",
    "64:ff9b::/96,     GLOBAL",
    "64:ff9b::/95,     RESERVED",
    "64:ff9b::/32,     PRIVATE",
    "fe80::/64,        LINK_LOCAL",
    "fe80::/9,         LINK_LOCAL",
    "fc00::/6,         PRIVATE",
    "3ff0::/12,        DOCUMENTATION",
  })
  void classifiesPrefixes(String text, AddressClass expected) throws Exception {
    assertEquals(expected, AddressClassifier.classify(IpParser.parseCidr(text)));
  }

  @Test
  void tablesAreOrderedMostSpecificFirstAndEndWithACatchAll() {
    for (IpFamily family : IpFamily.values()) {
      List<AddressClassifier.Block> blocks = AddressClassifier.blocks(family);
      assertEquals(0, blocks.get(blocks.size() - 1).prefix().length(), "catch-all last");
      for (int i = 0; i < blocks.size(); i++) {
        IpPrefix later = blocks.get(i).prefix();
        assertEquals(family, later.family());
        for (int j = 0; j < i; j++) {
          IpPrefix earlier = blocks.get(j).prefix();
          assertFalse(earlier.contains(later), () -> earlier + " shadows " + later);
        }
      }
    }
  }

  @Test
  void reasonLabelsAreStableSnakeCaseAndUnique() {
    Set<String> seen = new HashSet<>();
    for (AddressClass c : AddressClass.values()) {
      assertTrue(c.reason().matches("[a-z][a-z0-9_]*"), c.reason());
      assertTrue(seen.add(c.reason()), "duplicate " + c.reason());
      assertFalse(c.description().isBlank());
    }
    assertEquals("global", AddressClass.GLOBAL.reason());
    assertEquals("private", AddressClass.PRIVATE.reason());
    assertEquals("loopback", AddressClass.LOOPBACK.reason());
    assertEquals("cgnat", AddressClass.SHARED_CGNAT.reason());
    assertEquals("link_local", AddressClass.LINK_LOCAL.reason());
    assertEquals(
        List.of(AddressClass.GLOBAL),
        Arrays.stream(AddressClass.values()).filter(AddressClass::isGlobal).toList());
  }

  @ParameterizedTest
  @EnumSource(IpFamily.class)
  void classifyAddressDoesNotAllocate(IpFamily family) throws Exception {
    var bean = ManagementFactory.getThreadMXBean();
    assumeTrue(bean instanceof com.sun.management.ThreadMXBean);
    var threads = (com.sun.management.ThreadMXBean) bean;
    assumeTrue(
        threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
    IpAddress[] samples =
        family == IpFamily.IPV4
            ? new IpAddress[] {
              IpParser.parseAddress("8.8.8.8"),
              IpParser.parseAddress("192.168.1.1"),
              IpParser.parseAddress("203.0.113.9"),
              IpParser.parseAddress("100.64.1.1")
            }
            : new IpAddress[] {
              IpParser.parseAddress("2606:4700::1"),
              IpParser.parseAddress("2001:db8::1"),
              IpParser.parseAddress("::1"),
              IpParser.parseAddress("3fff::1")
            };
    byte[] field = new byte[16];
    int sink = 0;
    for (int i = 0; i < 50_000; i++) { // warm up
      IpAddress a = samples[i & 3];
      sink += AddressClassifier.classify(a).ordinal();
      a.writeField16(field, 0);
    }
    long tid = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(tid);
    for (int i = 0; i < 200_000; i++) {
      IpAddress a = samples[i & 3];
      sink += AddressClassifier.classify(a).ordinal();
      a.writeField16(field, 0);
    }
    long allocated = threads.getThreadAllocatedBytes(tid) - before;
    assertNotEquals(-1, sink);
    // 200k calls; a single allocation per call would be >= 3 MB.
    assertTrue(allocated < 64 * 1024, () -> "allocated " + allocated + " bytes");
  }
}
