package org.blindmatch.crypto.ip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressTest {

  private static final IpAddress V4 = IpAddress.ofIpv4(0x01020304);
  private static final IpAddress V6 = IpAddress.ofIpv6(0x20010db800000000L, 0x00000000000000ffL);

  @Test
  void familyConstants() {
    assertEquals(4, IpFamily.IPV4.code());
    assertEquals(6, IpFamily.IPV6.code());
    assertEquals(32, IpFamily.IPV4.bitLength());
    assertEquals(128, IpFamily.IPV6.bitLength());
    assertEquals(4, IpFamily.IPV4.byteLength());
    assertEquals(16, IpFamily.IPV6.byteLength());
  }

  @Test
  void ipv4Representation() {
    IpAddress a = IpAddress.ofIpv4(0xC0A80001);
    assertEquals(IpFamily.IPV4, a.family());
    assertEquals(0L, a.high());
    assertEquals(0xC0A80001L, a.low());
    assertEquals("192.168.0.1", a.toString());
    assertEquals("255.255.255.255", IpAddress.ofIpv4(-1).toString());
    assertEquals("0.0.0.0", IpAddress.ofIpv4(0).toString());
  }

  @Test
  void constructorValidatesIpv4Range() {
    assertThrows(IllegalArgumentException.class, () -> new IpAddress(IpFamily.IPV4, 1L, 0L));
    assertThrows(
        IllegalArgumentException.class, () -> new IpAddress(IpFamily.IPV4, 0L, 0x1_0000_0000L));
    assertThrows(IllegalArgumentException.class, () -> new IpAddress(IpFamily.IPV4, 0L, -1L));
    assertThrows(NullPointerException.class, () -> new IpAddress(null, 0L, 0L));
    assertEquals(V4, new IpAddress(IpFamily.IPV4, 0L, 0x01020304L));
    // Any 128-bit value is a valid IPv6 address.
    assertEquals(-1L, new IpAddress(IpFamily.IPV6, -1L, -1L).low());
  }

  @Test
  void bytesRoundTrip() {
    assertArrayEquals(new byte[] {1, 2, 3, 4}, V4.toBytes());
    assertEquals(V4, IpAddress.fromBytes(new byte[] {1, 2, 3, 4}));
    byte[] v6 = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    assertArrayEquals(v6, V6.toBytes());
    assertEquals(V6, IpAddress.fromBytes(v6));
    byte[] copy = v6.clone();
    IpAddress.fromBytes(v6);
    assertArrayEquals(copy, v6, "input must not be modified");
  }

  @Test
  void fromBytesUnmapsIpv4MappedButNotCompatible() {
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 1, 2, 3, 4};
    assertEquals(V4, IpAddress.fromBytes(mapped));
    byte[] compatible = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4};
    assertEquals(IpAddress.ofIpv6(0, 0x01020304L), IpAddress.fromBytes(compatible));
    byte[] almostMapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, (byte) 0xff, (byte) 0xff, 1, 2, 3, 4};
    assertEquals(IpFamily.IPV6, IpAddress.fromBytes(almostMapped).family());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3, 5, 8, 15, 17, 32})
  void fromBytesRejectsOtherLengths(int length) {
    assertThrows(IllegalArgumentException.class, () -> IpAddress.fromBytes(new byte[length]));
  }

  @Test
  void fromBytesRejectsNull() {
    assertThrows(NullPointerException.class, () -> IpAddress.fromBytes(null));
  }

  @Test
  void canonicalAndMapped() {
    IpAddress rawMapped = IpAddress.ofIpv6(0L, 0x0000_ffff_0102_0304L);
    assertTrue(rawMapped.isIpv4Mapped());
    assertEquals(IpFamily.IPV6, rawMapped.family(), "ofIpv6 keeps the family");
    assertEquals(V4, rawMapped.canonical());
    assertSame(V4, V4.canonical());
    assertSame(V6, V6.canonical());
    assertFalse(V4.isIpv4Mapped());
    assertEquals("::ffff:102:304", rawMapped.toString(), "no dotted-quad notation");
  }

  @Test
  void writeField16() {
    byte[] dst = new byte[20];
    Arrays.fill(dst, (byte) 0x55);
    V4.writeField16(dst, 2);
    byte[] expected = new byte[20];
    Arrays.fill(expected, (byte) 0x55);
    Arrays.fill(expected, 2, 14, (byte) 0);
    expected[14] = 1;
    expected[15] = 2;
    expected[16] = 3;
    expected[17] = 4;
    assertArrayEquals(expected, dst);

    byte[] v6 = new byte[16];
    V6.writeField16(v6, 0);
    assertArrayEquals(V6.toBytes(), v6);

    IpAddress allOnes = IpAddress.ofIpv6(-1L, -1L);
    byte[] ones = new byte[16];
    allOnes.writeField16(ones, 0);
    for (byte b : ones) {
      assertEquals((byte) 0xff, b);
    }
  }

  @Test
  void writeField16ChecksBoundsBeforeWriting() {
    byte[] dst = new byte[16];
    Arrays.fill(dst, (byte) 7);
    assertThrows(IndexOutOfBoundsException.class, () -> V6.writeField16(dst, 1));
    assertThrows(IndexOutOfBoundsException.class, () -> V6.writeField16(dst, -1));
    assertThrows(IndexOutOfBoundsException.class, () -> V6.writeField16(new byte[15], 0));
    assertThrows(NullPointerException.class, () -> V6.writeField16(null, 0));
    for (byte b : dst) {
      assertEquals(7, b, "nothing written on failure");
    }
  }

  @Test
  void maskExamples() throws Exception {
    IpAddress a = IpParser.parseAddress("203.0.113.77");
    assertEquals(IpParser.parseAddress("203.0.113.0"), a.mask(24));
    assertEquals(IpParser.parseAddress("203.0.112.0"), a.mask(23));
    assertEquals(IpParser.parseAddress("0.0.0.0"), a.mask(0));
    assertSame(a, a.mask(32));
    IpAddress b = IpParser.parseAddress("2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff");
    assertEquals(IpParser.parseAddress("2001:db8:aaaa::"), b.mask(48));
    assertEquals(IpParser.parseAddress("2001:db8:aaaa:bbbb::"), b.mask(64));
    assertEquals(IpParser.parseAddress("2001:db8:aaaa:bbbb:8000::"), b.mask(65));
    assertEquals(IpParser.parseAddress("2001:db8:aaaa:bbbb:cccc:dddd:eeee:fffe"), b.mask(127));
    assertEquals(IpParser.parseAddress("::"), b.mask(0));
    assertSame(b, b.mask(128));
  }

  @Test
  void maskRejectsBadLengths() {
    assertThrows(IllegalArgumentException.class, () -> V4.mask(-1));
    assertThrows(IllegalArgumentException.class, () -> V4.mask(33));
    assertThrows(IllegalArgumentException.class, () -> V6.mask(129));
    assertEquals(V6, V6.mask(128));
  }

  @Test
  void ordering() throws Exception {
    IpAddress low = IpParser.parseAddress("1.0.0.0");
    IpAddress high = IpParser.parseAddress("200.0.0.0"); // sign bit of the int set
    IpAddress v6low = IpParser.parseAddress("::");
    IpAddress v6high = IpParser.parseAddress("8000::");
    IpAddress v6highLow = IpParser.parseAddress("::8000:0:0:0");
    assertTrue(low.compareTo(high) < 0);
    assertTrue(high.compareTo(v6low) < 0, "IPv4 sorts before IPv6");
    assertTrue(v6low.compareTo(v6highLow) < 0, "unsigned low word");
    assertTrue(v6highLow.compareTo(v6high) < 0, "high word first, unsigned");
    assertEquals(0, v6high.compareTo(IpParser.parseAddress("8000::")));
    assertNotEquals(IpAddress.ofIpv4(0), IpAddress.ofIpv6(0, 0));
  }
}
