package org.blindmatch.crypto.ip;

import org.blindmatch.crypto.io.Excerpt;
import org.blindmatch.crypto.ip.IpParseException.Reason;

/**
 * IPv6 text: parsing of every RFC 4291 §2.2 form and RFC 5952 formatting.
 *
 * <p>Accepted: eight groups of 1–4 hex digits in either case; at most one {@code ::} standing for
 * one or more zero groups; a dotted-quad IPv4 tail standing for the last two groups. Nothing else:
 * no zone ids, brackets, prefix lengths or surrounding whitespace.
 */
final class Ipv6Text {

  private static final int GROUPS = 8;
  private static final int MAX_GROUP_DIGITS = 4;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Ipv6Text() {}

  /**
   * Parses {@code s[from, to)} as IPv6 text in a single pass. The result is the raw value:
   * IPv4-mapped text yields an IPv4-mapped {@link IpFamily#IPV6} value, which callers canonicalise.
   *
   * @param s the complete input (quoted in error messages)
   * @return the raw IPv6 value; never null
   * @throws IpParseException if the text is not valid IPv6
   */
  static IpAddress parseRaw(CharSequence s, int from, int to) throws IpParseException {
    int[] groups = new int[GROUPS];
    int count = 0;
    int gap = -1; // index in groups where "::" stood, or -1
    int i = from;
    if (i < to && s.charAt(i) == ':') {
      if (i + 1 >= to || s.charAt(i + 1) != ':') {
        throw fail(s, from, to, "must not start with a single ':'");
      }
      gap = 0;
      i += 2;
    }
    while (i < to) {
      int start = i;
      int value = 0;
      int digit;
      while (i < to && (digit = hexValue(s.charAt(i))) >= 0) {
        value = (value << 4) | digit;
        i++;
        if (i - start > MAX_GROUP_DIGITS) {
          throw fail(
              s,
              from,
              to,
              "group "
                  + Excerpt.quote(s.subSequence(start, skipHex(s, i, to)))
                  + " has more than 4 hex digits");
        }
      }
      if (i < to && s.charAt(i) == '.') {
        if (count > GROUPS - 2) {
          throw fail(s, from, to, "too many groups before the dotted-quad tail");
        }
        long v4 = Ipv4Text.tryParse(s, start, to);
        if (v4 == Ipv4Text.INVALID) {
          throw Ipv4Text.diagnose(s, start, to);
        }
        groups[count++] = (int) (v4 >>> 16);
        groups[count++] = (int) (v4 & 0xFFFF);
        i = to;
        break;
      }
      if (i == start) {
        throw fail(
            s,
            from,
            to,
            i == to
                ? "ends with ':'"
                : s.charAt(i) == ':'
                    ? "contains ':::'"
                    : "unexpected character "
                        + Excerpt.quote(s.charAt(i))
                        + " at index "
                        + i);
      }
      if (count == GROUPS) {
        throw fail(s, from, to, "has more than 8 groups");
      }
      groups[count++] = value;
      if (i == to) {
        break;
      }
      if (s.charAt(i) != ':') {
        throw fail(
            s,
            from,
            to,
            "unexpected character " + Excerpt.quote(s.charAt(i)) + " at index " + i);
      }
      i++;
      if (i < to && s.charAt(i) == ':') {
        if (gap >= 0) {
          throw fail(s, from, to, "contains more than one '::'");
        }
        gap = count;
        i++;
      } else if (i == to) {
        throw fail(s, from, to, "must not end with a single ':'");
      }
    }
    if (gap < 0 && count != GROUPS) {
      throw fail(s, from, to, "has " + count + " groups; expected 8 (or use '::')");
    }
    if (gap >= 0 && count == GROUPS) {
      throw fail(
          s, from, to, "'::' must stand for at least one zero group, but 8 groups are present");
    }
    return toAddress(groups, count, gap);
  }

  /**
   * Formats a 128-bit value as RFC 5952 §4 canonical text: lowercase hex, no leading zeros, the
   * first longest run of two or more zero groups replaced by {@code ::}, no dotted-quad notation.
   */
  static String format(long high, long low) {
    int bestStart = -1;
    int bestLength = 1; // a run must be at least 2 groups long (RFC 5952 §4.2.2)
    int runStart = -1;
    for (int g = 0; g < GROUPS; g++) {
      if (group(high, low, g) == 0) {
        if (runStart < 0) {
          runStart = g;
        }
        int runLength = g - runStart + 1;
        if (runLength > bestLength) { // strictly greater: the first run wins ties (§4.2.3)
          bestStart = runStart;
          bestLength = runLength;
        }
      } else {
        runStart = -1;
      }
    }
    StringBuilder sb = new StringBuilder(39);
    for (int g = 0; g < GROUPS; g++) {
      if (g == bestStart) {
        sb.append("::");
        g += bestLength - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      appendHex(sb, group(high, low, g));
    }
    return sb.toString();
  }

  private static IpAddress toAddress(int[] groups, int count, int gap) {
    int[] full = groups;
    if (gap >= 0) {
      // Shift the groups after "::" to the end; the zero groups fill the hole.
      full = new int[GROUPS];
      System.arraycopy(groups, 0, full, 0, gap);
      int tail = count - gap;
      System.arraycopy(groups, gap, full, GROUPS - tail, tail);
    }
    long high = 0;
    long low = 0;
    for (int g = 0; g < 4; g++) {
      high = (high << 16) | full[g];
      low = (low << 16) | full[g + 4];
    }
    return IpAddress.ofIpv6(high, low);
  }

  private static int group(long high, long low, int g) {
    long word = g < 4 ? high : low;
    return (int) (word >>> (48 - 16 * (g & 3))) & 0xFFFF;
  }

  private static void appendHex(StringBuilder sb, int value) {
    boolean started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      int nibble = (value >>> shift) & 0xF;
      if (nibble != 0 || started || shift == 0) {
        sb.append(HEX[nibble]);
        started = true;
      }
    }
  }

  private static int hexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static int skipHex(CharSequence s, int i, int to) {
    while (i < to && hexValue(s.charAt(i)) >= 0) {
      i++;
    }
    return i;
  }

  private static IpParseException fail(CharSequence s, int from, int to, String problem) {
    return ParseFailures.reject(s, from, to, Reason.BAD_IPV6, problem);
  }
}
