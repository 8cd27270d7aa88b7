package org.blindmatch.crypto.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampFormatDetectionTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "1700000000                | EPOCH_SECONDS",
        "0                         | EPOCH_SECONDS",
        "-86400                    | EPOCH_SECONDS",
        "99999999999               | EPOCH_SECONDS",
        "-99999999999              | EPOCH_SECONDS",
        "100000000000              | EPOCH_MILLIS",
        "1700000000123             | EPOCH_MILLIS",
        "999999999999999           | EPOCH_MILLIS",
        "-999999999999999          | EPOCH_MILLIS",
        "2024-01-01T00:00:00Z      | ISO_8601",
        "2024-01-01 00:00:00+01:00 | ISO_8601",
        "2024-01-01                | ISO_8601",
        "12:00                     | ISO_8601",
        "T                         | ISO_8601",
        "1-2                       | ISO_8601",
      })
  void detects(String value, TimestampFormat expected) throws TimeParseException {
    assertSame(expected, TimestampFormat.detect(value));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "abc",
        "",
        "-",
        "1234567890123456",
        "1.5e9",
        "+1700000000",
        "0x10",
        " 1700000000",
        "\u0661\u0667"
      })
  void refusesToGuess(String value) {
    TimeParseException e =
        assertThrows(TimeParseException.class, () -> TimestampFormat.detect(value));
    assertEquals(
        "cannot tell the timestamp format; pass --time-format (iso8601, epoch-seconds, epoch-millis)",
        e.problem());
  }

  @Test
  void refusalQuotesTheValue() {
    TimeParseException e =
        assertThrows(TimeParseException.class, () -> TimestampFormat.detect("abc"));
    assertEquals(
        "\"abc\": cannot tell the timestamp format; pass --time-format"
            + " (iso8601, epoch-seconds, epoch-millis)",
        e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(TimestampFormat.class)
  void namesRoundTrip(TimestampFormat format) {
    assertSame(format, TimestampFormat.fromName(format.cliName()));
  }

  @Test
  void cliNames() {
    assertEquals("iso8601", TimestampFormat.ISO_8601.cliName());
    assertEquals("epoch-seconds", TimestampFormat.EPOCH_SECONDS.cliName());
    assertEquals("epoch-millis", TimestampFormat.EPOCH_MILLIS.cliName());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ISO8601", "iso-8601", "ISO_8601", "epoch", "", " iso8601"})
  void unknownNamesListTheValidOnes(String name) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TimestampFormat.fromName(name));
    assertEquals(
        "unknown time format \""
            + name
            + "\"; valid names are iso8601, epoch-seconds, epoch-millis",
        e.getMessage());
  }
}
