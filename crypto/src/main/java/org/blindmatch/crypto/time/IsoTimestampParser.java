package org.blindmatch.crypto.time;

import org.blindmatch.crypto.io.Excerpt;

/**
 * Single-pass parser for the RFC 3339 profile of ISO 8601 that {@link TimestampFormat#ISO_8601}
 * accepts; see there for the grammar.
 *
 * <p>It runs once per row of files with tens of millions of rows, hence no regex, no {@code
 * java.time} formatter and no intermediate strings: fields are read at fixed indexes and the
 * instant is computed arithmetically. Stateless and thread-safe.
 */
final class IsoTimestampParser {

  private static final long SECONDS_PER_DAY = 86_400L;
  private static final int MAX_OFFSET_HOURS = 18;
  private static final int MAX_FRACTION_DIGITS = 9;

  // Indexes of the fixed-width part "YYYY-MM-DDTHH:MM:SS".
  private static final int YEAR = 0;
  private static final int MONTH = 5;
  private static final int DAY = 8;
  private static final int DATE_TIME_SEPARATOR = 10;
  private static final int HOUR = 11;
  private static final int MINUTE = 14;
  private static final int SECOND = 17;
  private static final int AFTER_SECOND = 19;

  private IsoTimestampParser() {}

  /** Returns the UTC epoch second of {@code text}, dropping (flooring) any fraction. */
  static long parse(CharSequence text) throws TimeParseException {
    final int length = text.length();
    if (length == 0) {
      throw new TimeParseException(text, "empty timestamp");
    }
    if (Character.isWhitespace(text.charAt(0)) || Character.isWhitespace(text.charAt(length - 1))) {
      throw new TimeParseException(text, "leading or trailing whitespace");
    }

    final int year = digits(text, YEAR, 4, "year");
    expect(text, MONTH - 1, '-', "after the year");
    final int month = digits(text, MONTH, 2, "month");
    if (month < 1 || month > 12) {
      throw new TimeParseException(text, "month " + month + " out of range");
    }
    expect(text, DAY - 1, '-', "after the month");
    final int day = digits(text, DAY, 2, "day");
    final int monthLength = daysInMonth(year, month);
    if (day < 1 || day > monthLength) {
      throw new TimeParseException(
          text,
          String.format(
              "day %d out of range for %04d-%02d (%d days)", day, year, month, monthLength));
    }

    if (length <= DATE_TIME_SEPARATOR) {
      throw new TimeParseException(text, "date without a time; expected 'T' and HH:MM:SS after it");
    }
    final char separator = text.charAt(DATE_TIME_SEPARATOR);
    if (separator != 'T' && separator != 't' && separator != ' ') {
      throw new TimeParseException(
          text,
          "expected 'T' or a space between date and time at index "
              + DATE_TIME_SEPARATOR
              + ", found "
              + Excerpt.quote(separator));
    }
    final int hour = digits(text, HOUR, 2, "hour");
    if (hour > 23) {
      throw new TimeParseException(text, "hour " + hour + " out of range (00-23)");
    }
    expect(text, MINUTE - 1, ':', "after the hour");
    final int minute = digits(text, MINUTE, 2, "minute");
    if (minute > 59) {
      throw new TimeParseException(text, "minute " + minute + " out of range (00-59)");
    }
    expect(text, SECOND - 1, ':', "after the minute");
    final int second = digits(text, SECOND, 2, "second");
    if (second == 60) {
      throw new TimeParseException(text, "leap second 60 is not supported (00-59)");
    }
    if (second > 60) {
      throw new TimeParseException(text, "second " + second + " out of range (00-59)");
    }

    int pos = AFTER_SECOND;
    if (pos < length && text.charAt(pos) == '.') {
      // The fraction only needs validating: it is >= 0 and added to a whole second, so
      // dropping it is the floor for instants before 1970 too.
      final int first = ++pos;
      while (pos < length && Digits.isAscii(text.charAt(pos))) {
        pos++;
      }
      final int count = pos - first;
      if (count == 0) {
        throw new TimeParseException(
            text, "expected 1-9 fraction digits after '.' at index " + (first - 1));
      }
      if (count > MAX_FRACTION_DIGITS) {
        throw new TimeParseException(text, count + " fraction digits, more than the 9 allowed");
      }
    }

    if (pos == length) {
      throw new TimeParseException(
          text,
          "no UTC offset; local times are ambiguous" + " (append 'Z' or an offset such as +01:00)");
    }
    final long offsetSeconds;
    final char zone = text.charAt(pos);
    if (zone == 'Z' || zone == 'z') {
      offsetSeconds = 0;
      pos++;
    } else if (zone == '+' || zone == '-') {
      final int offsetHours = digits(text, pos + 1, 2, "UTC offset hours");
      pos += 3;
      int offsetMinutes = 0;
      if (pos < length && text.charAt(pos) == ':') {
        offsetMinutes = digits(text, pos + 1, 2, "UTC offset minutes");
        pos += 3;
      } else if (pos < length && Digits.isAscii(text.charAt(pos))) {
        offsetMinutes = digits(text, pos, 2, "UTC offset minutes");
        pos += 2;
      }
      if (offsetHours > MAX_OFFSET_HOURS) {
        throw new TimeParseException(
            text, "UTC offset hours " + offsetHours + " out of range (00-18)");
      }
      if (offsetMinutes > 59) {
        throw new TimeParseException(
            text, "UTC offset minutes " + offsetMinutes + " out of range (00-59)");
      }
      final long magnitude = offsetHours * 3_600L + offsetMinutes * 60L;
      offsetSeconds = zone == '-' ? -magnitude : magnitude;
    } else {
      throw new TimeParseException(
          text,
          "expected 'Z' or a UTC offset like +01:00 at index "
              + pos
              + ", found "
              + Excerpt.quote(zone));
    }
    if (pos != length) {
      throw new TimeParseException(
          text, "unexpected characters after the UTC offset, from index " + pos);
    }

    final long localSeconds =
        daysFromCivil(year, month, day) * SECONDS_PER_DAY + hour * 3_600L + minute * 60L + second;
    return localSeconds - offsetSeconds;
  }

