package org.blindmatch.crypto.ip;

import java.util.Objects;
import org.blindmatch.crypto.io.Excerpt;
import org.blindmatch.crypto.ip.IpParseException.Reason;

/**
 * Strict parsers for IP address text as found in logs and configuration.
 *
 * <p>Design rules, shared by all methods:
 *
 * <ul>
 *   <li>Literal addresses only. Nothing is ever resolved through DNS; text that looks like a host
 *       name is rejected with {@link Reason#HOSTNAME_NOT_ALLOWED}.
 *   <li>One spelling per meaning where the text could be ambiguous: IPv4 is a strict dotted quad
 *       (no leading zeros, which other parsers read as octal; no hex, no shortened forms like
 *       {@code 127.1}).
 *   <li>No trimming: surrounding whitespace is {@link Reason#WHITESPACE}.
 *   <li>Results are canonical: IPv4-mapped IPv6 text ({@code ::ffff:a.b.c.d}, {@code
 *       ::ffff:hhhh:hhhh}) yields the {@link IpFamily#IPV4} address. IPv4-compatible text ({@code
 *       ::a.b.c.d}) stays IPv6.
 *   <li>Only ASCII characters are accepted as digits.
 * </ul>
 *
 * <p>Valid IPv4 text is parsed in one pass with no allocation besides the result; IPv6 in one pass
 * with a small scratch array. Only error reporting rescans the input. The text is read during the
 * call and not retained.
 *
 * <p>All methods are static, stateless and thread-safe. They throw {@link NullPointerException} for
 * a null argument and {@link IpParseException} (whose message quotes the truncated input) for
 * invalid text.
 */
public final class IpParser {

  private static final int MAX_PORT = 65_535;
  private static final int MAX_PORT_DIGITS = 5;
  private static final int IPV4_MAPPED_PREFIX = 96;

  private IpParser() {}

  /**
   * Parses a bare address: a strict IPv4 dotted quad, or IPv6 in any RFC 4291 §2.2 text form (full,
   * {@code ::}-compressed, with a dotted-quad tail; hex in either case).
   *
   * <p>Rejected (with the {@link Reason}): empty text ({@code EMPTY}); surrounding whitespace
   * ({@code WHITESPACE}); wrong octet count, empty octets, signs, hex octets ({@code BAD_IPV4});
   * {@code "010"}, {@code "00"} ({@code LEADING_ZERO}); octets above 255 ({@code OCTET_RANGE});
   * junk after a complete dotted quad ({@code TRAILING_GARBAGE}); more than one {@code ::}, {@code
   * :::}, groups over 4 hex digits, wrong group count, a leading or trailing single {@code :}
   * ({@code BAD_IPV6}); {@code %zone} ({@code ZONE_ID}); {@code [...]} ({@code BRACKETS}, use
   * {@link #parseEndpoint(CharSequence)}); host names ({@code HOSTNAME_NOT_ALLOWED}).
   *
   * @param text the address text; non-null
   * @return the canonical address; never null
   * @throws IpParseException if {@code text} is not an acceptable address
   */
  public static IpAddress parseAddress(CharSequence text) throws IpParseException {
    Objects.requireNonNull(text, "text");
    int n = text.length();
    long v4 = Ipv4Text.tryParse(text, 0, n);
    if (v4 != Ipv4Text.INVALID) {
      return IpAddress.ofIpv4((int) v4);
    }
    return parseRaw(text, 0, n).canonical();
  }

  /**
   * Parses an address as it appears in a log column: a bare address (as {@link
   * #parseAddress(CharSequence)}), {@code [v6]}, {@code [v6]:port} or {@code v4:port}. The port
   * must be 1–5 ASCII digits with value at most 65535; it is validated and then discarded.
   *
   * <p>IPv6 with a port must use brackets. {@code v6:port} without brackets is ambiguous ({@code
   * 2001:db8::1:443} is itself a valid address) and is therefore parsed as a bare address: it
   * yields a different address or fails. Zone ids are rejected inside brackets too; brackets around
   * IPv4 are rejected.
   *
   * @param text the endpoint text; non-null
   * @return the canonical address; never null
   * @throws IpParseException if {@code text} is not an acceptable endpoint; {@link Reason#BAD_PORT}
   *     for a bad port
   */
  public static IpAddress parseEndpoint(CharSequence text) throws IpParseException {
    Objects.requireNonNull(text, "text");
    int n = text.length();
    long v4 = Ipv4Text.tryParse(text, 0, n);
    if (v4 != Ipv4Text.INVALID) {
      return IpAddress.ofIpv4((int) v4);
    }
    checkNoSurroundingSpace(text);
    if (n > 0 && text.charAt(0) == '[') {
      return parseBracketed(text);
    }
    int colon = ParseFailures.indexOf(text, 0, n, ':');
    if (colon >= 0 && ParseFailures.indexOf(text, colon + 1, n, ':') < 0) {
      // Exactly one colon: IPv6 text always has at least two, so this is v4:port.
      IpAddress address = parseRaw(text, 0, colon);
      checkPort(text, colon + 1, n);
      return address;
    }
    return parseRaw(text, 0, n).canonical();
  }

