package org.blindmatch.crypto.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Iso8601ExamplesTest {

  private static long parse(String text) throws TimeParseException {
    return TimestampFormat.ISO_8601.parseEpochSecond(text);
  }

  private static String rejection(String text) {
    return assertThrows(TimeParseException.class, () -> parse(text)).getMessage();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "1970-01-01T00:00:00Z           | 0",
        "2023-11-14T22:13:20Z           | 1700000000",
        "2023-11-14t22:13:20z           | 1700000000",
        "2023-11-14 22:13:20Z           | 1700000000",
        "2023-11-15T03:43:20+05:30      | 1700000000",
        "2023-11-15T03:43:20+0530       | 1700000000",
        "2023-11-14T14:13:20-0800       | 1700000000",
        "2023-11-14T23:13:20+01         | 1700000000",
        "2023-11-14T22:13:20-00:00      | 1700000000",
        "2023-11-14T22:13:20.999999999Z | 1700000000",
        "2023-11-14T22:13:20.1Z         | 1700000000",
        "1969-12-31T23:59:59.5Z         | -1",
        "1969-12-31T23:59:59.999999999Z | -1",
        "1969-12-31T23:59:59Z           | -1",
        "0000-01-01T00:00:00Z           | -62167219200",
        "9999-12-31T23:59:59-18:00      | 253402365599",
        "2024-02-29T12:00:00Z           | 1709208000",
        "2000-02-29T00:00:00Z           | 951782400",
      })
  void parsesValidValues(String text, long expected) throws TimeParseException {
    assertEquals(expected, parse(text));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0000-01-01T00:00:00Z",
        "0000-02-29T00:00:00Z",
        "1969-12-31T23:59:59.5Z",
        "9999-12-31T23:59:59.999999999-18:00",
        "0001-01-01T00:00:00+18:00",
      })
  void agreesWithJavaTimeAtTheEdges(String text) throws TimeParseException {
    assertEquals(OffsetDateTime.parse(text).toEpochSecond(), parse(text));
  }

  @Test
  void acceptsAnyCharSequence() throws TimeParseException {
    assertEquals(
        1_700_000_000L,
        TimestampFormat.ISO_8601.parseEpochSecond(new StringBuilder("2023-11-14T22:13:20Z")));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "2024-13-01T00:00:00Z          | month 13 out of range",
        "2024-00-01T00:00:00Z          | month 0 out of range",
        "2024-02-30T00:00:00Z          | day 30 out of range for 2024-02 (29 days)",
        "2023-02-29T00:00:00Z          | day 29 out of range for 2023-02 (28 days)",
        "1900-02-29T00:00:00Z          | day 29 out of range for 1900-02 (28 days)",
        "2024-04-31T00:00:00Z          | day 31 out of range for 2024-04 (30 days)",
        "2024-01-00T00:00:00Z          | day 0 out of range",
        "2024-01-01T24:00:00Z          | hour 24 out of range",
        "2024-01-01T00:60:00Z          | minute 60 out of range",
        "2024-01-01T00:00:60Z          | leap second 60 is not supported",
        "2024-01-01T00:00:61Z          | second 61 out of range",
        "2024-01-01T00:00:00           | no UTC offset; local times are ambiguous",
        "2024-01-01T00:00:00.123       | no UTC offset; local times are ambiguous",
        "2024-01-01T00:00:00+19:00     | UTC offset hours 19 out of range",
        "2024-01-01T00:00:00+05:60     | UTC offset minutes 60 out of range",
        "2024-01-01T00:00:00+05:3      | expected 2-digit UTC offset minutes",
        "2024-01-01T00:00:00+5:30      | expected 2-digit UTC offset hours",
        "2024-01-01T00:00:00+053       | expected 2-digit UTC offset minutes",
        "2024-01-01T00:00:00+          | expected 2-digit UTC offset hours",
        "2024-1-01T00:00:00Z           | expected 2-digit month at index 5, found '-' at index 6",
        "24-01-01T00:00:00Z            | expected 4-digit year",
        "10000-01-01T00:00:00Z         | expected '-' after the year at index 4, found '0'",
        "-0001-01-01T00:00:00Z         | expected 4-digit year",
        "2024-01-01T0:00:00Z           | expected 2-digit hour",
        "2024-01-01T00:00:00ZZ         | unexpected characters after the UTC offset, from index 20",
        "2024-01-01T00:00:00Zjunk      | unexpected characters after the UTC offset, from index 20",
        "2024-01-01T00:00:00+01:00:00  | unexpected characters after the UTC offset, from index 25",
        "2024-01-01T00:00:00.Z         | expected 1-9 fraction digits after '.'",
        "2024-01-01T00:00:00.1234567890Z | 10 fraction digits, more than the 9 allowed",
        "2024-01-01T00:00:00,5Z        | expected 'Z' or a UTC offset like +01:00 at index 19, found ','",
        "2024-01-01X00:00:00Z          | expected 'T' or a space between date and time",
        "2024-01-01                    | date without a time",
        "2024-01-01T                   | expected 2-digit hour at index 11, but the value ends",
        "`2024-01-01  00:00:00Z`       | expected 2-digit hour at index 11, found ' '",
        "`2024-01-01T00:00:00Z `       | leading or trailing whitespace",
        "`\t2024-01-01T00:00:00Z`      | leading or trailing whitespace",
        "1700000000                    | expected '-' after the year at index 4, found '0'",
      })
  void rejectsWithReason(String text, String reason) {
    String message = rejection(text);
    assertTrue(message.contains(reason), () -> "message was: " + message);
  }

  @Test
  void rejectsLeadingWhitespace() {
    assertEquals(
        "\" 2024-01-01T00:00:00Z\": leading or trailing whitespace",
        rejection(" 2024-01-01T00:00:00Z"));
  }

  @Test
  void rejectsEmpty() {
    assertEquals("\"\": empty timestamp", rejection(""));
  }

  @Test
  void messageQuotesTheValue() {
    assertEquals(
        "\"2024-13-01T00:00:00Z\": month 13 out of range", rejection("2024-13-01T00:00:00Z"));
    assertEquals(
        "\"2024-01-01T00:00:00\": no UTC offset; local times are ambiguous"
            + " (append 'Z' or an offset such as +01:00)",
        rejection("2024-01-01T00:00:00"));
  }

  @Test
  void rejectsNonAsciiDigits() {
    // Arabic-Indic digits are digits to Character.isDigit but not to this format.
    String message = rejection("\u0662\u0660\u0662\u0664-01-01T00:00:00Z");
    assertTrue(message.contains("expected 4-digit year at index 0, found '\\u0662'"), message);
    // Fullwidth digit in the seconds.
    assertTrue(rejection("2024-01-01T00:00:0\uFF11Z").contains("found '\\uFF11' at index 18"));
  }

  @Test
  void escapesControlCharactersInMessages() {
    String message = rejection("2024-01-01T00:00:00Z\nFAKE LOG LINE");
    assertEquals(
        "\"2024-01-01T00:00:00Z\\u000AFAKE LOG LINE\": unexpected characters after the UTC offset,"
            + " from index 20",
        message);
  }

  @Test
  void truncatesLongValuesInMessages() {
    String text = "2024-01-01T00:00:00Z" + "x".repeat(200);
    String message = rejection(text);
    assertTrue(
        message.startsWith("\"2024-01-01T00:00:00Z" + "x".repeat(40) + "\"... (220 chars): "),
        message);
  }

  @Test
  void validatesEveryMonthLengthFrom0000To9999() throws TimeParseException {
    for (int year = 0; year <= 9999; year++) {
      for (int month = 1; month <= 12; month++) {
        int length = YearMonth.of(year, month).lengthOfMonth();
        String last = String.format("%04d-%02d-%02dT00:00:00Z", year, month, length);
        assertEquals(LocalDate.of(year, month, length).toEpochDay() * 86_400L, parse(last), last);
        String pastEnd = String.format("%04d-%02d-%02dT00:00:00Z", year, month, length + 1);
        assertThrows(TimeParseException.class, () -> parse(pastEnd), pastEnd);
      }
    }
  }

  @Test
  void daysFromCivilMatchesJavaTimeForEveryDay() {
    LocalDate date = LocalDate.of(0, 1, 1);
    LocalDate end = LocalDate.of(9999, 12, 31);
    for (long epochDay = date.toEpochDay(); epochDay <= end.toEpochDay(); epochDay++) {
      LocalDate d = LocalDate.ofEpochDay(epochDay);
      long actual =
          IsoTimestampParser.daysFromCivil(d.getYear(), d.getMonthValue(), d.getDayOfMonth());
      if (actual != epochDay) {
        assertEquals(epochDay, actual, d.toString());
      }
    }
  }
}
