package org.blindmatch.crypto.ip;

import org.blindmatch.crypto.io.Excerpt;
import org.blindmatch.crypto.ip.IpParseException.Reason;

/**
 * Builds {@link IpParseException}s, choosing the most useful {@link Reason}.
 *
 * <p>The parsers report the first syntax error they meet, which is precise but sometimes unhelpful:
 * {@code "example.com"} fails as "unexpected character 'e'". Before using that specific reason,
 * {@link #reject} checks a few patterns of the whole offending part that explain the failure
 * better. This only runs on the error path, so it may rescan the input.
 */
final class ParseFailures {

  private static final int MAX_PORT_DIGITS = 5;

  private ParseFailures() {}

  /**
   * Returns an exception for the invalid part {@code s[from, to)} of the input {@code s}, with
   * {@code specific}/{@code problem} unless a more telling pattern (empty, surrounding whitespace,
   * brackets, zone id, host name, in that order) applies.
   */
  static IpParseException reject(
      CharSequence s, int from, int to, Reason specific, String problem) {
    if (from == to) {
      return new IpParseException(
          Reason.EMPTY,
          s,
          from == 0 && to == s.length() ? "is empty" : "the address part is empty");
    }
    if (isSpace(s.charAt(from)) || isSpace(s.charAt(to - 1))) {
      return new IpParseException(
          Reason.WHITESPACE, s, "leading or trailing whitespace is not allowed (trim first)");
    }
    if (indexOf(s, from, to, '[') >= 0 || indexOf(s, from, to, ']') >= 0) {
      return new IpParseException(
          Reason.BRACKETS,
          s,
          "brackets are only accepted around an IPv6 address in an endpoint ([v6] or [v6]:port)");
    }
    if (indexOf(s, from, to, '%') >= 0) {
      return new IpParseException(
          Reason.ZONE_ID, s, "zone identifiers (\"%...\") are host-local and not accepted");
    }
    if (looksLikeHostname(s, from, to)) {
      return new IpParseException(
          Reason.HOSTNAME_NOT_ALLOWED,
          s,
          "looks like a host name; only literal IP addresses are accepted (names are never resolved)");
    }
    return new IpParseException(specific, s, problem);
  }

  /**
   * Returns an exception for a valid address in {@code s[from, i)} followed by junk up to {@code
   * to}.
   */
  static IpParseException trailing(CharSequence s, int from, int to, int i) {
    String junk = Excerpt.quote(s.subSequence(i, to));
    boolean looksLikePort =
        s.charAt(i) == ':'
            && to - i - 1 >= 1
            && to - i - 1 <= MAX_PORT_DIGITS
            && allAsciiDigits(s, i + 1, to);
    return reject(
        s,
        from,
        to,
        Reason.TRAILING_GARBAGE,
        "unexpected "
            + junk
            + " after the address"
            + (looksLikePort ? " (a port needs the v4:port or [v6]:port endpoint form)" : ""));
  }

  /**
   * Whether {@code s[from, to)} looks like a host name, optionally with {@code :port}: only
   * letters, digits, {@code -}, {@code _} and dots, with at least one dot-separated label that
   * starts with a letter. So {@code "localhost"}, {@code "example.com"} and {@code "cafe"} qualify,
   * while {@code "0x1.2.3.4"} and {@code "1.2.3.4x"} do not (they are reported as malformed
   * addresses).
   */
  static boolean looksLikeHostname(CharSequence s, int from, int to) {
    int end = to;
    int colon = indexOf(s, from, to, ':');
    if (colon >= 0) {
      int portDigits = to - colon - 1;
      boolean singleColonThenPort =
          indexOf(s, colon + 1, to, ':') < 0
              && portDigits >= 1
              && portDigits <= MAX_PORT_DIGITS
              && allAsciiDigits(s, colon + 1, to);
      if (!singleColonThenPort) {
        return false;
      }
      end = colon;
    }
    boolean atLabelStart = true;
    boolean someLabelStartsWithLetter = false;
    for (int i = from; i < end; i++) {
      char c = s.charAt(i);
      if (c == '.') {
        atLabelStart = true;
        continue;
      }
      boolean letter =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= 0x80 && Character.isLetter(c));
      boolean digit = Ipv4Text.isAsciiDigit(c) || (c >= 0x80 && Character.isDigit(c));
      if (!letter && !digit && c != '-' && c != '_') {
        return false;
      }
      someLabelStartsWithLetter |= atLabelStart && letter;
      atLabelStart = false;
    }
    return someLabelStartsWithLetter;
  }

  static boolean isSpace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c);
  }

  static int indexOf(CharSequence s, int from, int to, char c) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  static boolean allAsciiDigits(CharSequence s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!Ipv4Text.isAsciiDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
