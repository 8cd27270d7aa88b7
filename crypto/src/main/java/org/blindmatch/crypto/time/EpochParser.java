package org.blindmatch.crypto.time;

import org.blindmatch.crypto.io.Excerpt;

/**
 * Parser for the integer formats {@link TimestampFormat#EPOCH_SECONDS} and {@link
 * TimestampFormat#EPOCH_MILLIS}: an optional {@code '-'} and a bounded number of ASCII digits,
 * nothing else. Stateless and thread-safe.
 */
final class EpochParser {

  private EpochParser() {}

  /**
   * Returns the integer in {@code text}.
   *
   * @param maxDigits at most 18, so the value cannot overflow a {@code long}
   * @param formatName the CLI name of the format, for messages
   */
  static long parse(CharSequence text, int maxDigits, String formatName) throws TimeParseException {
    final int length = text.length();
    if (length == 0) {
      throw new TimeParseException(text, "empty timestamp");
    }
    int pos = 0;
    final boolean negative = text.charAt(0) == '-';
    if (negative) {
      pos = 1;
    } else if (text.charAt(0) == '+') {
      throw new TimeParseException(
          text, "a leading '+' is not allowed in " + formatName + " values");
    }
    if (pos == length) {
      throw new TimeParseException(text, "no digits after '-'");
    }

    // Validate every character before judging the length, so junk is reported as junk.
    long value = 0;
    int digitCount = 0;
    for (int i = pos; i < length; i++) {
      final char c = text.charAt(i);
      if (!Digits.isAscii(c)) {
        throw new TimeParseException(text, nonDigitProblem(c, i, formatName));
      }
      if (++digitCount <= maxDigits) {
        value = value * 10 + (c - '0');
      }
    }
    if (digitCount > maxDigits) {
      throw new TimeParseException(
          text,
          digitCount
              + " digits, more than the "
              + maxDigits
              + " allowed in "
              + formatName
              + " values");
    }
    return negative ? -value : value;
  }

  private static String nonDigitProblem(char c, int index, String formatName) {
    final String at = Excerpt.quote(c) + " at index " + index;
    if (c == '.' || c == ',') {
      return "fractions are not allowed in " + formatName + " values; found " + at;
    }
    if (c == 'e' || c == 'E') {
      return "exponent notation is not allowed in " + formatName + " values; found " + at;
    }
    if (Character.isWhitespace(c)) {
      return "whitespace is not allowed in " + formatName + " values; found " + at;
    }
    return "not a decimal integer: unexpected " + at;
  }
}