  /**
   * Parses a CIDR prefix {@code address/length}, or a bare address meaning the full-length prefix.
   * The address is parsed as by {@link #parseAddress(CharSequence)}; the length is ASCII decimal
   * without leading zeros ({@code "0"} itself is fine) in {@code 0..bitLength}.
   *
   * <p>An address with bits set after the length is rejected with {@link Reason#HOST_BITS_SET},
   * naming the intended network, rather than silently masked: a typo in an allow-list should be
   * loud. An IPv4-mapped IPv6 prefix such as {@code ::ffff:198.51.100.0/120} becomes the IPv4
   * prefix {@code 198.51.100.0/24}; it needs a length of at least 96 ({@link
   * Reason#BAD_PREFIX_LENGTH} otherwise).
   *
   * @param text the prefix text; non-null
   * @return the prefix; never null
   * @throws IpParseException if {@code text} is not an acceptable prefix
   */
  public static IpPrefix parseCidr(CharSequence text) throws IpParseException {
    Objects.requireNonNull(text, "text");
    checkNoSurroundingSpace(text);
    int n = text.length();
    int slash = ParseFailures.indexOf(text, 0, n, '/');
    if (slash < 0) {
      IpAddress address = parseAddress(text);
      return new IpPrefix(address, address.family().bitLength());
    }
    IpAddress address = parseRaw(text, 0, slash);
    int length = parsePrefixLength(text, slash + 1, n, address.family());
    if (address.isIpv4Mapped()) {
      if (length < IPV4_MAPPED_PREFIX) {
        throw new IpParseException(
            Reason.BAD_PREFIX_LENGTH,
            text,
            "an IPv4-mapped prefix needs a length of 96..128, got " + length);
      }
      address = address.canonical();
      length -= IPV4_MAPPED_PREFIX;
    }
    IpAddress network = address.mask(length);
    if (!network.equals(address)) {
      throw new IpParseException(
          Reason.HOST_BITS_SET,
          text,
          "host bits set; did you mean " + network + "/" + length + "?");
    }
    return new IpPrefix(network, length);
  }

  /** Parses {@code s[from, to)} as an address without canonicalising IPv4-mapped IPv6. */
  private static IpAddress parseRaw(CharSequence s, int from, int to) throws IpParseException {
    long v4 = Ipv4Text.tryParse(s, from, to);
    if (v4 != Ipv4Text.INVALID) {
      return IpAddress.ofIpv4((int) v4);
    }
    // Valid IPv6 has a ':' within its first five characters, so this scan is short.
    if (ParseFailures.indexOf(s, from, to, ':') >= 0) {
      return Ipv6Text.parseRaw(s, from, to);
    }
    throw Ipv4Text.diagnose(s, from, to);
  }

  private static IpAddress parseBracketed(CharSequence text) throws IpParseException {
    int n = text.length();
    int close = ParseFailures.indexOf(text, 1, n, ']');
    if (close < 0) {
      throw new IpParseException(Reason.BRACKETS, text, "'[' without matching ']'");
    }
    if (close == 1) {
      throw new IpParseException(Reason.EMPTY, text, "nothing between the brackets");
    }
    if (ParseFailures.indexOf(text, 1, close, ':') < 0) {
      throw new IpParseException(
          Reason.BRACKETS, text, "brackets are only accepted around IPv6 addresses");
    }
    IpAddress address = Ipv6Text.parseRaw(text, 1, close).canonical();
    if (close + 1 == n) {
      return address;
    }
    if (text.charAt(close + 1) != ':') {
      throw new IpParseException(
          Reason.TRAILING_GARBAGE,
          text,
          "unexpected " + Excerpt.quote(text.subSequence(close + 1, n)) + " after ']'");
    }
    checkPort(text, close + 2, n);
    return address;
  }

  private static void checkPort(CharSequence s, int from, int to) throws IpParseException {
    int digits = to - from;
    if (digits == 0) {
      throw new IpParseException(Reason.BAD_PORT, s, "port is empty");
    }
    if (digits > MAX_PORT_DIGITS || !ParseFailures.allAsciiDigits(s, from, to)) {
      throw new IpParseException(
          Reason.BAD_PORT,
          s,
          "port " + Excerpt.quote(s.subSequence(from, to)) + " is not 1-5 decimal digits");
    }
    int port = Integer.parseInt(s.subSequence(from, to).toString());
    if (port > MAX_PORT) {
      throw new IpParseException(Reason.BAD_PORT, s, "port " + port + " is out of range 0..65535");
    }
  }

  private static int parsePrefixLength(CharSequence s, int from, int to, IpFamily family)
      throws IpParseException {
    int digits = to - from;
    if (digits == 0) {
      throw new IpParseException(Reason.BAD_PREFIX_LENGTH, s, "prefix length is missing after '/'");
    }
    if (digits > 3 || !ParseFailures.allAsciiDigits(s, from, to)) {
      throw new IpParseException(
          Reason.BAD_PREFIX_LENGTH,
          s,
          "prefix length "
              + Excerpt.quote(s.subSequence(from, to))
              + " is not a decimal number 0.."
              + family.bitLength());
    }
    if (digits > 1 && s.charAt(from) == '0') {
      throw new IpParseException(
          Reason.BAD_PREFIX_LENGTH,
          s,
          "prefix length "
              + Excerpt.quote(s.subSequence(from, to))
              + " has a leading zero");
    }
    int length = Integer.parseInt(s.subSequence(from, to).toString());
    if (length > family.bitLength()) {
      throw new IpParseException(
          Reason.BAD_PREFIX_LENGTH,
          s,
          "prefix length "
              + length
              + " is out of range 0.."
              + family.bitLength()
              + " for "
              + family);
    }
    return length;
  }

  private static void checkNoSurroundingSpace(CharSequence text) throws IpParseException {
    int n = text.length();
    if (n > 0
        && (ParseFailures.isSpace(text.charAt(0)) || ParseFailures.isSpace(text.charAt(n - 1)))) {
      throw new IpParseException(
          Reason.WHITESPACE, text, "leading or trailing whitespace is not allowed (trim first)");
    }
  }
}
