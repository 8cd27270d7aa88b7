package org.blindmatch.crypto.ip;

import org.blindmatch.crypto.io.Excerpt;
import org.blindmatch.crypto.ip.IpParseException.Reason;

/**
 * Strict dotted-quad text: exactly four ASCII decimal octets {@code 0..255} without leading zeros,
 * separated by single dots.
 *
 * <p>Parsing is split in two: {@link #tryParse} is the allocation-free fast path that only answers
 * "valid, and which value"; {@link #diagnose} runs only for text already known to be invalid and
 * works out the most useful reason.
 */
final class Ipv4Text {

  /** Returned by {@link #tryParse} for anything that is not a strict dotted quad. */
  static final long INVALID = -1L;

  private static final int MIN_LENGTH = 7; // "0.0.0.0"
  private static final int MAX_LENGTH = 15; // "255.255.255.255"

  private Ipv4Text() {}

  /**
   * Parses {@code s[from, to)} as a strict dotted quad in a single pass, without allocating.
   *
   * @return the 32 address bits as a non-negative long, or {@link #INVALID}
   */
  static long tryParse(CharSequence s, int from, int to) {
    int length = to - from;
    if (length < MIN_LENGTH || length > MAX_LENGTH) {
      return INVALID;
    }
    long bits = 0;
    int i = from;
    for (int octet = 0; octet < 4; octet++) {
      if (octet > 0) {
        if (i == to || s.charAt(i) != '.') {
          return INVALID;
        }
        i++;
      }
      int start = i;
      int value = 0;
      while (i < to && i - start < 3) {
        char c = s.charAt(i);
        if (c < '0' || c > '9') {
          break;
        }
        value = value * 10 + (c - '0');
        i++;
      }
      int digits = i - start;
      if (digits == 0 || value > 255 || (digits > 1 && s.charAt(start) == '0')) {
        return INVALID;
      }
      bits = (bits << 8) | value;
    }
    return i == to ? bits : INVALID;
  }

  /**
   * Explains why {@code s[from, to)} is not a strict dotted quad. Only call this after {@link
   * #tryParse} returned {@link #INVALID}.
   *
   * @param s the complete input (quoted in the message); {@code [from, to)} is the part that should
   *     have been an IPv4 address
   * @return the exception to throw; never null
   */
  static IpParseException diagnose(CharSequence s, int from, int to) {
    int i = from;
    for (int octet = 1; ; octet++) {
      int start = i;
      while (i < to && isAsciiDigit(s.charAt(i))) {
        i++;
      }
      int digits = i - start;
      if (digits == 0) {
        return noOctet(s, from, to, i, octet);
      }
      if (octet == 1 && i == to) {
        return ParseFailures.reject(
            s,
            from,
            to,
            Reason.BAD_IPV4,
            "a bare number is not accepted; use the dotted-quad form");
      }
      String text = s.subSequence(start, i).toString();
      if (digits == 1
          && text.charAt(0) == '0'
          && i < to
          && (s.charAt(i) == 'x' || s.charAt(i) == 'X')) {
        return ParseFailures.reject(
            s, from, to, Reason.BAD_IPV4, "hexadecimal octets are not allowed; use dotted decimal");
      }
      if (digits > 1 && text.charAt(0) == '0') {
        return ParseFailures.reject(
            s,
            from,
            to,
            Reason.LEADING_ZERO,
            "octet " + Excerpt.quote(text) + " has a leading zero (ambiguous octal)");
      }
      if (digits > 3 || Integer.parseInt(text) > 255) {
        return ParseFailures.reject(
            s,
            from,
            to,
            Reason.OCTET_RANGE,
            "octet " + Excerpt.quote(text) + " is out of range 0..255");
      }
      if (octet == 4) {
        return afterFourthOctet(s, from, to, i);
      }
      if (i == to) {
        return ParseFailures.reject(
            s,
            from,
            to,
            Reason.BAD_IPV4,
            "has " + octet + " octet" + (octet == 1 ? "" : "s") + "; expected 4");
      }
      if (s.charAt(i) != '.') {
        return unexpected(s, from, to, i);
      }
      i++;
    }
  }

  /** Formats 32 address bits as a dotted quad. */
  static String format(int bits) {
    return new StringBuilder(MAX_LENGTH)
        .append(bits >>> 24)
        .append('.')
        .append((bits >>> 16) & 0xFF)
        .append('.')
        .append((bits >>> 8) & 0xFF)
        .append('.')
        .append(bits & 0xFF)
        .toString();
  }

  static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static IpParseException noOctet(CharSequence s, int from, int to, int i, int octet) {
    if (i == to || s.charAt(i) == '.') {
      // An empty range is reported as EMPTY by reject().
      return ParseFailures.reject(s, from, to, Reason.BAD_IPV4, "octet " + octet + " is empty");
    }
    char c = s.charAt(i);
    if (c == '+' || c == '-') {
      return ParseFailures.reject(s, from, to, Reason.BAD_IPV4, "signs are not allowed");
    }
    return unexpected(s, from, to, i);
  }

  private static IpParseException afterFourthOctet(CharSequence s, int from, int to, int i) {
    if (i == to) {
      // Reached only if diagnose() was called on valid text; fail closed.
      return ParseFailures.reject(s, from, to, Reason.BAD_IPV4, "not a dotted-quad address");
    }
    if (s.charAt(i) == '.') {
      return ParseFailures.reject(s, from, to, Reason.BAD_IPV4, "has more than 4 octets");
    }
    return ParseFailures.trailing(s, from, to, i);
  }

  private static IpParseException unexpected(CharSequence s, int from, int to, int i) {
    return ParseFailures.reject(
        s,
        from,
        to,
        Reason.BAD_IPV4,
        "unexpected character " + Excerpt.quote(s.charAt(i)) + " at index " + i);
  }
}
