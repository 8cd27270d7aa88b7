package org.blindmatch.crypto.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class IpPrefixTest {

  private static IpPrefix cidr(String text) throws IpParseException {
    return IpParser.parseCidr(text);
  }

  private static IpAddress ip(String text) throws IpParseException {
    return IpParser.parseAddress(text);
  }

  @Test
  void constructorValidates() throws Exception {
    assertThrows(IllegalArgumentException.class, () -> new IpPrefix(ip("10.0.0.1"), 8));
    assertThrows(IllegalArgumentException.class, () -> new IpPrefix(ip("10.0.0.0"), 33));
    assertThrows(IllegalArgumentException.class, () -> new IpPrefix(ip("10.0.0.0"), -1));
    assertThrows(IllegalArgumentException.class, () -> new IpPrefix(ip("::"), 129));
    assertThrows(NullPointerException.class, () -> new IpPrefix(null, 0));
    assertEquals(cidr("10.0.0.0/8"), new IpPrefix(ip("10.0.0.0"), 8));
    assertEquals(cidr("10.0.0.0/8"), IpPrefix.covering(ip("10.9.8.7"), 8));
  }

  @Test
  void textAndAccessors() throws Exception {
    IpPrefix p = cidr("2001:db8::/32");
    assertEquals("2001:db8::/32", p.toString());
    assertEquals(IpFamily.IPV6, p.family());
    assertEquals("203.0.113.0/24", cidr("203.0.113.0/24").toString());
    assertEquals(ip("203.0.113.255"), cidr("203.0.113.0/24").lastAddress());
    assertEquals(ip("255.255.255.255"), cidr("0.0.0.0/0").lastAddress());
    assertEquals(ip("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"), p.lastAddress());
    assertEquals(ip("1.2.3.4"), cidr("1.2.3.4/32").lastAddress());
  }

  @Test
  void containment() throws Exception {
    IpPrefix ten = cidr("10.0.0.0/8");
    assertTrue(ten.contains(ip("10.0.0.0")));
    assertTrue(ten.contains(ip("10.255.255.255")));
    assertFalse(ten.contains(ip("11.0.0.0")));
    assertFalse(ten.contains(ip("9.255.255.255")));
    assertFalse(ten.contains(IpAddress.ofIpv6(0L, 0x0a00_0000L)), "other family");
    assertFalse(cidr("::/0").contains(ip("1.2.3.4")), "IPv6 ::/0 does not contain IPv4");
    assertTrue(cidr("0.0.0.0/0").contains(ip("1.2.3.4")));

    assertTrue(ten.contains(cidr("10.1.0.0/16")));
    assertTrue(ten.contains(ten));
    assertFalse(cidr("10.1.0.0/16").contains(ten));
    assertTrue(ten.overlaps(cidr("10.1.0.0/16")));
    assertTrue(cidr("10.1.0.0/16").overlaps(ten));
    assertFalse(ten.overlaps(cidr("11.0.0.0/8")));
    assertFalse(cidr("0.0.0.0/0").overlaps(cidr("::/0")));
  }

  @Test
  void countAt() throws Exception {
    IpPrefix ten = cidr("10.0.0.0/8");
    assertEquals(1, ten.countAt(0));
    assertEquals(1, ten.countAt(8));
    assertEquals(2, ten.countAt(9));
    assertEquals(65_536, ten.countAt(24));
    assertEquals(1L << 24, ten.countAt(32));
    IpPrefix all6 = cidr("::/0");
    assertEquals(1L << 62, all6.countAt(62));
    assertEquals(Long.MAX_VALUE, all6.countAt(63), "2^63 saturates");
    assertEquals(Long.MAX_VALUE, all6.countAt(128));
    assertEquals(1L << 62, cidr("2001:db8::/66").countAt(128));
    assertThrows(IllegalArgumentException.class, () -> ten.countAt(33));
    assertThrows(IllegalArgumentException.class, () -> ten.countAt(-1));
  }

  @Test
  void addressesAtExamples() throws Exception {
    assertEquals(
        List.of(ip("10.0.0.0"), ip("10.0.1.0"), ip("10.0.2.0"), ip("10.0.3.0")),
        collect(cidr("10.0.0.0/22").addressesAt(24)));
    assertEquals(List.of(ip("10.0.0.0")), collect(cidr("10.0.0.0/22").addressesAt(22)));
    assertEquals(List.of(ip("10.0.0.0")), collect(cidr("10.0.0.0/22").addressesAt(8)));
    assertEquals(
        List.of(ip("0.0.0.0"), ip("128.0.0.0")), collect(cidr("0.0.0.0/0").addressesAt(1)));
    assertEquals(
        List.of(ip("255.255.255.254"), ip("255.255.255.255")),
        collect(cidr("255.255.255.254/31").addressesAt(32)));
    // Steps that carry from the low 64 bits into the high 64 bits.
    assertEquals(
        List.of(
            ip("2001:db8::"),
            ip("2001:db8::8000:0:0:0"),
            ip("2001:db8:0:1::"),
            ip("2001:db8:0:1:8000::")),
        collect(cidr("2001:db8::/63").addressesAt(65)));
    assertEquals(
        List.of(
            ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"),
            ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")),
        collect(cidr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127").addressesAt(128)));
  }

  @Test
  void addressesAtIsLazyAndEnds() throws Exception {
    Iterator<IpAddress> it = cidr("::/0").addressesAt(128); // 2^128 elements: must not materialise
    assertEquals(ip("::"), it.next());
    assertEquals(ip("::1"), it.next());
    Iterator<IpAddress> one = cidr("1.2.3.4/32").addressesAt(32);
    assertEquals(ip("1.2.3.4"), one.next());
    assertFalse(one.hasNext());
    assertThrows(NoSuchElementException.class, one::next);
    assertThrows(IllegalArgumentException.class, () -> cidr("1.2.3.4/32").addressesAt(33));
  }

  /** Collects at most 1000 elements, so a non-terminating iterator fails instead of hanging. */
  private static List<IpAddress> collect(Iterator<IpAddress> it) {
    List<IpAddress> out = new ArrayList<>();
    while (it.hasNext() && out.size() < 1000) {
      out.add(it.next());
    }
    assertFalse(it.hasNext(), "iterator did not end");
    return out;
  }
}
