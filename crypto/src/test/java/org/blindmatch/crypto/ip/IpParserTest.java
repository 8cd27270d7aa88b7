package org.blindmatch.crypto.ip;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.blindmatch.crypto.io.Excerpt;
import org.blindmatch.crypto.ip.IpParseException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class IpParserTest {

  private static IpAddress v4(int a, int b, int c, int d) {
    return IpAddress.ofIpv4((a << 24) | (b << 16) | (c << 8) | d);
  }

  // ---- valid addresses --------------------------------------------------------------

  @ParameterizedTest
  @CsvSource({
    "0.0.0.0,         0x00000000",
    "1.2.3.4,         0x01020304",
    "10.0.0.1,        0x0A000001",
    "192.168.100.200, 0xC0A864C8",
    "255.255.255.255, 0xFFFFFFFF",
    "100.64.0.0,      0x64400000",
  })
  void parsesDottedQuads(String text, String hex) throws Exception {
    IpAddress expected = IpAddress.ofIpv4(Integer.parseUnsignedInt(hex.substring(2), 16));
    assertEquals(expected, IpParser.parseAddress(text));
    assertEquals(IpFamily.IPV4, IpParser.parseAddress(text).family());
  }

  @ParameterizedTest
  @CsvSource({
    "::,                                      0x0000000000000000, 0x0000000000000000",
    "::1,                                     0x0000000000000000, 0x0000000000000001",
    "1::,                                     0x0001000000000000, 0x0000000000000000",
    "2001:db8::1,                             0x20010db800000000, 0x0000000000000001",
    "2001:DB8::1,                             0x20010db800000000, 0x0000000000000001",
    "2001:0db8:0000:0000:0000:0000:0000:0001, 0x20010db800000000, 0x0000000000000001",
    "2001:db8:0:0:1:0:0:1,                    0x20010db800000000, 0x0001000000000001",
    "1:2:3:4:5:6:7:8,                         0x0001000200030004, 0x0005000600070008",
    "1:2:3:4:5:6:7::,                         0x0001000200030004, 0x0005000600070000",
    "::2:3:4:5:6:7:8,                         0x0000000200030004, 0x0005000600070008",
    "1:2:3::6:7:8,                            0x0001000200030000, 0x0000000600070008",
    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, 0xffffffffffffffff, 0xffffffffffffffff",
    "FfFf::aBcD,                              0xffff000000000000, 0x000000000000abcd",
    "::1.2.3.4,                               0x0000000000000000, 0x0000000001020304",
    "64:ff9b::192.0.2.1,                      0x0064ff9b00000000, 0x00000000c0000201",
    "1:2:3:4:5:6:1.2.3.4,                     0x0001000200030004, 0x0005000601020304",
    "1::5:6:255.255.255.255,                  0x0001000000000000, 0x00050006ffffffff",
    "::ffff:0:1.2.3.4,                        0x0000000000000000, 0xffff000001020304",
  })
  void parsesIpv6Forms(String text, String high, String low) throws Exception {
    IpAddress expected =
        IpAddress.ofIpv6(
            Long.parseUnsignedLong(high.substring(2), 16),
            Long.parseUnsignedLong(low.substring(2), 16));
    assertEquals(expected, IpParser.parseAddress(text));
  }

  @ParameterizedTest
  @CsvSource({
    "::ffff:1.2.3.4",
    "::FFFF:1.2.3.4",
    "::ffff:102:304",
    "0:0:0:0:0:ffff:0102:0304",
    "0000:0000:0000:0000:0000:FFFF:1.2.3.4",
    "0::ffff:1.2.3.4",
  })
  void ipv4MappedBecomesIpv4(String text) throws Exception {
    IpAddress parsed = IpParser.parseAddress(text);
    assertEquals(v4(1, 2, 3, 4), parsed);
    assertEquals(IpFamily.IPV4, parsed.family());
    assertEquals("1.2.3.4", parsed.toString());
  }

  @Test
  void ipv4CompatibleStaysIpv6() throws Exception {
    IpAddress parsed = IpParser.parseAddress("::1.2.3.4");
    assertEquals(IpFamily.IPV6, parsed.family());
    assertEquals("::102:304", parsed.toString());
  }

  @Test
  void acceptsAnyCharSequence() throws Exception {
    assertEquals(v4(1, 2, 3, 4), IpParser.parseAddress(new StringBuilder("1.2.3.4")));
    assertEquals(
        IpParser.parseAddress("2001:db8::1"),
        IpParser.parseAddress(new StringBuilder("2001:db8::1")));
  }

  @Test
  void nullIsRejectedWithNpe() {
    assertThrows(NullPointerException.class, () -> IpParser.parseAddress(null));
    assertThrows(NullPointerException.class, () -> IpParser.parseEndpoint(null));
    assertThrows(NullPointerException.class, () -> IpParser.parseCidr(null));
  }

  // ---- endpoints --------------------------------------------------------------------

  @ParameterizedTest
  @CsvSource({
    "1.2.3.4,              1.2.3.4",
    "1.2.3.4:80,           1.2.3.4",
    "1.2.3.4:0,            1.2.3.4",
    "1.2.3.4:65535,        1.2.3.4",
    "1.2.3.4:00443,        1.2.3.4",
    "[::1],                ::1",
    "[::1]:443,            ::1",
    "[2001:db8::1]:65535,  2001:db8::1",
    "2001:db8::1,          2001:db8::1",
    "[::ffff:1.2.3.4]:80,  1.2.3.4",
    "[64:ff9b::1.2.3.4]:1, 64:ff9b::102:304",
  })
  void parsesEndpoints(String text, String expected) throws Exception {
    assertEquals(IpParser.parseAddress(expected), IpParser.parseEndpoint(text));
  }

  @Test
  void unbracketedIpv6WithPortIsJustAnAddress() throws Exception {
    // Documented ambiguity: the ":443" is read as the last group.
    assertEquals(
        IpParser.parseAddress("2001:db8::1:443"), IpParser.parseEndpoint("2001:db8::1:443"));
  }

  // ---- CIDR -------------------------------------------------------------------------

  @ParameterizedTest
  @CsvSource({
    "203.0.113.0/24,            203.0.113.0,  24, IPV4",
    "0.0.0.0/0,                 0.0.0.0,      0,  IPV4",
    "1.2.3.4,                   1.2.3.4,      32, IPV4",
    "1.2.3.4/32,                1.2.3.4,      32, IPV4",
    "2001:db8::/32,             2001:db8::,   32, IPV6",
    "::/0,                      ::,           0,  IPV6",
    "2001:db8::1,               2001:db8::1,  128, IPV6",
    "::ffff:198.51.100.0/120,   198.51.100.0, 24, IPV4",
    "::ffff:0:0/96,             0.0.0.0,      0,  IPV4",
    "::ffff:1.2.3.4/128,        1.2.3.4,      32, IPV4",
    "::ffff:1.2.3.4,            1.2.3.4,      32, IPV4",
    "::/96,                     ::,           96, IPV6",
  })
  void parsesCidr(String text, String network, int length, IpFamily family) throws Exception {
    IpPrefix prefix = IpParser.parseCidr(text);
    assertEquals(IpParser.parseAddress(network), prefix.network());
    assertEquals(length, prefix.length());
    assertEquals(family, prefix.family());
  }

  // ---- rejections -------------------------------------------------------------------

  enum Method {
    ADDRESS,
    ENDPOINT,
    CIDR
  }

  static Stream<Arguments> rejected() {
    return Stream.of(
        // required examples
        Arguments.of(Method.ADDRESS, "010.1.1.1", Reason.LEADING_ZERO),
        Arguments.of(Method.ADDRESS, "1.2.3.256", Reason.OCTET_RANGE),
        Arguments.of(Method.ADDRESS, "1.2.3", Reason.BAD_IPV4),
        Arguments.of(Method.ADDRESS, "1.2.3.4.5", Reason.BAD_IPV4),
        Arguments.of(Method.ADDRESS, "1.2.3.4 ", Reason.WHITESPACE),
        Arguments.of(Method.ADDRESS, " 1.2.3.4", Reason.WHITESPACE),
        Arguments.of(Method.ADDRESS, "1.2.3.4x", Reason.TRAILING_GARBAGE),
        Arguments.of(Method.ADDRESS, "0x1.2.3.4", Reason.BAD_IPV4),
        Arguments.of(Method.ADDRESS, "example.com", Reason.HOSTNAME_NOT_ALLOWED),
        Arguments.of(Method.ADDRESS, "localhost", Reason.HOSTNAME_NOT_ALLOWED),
        Arguments.of(Method.ADDRESS, "fe80::1%eth0", Reason.ZONE_ID),
        Arguments.of(Method.ADDRESS, "[::1]", Reason.BRACKETS),
        Arguments.of(Method.ENDPOINT, "[::1]:99999", Reason.BAD_PORT),
        Arguments.of(Method.ADDRESS, "1::2::3", Reason.BAD_IPV6),
        Arguments.of(Method.ADDRESS, "12345::", Reason.BAD_IPV6),
        Arguments.of(Method.ADDRESS, ":1::", Reason.BAD_IPV6),
        Arguments.of(Method.ADDRESS, "1:2:3:4:5:6:7:8:9", Reason.BAD_IPV6),
        Arguments.of(Method.ADDRESS, "", Reason.EMPTY),
        Arguments.of(Method.CIDR, "1.2.3.4/33", Reason.BAD_PREFIX_LENGTH),
        Arguments.of(Method.CIDR, "1.2.3.4/24", Reason.HOST_BITS_SET),
        Arguments.of(Method.CIDR, "::ffff:1.2.3.4/64", Reason.BAD_PREFIX_LENGTH),
        // IPv4 strictness
        Arguments.of(Method.ADDRESS, "00.1.1.1", Reason.LEADING_ZERO),
        Arguments.of(Method.ADDRESS, "1.1.1.00", Reason.LEADING_ZERO),
        Arguments.of(Method.ADDRESS, "1.2.3.0255", Reason.LEADING_ZERO),
        Arguments.of(Method.ADDRESS, "1.2.3.1000", Reason.OCTET_RANGE),
        Arguments.of(Method.ADDRESS, "999.1.1.1", Reason.OCTET_RANGE),
        Arguments.of(Method.ADDRESS, "127.1", Reason.BAD_IPV4),
        Arguments.of(Method.ADDRESS, "1..2.3", Reason.BAD_IPV4),
        Arguments.of(Method.ADDRESS, "1.2.3.", Reason.BAD_IPV4),
        Arguments.of(Method.ADDRESS, ".1.2.3", Reason.BAD_IPV4),
        Arguments.of(Method.ADDRESS, "+1.2.3.4", Reason.BAD_IPV4),
        Arguments.of(Method.ADDRESS, "1.-2.3.4", Reason.BAD_IPV4),
        Arguments.of(Method.ADDRESS, "1.2.3.0x4", Reason.BAD_IPV4),
        Arguments.of(Method.ADDRESS, "16909060", Reason.BAD_IPV4),
        Arguments.of(Method.ADDRESS, "\u0661.2.3.4", Reason.BAD_IPV4),
        Arguments.of(Method.ADDRESS, "\uFF11.2.3.4", Reason.BAD_IPV4),
        Arguments.of(Method.ADDRESS, "1.2.3.\u0664", Reason.BAD_IPV4),
        Arguments.of(Method.ADDRESS, "1.2 .3.4", Reason.BAD_IPV4),
        Arguments.of(Method.ADDRESS, "1.2.3.4\n", Reason.WHITESPACE),
        Arguments.of(Method.ADDRESS, "\t1.2.3.4", Reason.WHITESPACE),
        Arguments.of(Method.ADDRESS, "1.2.3.4\u00A0", Reason.WHITESPACE),
        Arguments.of(Method.ADDRESS, "1.2.3.4\u0000", Reason.TRAILING_GARBAGE),
        Arguments.of(Method.ADDRESS, "1.2.3.4:80", Reason.TRAILING_GARBAGE),
        Arguments.of(Method.ADDRESS, "1.2.3.4/24", Reason.TRAILING_GARBAGE),
        Arguments.of(Method.ADDRESS, "1.2.3.4%eth0", Reason.ZONE_ID),
        Arguments.of(Method.ADDRESS, "3com", Reason.BAD_IPV4),
        Arguments.of(Method.ADDRESS, "cafe", Reason.HOSTNAME_NOT_ALLOWED),
        Arguments.of(Method.ADDRESS, "1.2.3.com", Reason.HOSTNAME_NOT_ALLOWED),
        Arguments.of(Method.ADDRESS, "xn--bcher-kva.example", Reason.HOSTNAME_NOT_ALLOWED),
        Arguments.of(Method.ADDRESS, "b\u00FCcher.de", Reason.HOSTNAME_NOT_ALLOWED),
        Arguments.of(Method.ADDRESS, "example.com:80", Reason.HOSTNAME_NOT_ALLOWED),
        // IPv6 strictness
        Arguments.of(Method.ADDRESS, ":", Reason.BAD_IPV6),
        Arguments.of(Method.ADDRESS, ":::", Reason.BAD_IPV6),
        Arguments.of(Method.ADDRESS, "1:::2", Reason.BAD_IPV6),
        Arguments.of(Method.ADDRESS, "1:", Reason.BAD_IPV6),
        Arguments.of(Method.ADDRESS, ":1", Reason.BAD_IPV6),
        Arguments.of(Method.ADDRESS, "1:2:3:4:5:6:7:", Reason.BAD_IPV6),
        Arguments.of(Method.ADDRESS, ":2:3:4:5:6:7:8", Reason.BAD_IPV6),
        Arguments.of(Method.ADDRESS, "1:2:3:4:5:6:7", Reason.BAD_IPV6),
        Arguments.of(Method.ADDRESS, "1:2:3:4:5:6:7:8::", Reason.BAD_IPV6),
        Arguments.of(Method.ADDRESS, "1:2:3:4::5:6:7:8", Reason.BAD_IPV6),
        Arguments.of(Method.ADDRESS, "::1::", Reason.BAD_IPV6),
        Arguments.of(Method.ADDRESS, "1:2:3:4:5:6:7:1.2.3.4", Reason.BAD_IPV6),
        Arguments.of(Method.ADDRESS, "1:2:3:4:5:6::1.2.3.4", Reason.BAD_IPV6),
        Arguments.of(Method.ADDRESS, "g::1", Reason.BAD_IPV6),
        Arguments.of(Method.ADDRESS, "::-1", Reason.BAD_IPV6),
        Arguments.of(Method.ADDRESS, "::1 ", Reason.WHITESPACE),
        Arguments.of(Method.ADDRESS, "ff02::1%25eth0", Reason.ZONE_ID),
        Arguments.of(Method.ADDRESS, "::ffff:1.2.3", Reason.BAD_IPV4),
        Arguments.of(Method.ADDRESS, "::ffff:1.2.3.256", Reason.OCTET_RANGE),
        Arguments.of(Method.ADDRESS, "::ffff:01.2.3.4", Reason.LEADING_ZERO),
        Arguments.of(Method.ADDRESS, "::1.2.3.4:5", Reason.TRAILING_GARBAGE),
        Arguments.of(Method.ADDRESS, "1.2.3.4::", Reason.TRAILING_GARBAGE),
        Arguments.of(Method.ADDRESS, "\uFF10::1", Reason.BAD_IPV6),
        Arguments.of(Method.ADDRESS, "[::1]:80", Reason.BRACKETS),
        // endpoints
        Arguments.of(Method.ENDPOINT, "", Reason.EMPTY),
        Arguments.of(Method.ENDPOINT, "[]", Reason.EMPTY),
        Arguments.of(Method.ENDPOINT, "[]:80", Reason.EMPTY),
        Arguments.of(Method.ENDPOINT, "[::1", Reason.BRACKETS),
        Arguments.of(Method.ENDPOINT, "::1]", Reason.BRACKETS),
        Arguments.of(Method.ENDPOINT, "[1.2.3.4]", Reason.BRACKETS),
        Arguments.of(Method.ENDPOINT, "[1.2.3.4]:80", Reason.BRACKETS),
        Arguments.of(Method.ENDPOINT, "[[::1]]", Reason.BRACKETS),
        Arguments.of(Method.ENDPOINT, "[::1]80", Reason.TRAILING_GARBAGE),
        Arguments.of(Method.ENDPOINT, "[::1]:", Reason.BAD_PORT),
        Arguments.of(Method.ENDPOINT, "[::1]:123456", Reason.BAD_PORT),
        Arguments.of(Method.ENDPOINT, "[::1]:-1", Reason.BAD_PORT),
        Arguments.of(Method.ENDPOINT, "[::1]:+80", Reason.BAD_PORT),
        Arguments.of(Method.ENDPOINT, "[::1]:8\u0660", Reason.BAD_PORT),
        Arguments.of(Method.ENDPOINT, "1.2.3.4:", Reason.BAD_PORT),
        Arguments.of(Method.ENDPOINT, "1.2.3.4:65536", Reason.BAD_PORT),
        Arguments.of(Method.ENDPOINT, "1.2.3.4:8a", Reason.BAD_PORT),
        Arguments.of(Method.ENDPOINT, "010.2.3.4:80", Reason.LEADING_ZERO),
        Arguments.of(Method.ENDPOINT, ":80", Reason.EMPTY),
        Arguments.of(Method.ENDPOINT, "[fe80::1%eth0]:80", Reason.ZONE_ID),
        Arguments.of(Method.ENDPOINT, "[fe80::1%eth0]", Reason.ZONE_ID),
        Arguments.of(Method.ENDPOINT, "fe80::1%eth0", Reason.ZONE_ID),
        Arguments.of(Method.ENDPOINT, "example.com:443", Reason.HOSTNAME_NOT_ALLOWED),
        Arguments.of(Method.ENDPOINT, "localhost", Reason.HOSTNAME_NOT_ALLOWED),
        Arguments.of(Method.ENDPOINT, " [::1]:80", Reason.WHITESPACE),
        Arguments.of(Method.ENDPOINT, "[::1]:80 ", Reason.WHITESPACE),
        Arguments.of(Method.ENDPOINT, "[ ::1]:80", Reason.WHITESPACE),
        Arguments.of(Method.ENDPOINT, "::ffff:1.2.3.4:80", Reason.TRAILING_GARBAGE),
        // CIDR
        Arguments.of(Method.CIDR, "", Reason.EMPTY),
        Arguments.of(Method.CIDR, "/24", Reason.EMPTY),
        Arguments.of(Method.CIDR, "1.2.3.0/", Reason.BAD_PREFIX_LENGTH),
        Arguments.of(Method.CIDR, "1.2.3.0/024", Reason.BAD_PREFIX_LENGTH),
        Arguments.of(Method.CIDR, "1.2.3.0/00", Reason.BAD_PREFIX_LENGTH),
        Arguments.of(Method.CIDR, "1.2.3.0/-1", Reason.BAD_PREFIX_LENGTH),
        Arguments.of(Method.CIDR, "1.2.3.0/+24", Reason.BAD_PREFIX_LENGTH),
        Arguments.of(Method.CIDR, "1.2.3.0/1000", Reason.BAD_PREFIX_LENGTH),
        Arguments.of(Method.CIDR, "1.2.3.0/24/8", Reason.BAD_PREFIX_LENGTH),
        Arguments.of(Method.CIDR, "1.2.3.0/2\u0664", Reason.BAD_PREFIX_LENGTH),
        Arguments.of(Method.CIDR, "::/129", Reason.BAD_PREFIX_LENGTH),
        Arguments.of(Method.CIDR, "2001:db8::1/32", Reason.HOST_BITS_SET),
        Arguments.of(Method.CIDR, "0.0.0.1/0", Reason.HOST_BITS_SET),
        Arguments.of(Method.CIDR, "::ffff:198.51.100.1/120", Reason.HOST_BITS_SET),
        Arguments.of(Method.CIDR, "::ffff:0:0/95", Reason.BAD_PREFIX_LENGTH),
        Arguments.of(Method.CIDR, "010.0.0.0/8", Reason.LEADING_ZERO),
        Arguments.of(Method.CIDR, "example.com/24", Reason.HOSTNAME_NOT_ALLOWED),
        Arguments.of(Method.CIDR, "fe80::%eth0/64", Reason.ZONE_ID),
        Arguments.of(Method.CIDR, "[::]/0", Reason.BRACKETS),
        Arguments.of(Method.CIDR, "10.0.0.0/8 ", Reason.WHITESPACE),
        Arguments.of(Method.CIDR, "10.0.0.0 /8", Reason.WHITESPACE));
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("rejected")
  void rejectsWithReason(Method method, String text, Reason expected) {
    IpParseException e = assertThrows(IpParseException.class, () -> parse(method, text));
    assertEquals(expected, e.reason(), e::getMessage);
    assertTrue(e.getMessage().startsWith(Excerpt.quote(text) + ": "), e::getMessage);
  }

  private static Object parse(Method method, String text) throws IpParseException {
    switch (method) {
      case ADDRESS:
        return IpParser.parseAddress(text);
      case ENDPOINT:
        return IpParser.parseEndpoint(text);
      default:
        return IpParser.parseCidr(text);
    }
  }

  // ---- messages ---------------------------------------------------------------------

  @Test
  void messagesQuoteTheInputAndExplain() {
    assertAll(
        () ->
            assertEquals(
                "\"010.1.1.1\": octet \"010\" has a leading zero (ambiguous octal)",
                message(Method.ADDRESS, "010.1.1.1")),
        () ->
            assertEquals(
                "\"203.0.113.5/24\": host bits set; did you mean 203.0.113.0/24?",
                message(Method.CIDR, "203.0.113.5/24")),
        () ->
            assertEquals(
                "\"::ffff:198.51.100.1/120\": host bits set; did you mean 198.51.100.0/24?",
                message(Method.CIDR, "::ffff:198.51.100.1/120")),
        () ->
            assertEquals(
                "\"1.2.3.256\": octet \"256\" is out of range 0..255",
                message(Method.ADDRESS, "1.2.3.256")),
        () ->
            assertEquals(
                "\"12345::\": group \"12345\" has more than 4 hex digits",
                message(Method.ADDRESS, "12345::")),
        () ->
            assertEquals(
                "\"[::1]:99999\": port 99999 is out of range 0..65535",
                message(Method.ENDPOINT, "[::1]:99999")));
  }

  @Test
  void messagesAreTruncatedAndSingleLinePrintableAscii() {
    String longInput = "1.2.3.4" + "x".repeat(500);
    String m = message(Method.ADDRESS, longInput);
    assertTrue(m.startsWith("\"1.2.3.4xxx"), m);
    assertTrue(m.contains("\"... (507 chars)"), m);
    assertTrue(m.length() < 300, () -> "message too long: " + m.length());

    for (String huge :
        new String[] {
          "1.2.3." + "9".repeat(10_000),
          "::" + "f".repeat(10_000),
          "0" + "1".repeat(10_000) + ".1.1.1"
        }) {
      String hm = message(Method.ADDRESS, huge);
      assertTrue(hm.length() < 300, () -> "message too long: " + hm.length());
    }

    String hostile = "1.2.3.4\r\nFAKE LOG LINE \"\u202E\\";
    String escaped = message(Method.ENDPOINT, "x" + hostile);
    assertTrue(escaped.chars().allMatch(c -> c >= 0x20 && c < 0x7F), escaped);
    assertTrue(escaped.contains("\\u000D\\u000A"), escaped);
    assertTrue(escaped.contains("\\u202E"), escaped);
    assertTrue(escaped.contains("\\\""), escaped);
    assertFalse(escaped.contains("\n"));
  }

  private static String message(Method method, String text) {
    return assertThrows(IpParseException.class, () -> parse(method, text)).getMessage();
  }
}
