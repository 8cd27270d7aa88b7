package org.blindmatch.crypto.time;

import java.util.Objects;
import org.blindmatch.crypto.io.Excerpt;

/**
 * The timestamp formats of an input column, each parsed to UTC epoch seconds.
 *
 * <p>All parsing is strict: a value is either exactly in the format or rejected with a {@link
 * TimeParseException}; nothing is trimmed, guessed or repaired. Results are floored to the whole
 * second, so an event at {@code 1969-12-31T23:59:59.5Z} or {@code -500} ms is in second {@code -1},
 * not {@code 0}.
 *
 * <p>The constants are immutable and thread-safe.
 */
public enum TimestampFormat {

  /**
   * RFC 3339 date-time, a profile of ISO 8601, with a mandatory UTC offset:
   *
   * <pre>
   *   YYYY-MM-DD sep HH:MM:SS [ "." 1-9 digits ] zone
   *   sep  = "T" | "t" | " "                     (RFC 3339 section 5.6 note)
   *   zone = "Z" | "z" | ("+"|"-") HH [ [":"] MM ]    (offset hours 00-18, minutes 00-59)
   * </pre>
   *
   * Every field has exactly the digits shown, in ASCII. The date must exist in the proleptic
   * Gregorian calendar, with year 0000-9999; hours are 00-23, minutes and seconds 00-59 (so no
   * {@code 24:00:00} and no leap second {@code :60}). A value without offset is rejected, since a
   * local time does not name an instant. Fractional seconds are dropped, which is the floor for
   * instants before 1970 as well. {@code -00:00} is read as UTC.
   */
  ISO_8601("iso8601"),

  /** Seconds since 1970-01-01T00:00:00Z: an optional {@code '-'} then 1-12 ASCII digits. */
  EPOCH_SECONDS("epoch-seconds"),

  /**
   * Milliseconds since 1970-01-01T00:00:00Z: an optional {@code '-'} then 1-15 ASCII digits,
   * floored to seconds ({@code -1} ms is second {@code -1}).
   */
  EPOCH_MILLIS("epoch-millis");

  private static final int MAX_SECONDS_DIGITS = 12;
  private static final int MAX_MILLIS_DIGITS = 15;
  // detect(): the longest all-digit value still taken for seconds. 11 digits reach year 5138;
  // 12 digits of milliseconds start at 1973-03-03, so earlier millisecond data must be named.
  private static final int MAX_DETECTED_SECONDS_DIGITS = 11;

  private final String cliName;

  TimestampFormat(String cliName) {
    this.cliName = cliName;
  }

  /**
   * Returns the name used on the command line: {@code iso8601}, {@code epoch-seconds} or {@code
   * epoch-millis}.
   */
  public String cliName() {
    return cliName;
  }

  /**
   * Parses one value of this format.
   *
   * @param text the whole value, exactly as read (no surrounding whitespace); not null
   * @return the UTC epoch second of the value, floored
   * @throws TimeParseException if {@code text} is not exactly in this format; the message quotes
   *     the value and says what is wrong
   * @throws NullPointerException if {@code text} is null
   */
  public long parseEpochSecond(CharSequence text) throws TimeParseException {
    Objects.requireNonNull(text, "text");
    return switch (this) {
      case ISO_8601 -> IsoTimestampParser.parse(text);
      case EPOCH_SECONDS -> EpochParser.parse(text, MAX_SECONDS_DIGITS, cliName);
      case EPOCH_MILLIS ->
          Math.floorDiv(EpochParser.parse(text, MAX_MILLIS_DIGITS, cliName), 1000L);
    };
  }

  /**
   * Guesses the format of a whole column from its first non-empty value. Call it once per file,
   * never per row: a column has one format, and the remaining values are then parsed strictly in
   * it.
   *
   * <p>The rule, applied to {@code firstValue}:
   *
   * <ol>
   *   <li>if it contains {@code 'T'} or {@code ':'} anywhere, or {@code '-'} anywhere but at index
   *       0: {@link #ISO_8601};
   *   <li>otherwise, if it is an optional leading {@code '-'} followed only by ASCII digits: 1-11
   *       digits: {@link #EPOCH_SECONDS}; 12-15 digits: {@link #EPOCH_MILLIS};
   *   <li>otherwise it cannot be told, and a {@link TimeParseException} says to pass {@code
   *       --time-format}.
   * </ol>
   *
   * The value is only classified here, not validated; it is parsed like every other row.
   * Millisecond values before 1973-03-03 (fewer than 12 digits) are taken for seconds, so such data
   * must name its format.
   *
   * @param firstValue the first non-empty value of the column; not null
   * @return the detected format
   * @throws TimeParseException if the rule above gives no format
   * @throws NullPointerException if {@code firstValue} is null
   */
  public static TimestampFormat detect(CharSequence firstValue) throws TimeParseException {
    Objects.requireNonNull(firstValue, "firstValue");
    boolean onlyDigits = true;
    int digitCount = 0;
    for (int i = 0; i < firstValue.length(); i++) {
      final char c = firstValue.charAt(i);
      if (c == 'T' || c == ':' || (c == '-' && i > 0)) {
        return ISO_8601;
      }
      if (Digits.isAscii(c)) {
        digitCount++;
      } else if (c != '-') { // a '-' here is at index 0
        onlyDigits = false;
      }
    }
    if (onlyDigits && digitCount >= 1) {
      if (digitCount <= MAX_DETECTED_SECONDS_DIGITS) {
        return EPOCH_SECONDS;
      }
      if (digitCount <= MAX_MILLIS_DIGITS) {
        return EPOCH_MILLIS;
      }
    }
    throw new TimeParseException(
        firstValue, "cannot tell the timestamp format; pass --time-format (" + validNames() + ")");
  }

  /**
   * Returns the format with the given {@link #cliName()}; names are case-sensitive.
   *
   * @throws IllegalArgumentException if {@code name} is not one of {@code iso8601}, {@code
   *     epoch-seconds}, {@code epoch-millis}; the message lists them
   * @throws NullPointerException if {@code name} is null
   */
  public static TimestampFormat fromName(String name) {
    Objects.requireNonNull(name, "name");
    for (TimestampFormat format : values()) {
      if (format.cliName.equals(name)) {
        return format;
      }
    }
    throw new IllegalArgumentException(
        "unknown time format " + Excerpt.quote(name) + "; valid names are " + validNames());
  }

  private static String validNames() {
    return ISO_8601.cliName + ", " + EPOCH_SECONDS.cliName + ", " + EPOCH_MILLIS.cliName;
  }
}