  /**
   * Days from 1970-01-01 to the given proleptic Gregorian date (negative before it). Howard
   * Hinnant's days_from_civil: counts in 400-year eras of 146097 days, with years starting on March
   * 1 so that the leap day falls at the end of a year.
   */
  static long daysFromCivil(int year, int month, int day) {
    final long y = month <= 2 ? year - 1L : year;
    final long era = Math.floorDiv(y, 400);
    final long yearOfEra = y - era * 400; // [0, 399]
    final long monthFromMarch = month > 2 ? month - 3 : month + 9; // [0, 11]
    final long dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1; // [0, 365]
    final long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146_097 + dayOfEra - 719_468; // 719468: 0000-03-01 to 1970-01-01
  }

  static boolean isLeapYear(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  }

  static int daysInMonth(int year, int month) {
    switch (month) {
      case 2:
        return isLeapYear(year) ? 29 : 28;
      case 4:
      case 6:
      case 9:
      case 11:
        return 30;
      default:
        return 31;
    }
  }

  /** Reads exactly {@code count} ASCII digits at {@code start}. */
  private static int digits(CharSequence text, int start, int count, String field)
      throws TimeParseException {
    int value = 0;
    for (int i = start; i < start + count; i++) {
      if (i >= text.length()) {
        throw new TimeParseException(
            text,
            "expected "
                + count
                + "-digit "
                + field
                + " at index "
                + start
                + ", but the value ends at index "
                + i);
      }
      final char c = text.charAt(i);
      if (!Digits.isAscii(c)) {
        throw new TimeParseException(
            text,
            "expected "
                + count
                + "-digit "
                + field
                + " at index "
                + start
                + ", found "
                + Excerpt.quote(c)
                + " at index "
                + i);
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static void expect(CharSequence text, int index, char wanted, String where)
      throws TimeParseException {
    if (index >= text.length()) {
      throw new TimeParseException(
          text,
          "expected "
              + Excerpt.quote(wanted)
              + " "
              + where
              + " at index "
              + index
              + ", but the value ends");
    }
    final char c = text.charAt(index);
    if (c != wanted) {
      throw new TimeParseException(
          text,
          "expected "
              + Excerpt.quote(wanted)
              + " "
              + where
              + " at index "
              + index
              + ", found "
              + Excerpt.quote(c));
    }
  }
}
