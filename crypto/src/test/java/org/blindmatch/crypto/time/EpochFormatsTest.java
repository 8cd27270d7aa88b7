package org.blindmatch.crypto.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class EpochFormatsTest {

  @ParameterizedTest
  @CsvSource({
    "0, 0",
    "-0, 0",
    "1700000000, 1700000000",
    "-1, -1",
    "001700000000, 1700000000",
    "999999999999, 999999999999",
    "-999999999999, -999999999999",
  })
  void parsesSeconds(String text, long expected) throws TimeParseException {
    assertEquals(expected, TimestampFormat.EPOCH_SECONDS.parseEpochSecond(text));
  }

  @ParameterizedTest
  @CsvSource({
    "0, 0",
    "999, 0",
    "1000, 1",
    "1700000000123, 1700000000",
    "-1, -1",
    "-999, -1",
    "-1000, -1",
    "-1001, -2",
    "999999999999999, 999999999999",
    "-999999999999999, -1000000000000",
  })
  void parsesMillisFlooredToSeconds(String text, long expected) throws TimeParseException {
    assertEquals(expected, TimestampFormat.EPOCH_MILLIS.parseEpochSecond(text));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "``             | empty timestamp",
        "12abc          | not a decimal integer: unexpected 'a' at index 2",
        "1.5e9          | fractions are not allowed in epoch-seconds values; found '.' at index 1",
        "15e8           | exponent notation is not allowed in epoch-seconds values; found 'e' at index 2",
        "+1700000000    | a leading '+' is not allowed in epoch-seconds values",
        "0x10           | not a decimal integer: unexpected 'x' at index 1",
        "-              | no digits after '-'",
        "--1            | not a decimal integer: unexpected '-' at index 1",
        "`1700000000 `  | whitespace is not allowed in epoch-seconds values; found ' ' at index 10",
        "` 1700000000`  | whitespace is not allowed in epoch-seconds values; found ' ' at index 0",
        "1234567890123  | 13 digits, more than the 12 allowed in epoch-seconds values",
        "-1234567890123 | 13 digits, more than the 12 allowed in epoch-seconds values",
        "2024-01-01T00:00:00Z | not a decimal integer: unexpected '-' at index 4",
      })
  void rejectsBadSeconds(String text, String reason) {
    String message =
        assertThrows(
                TimeParseException.class,
                () -> TimestampFormat.EPOCH_SECONDS.parseEpochSecond(text))
            .getMessage();
    assertTrue(message.endsWith(": " + reason), () -> "message was: " + message);
  }

  @Test
  void rejectsMessageQuotesValue() {
    TimeParseException e =
        assertThrows(
            TimeParseException.class, () -> TimestampFormat.EPOCH_SECONDS.parseEpochSecond("0x10"));
    assertEquals("\"0x10\": not a decimal integer: unexpected 'x' at index 1", e.getMessage());
    assertEquals("not a decimal integer: unexpected 'x' at index 1", e.problem());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "1234567890123456    | 16 digits, more than the 15 allowed in epoch-millis values",
        "1700000000123.5     | fractions are not allowed in epoch-millis values",
        "+1700000000123      | a leading '+' is not allowed in epoch-millis values",
        "12345678901234567890123 | 23 digits, more than the 15 allowed",
      })
  void rejectsBadMillis(String text, String reason) {
    String message =
        assertThrows(
                TimeParseException.class, () -> TimestampFormat.EPOCH_MILLIS.parseEpochSecond(text))
            .getMessage();
    assertTrue(message.contains(reason), () -> "message was: " + message);
  }

  @ParameterizedTest
  @EnumSource(TimestampFormat.class)
  void rejectsNonAsciiDigits(TimestampFormat format) {
    assertThrows(
        TimeParseException.class, () -> format.parseEpochSecond("\u0661\u0667\u0660\u0660"));
  }

  @ParameterizedTest
  @EnumSource(TimestampFormat.class)
  void rejectsNull(TimestampFormat format) {
    assertThrows(NullPointerException.class, () -> format.parseEpochSecond(null));
  }

  @ParameterizedTest
  @EnumSource(TimestampFormat.class)
  void rejectsEmpty(TimestampFormat format) {
    TimeParseException e =
        assertThrows(TimeParseException.class, () -> format.parseEpochSecond(""));
    assertEquals("\"\": empty timestamp", e.getMessage());
  }
}
