package org.blindmatch.crypto.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ExcerptTest {
  @Test
  void shortValuesAreQuotedWhole() {
    assertEquals("\"1h\"", Excerpt.quote("1h"));
    assertEquals("\"\"", Excerpt.quote(""));
    assertEquals("null", Excerpt.quote(null));
  }

  @Test
  void longValuesAreCutWithTheirLength() {
    String v = "a".repeat(1 << 20);
    assertEquals("\"" + "a".repeat(Excerpt.MAX_CHARS) + "\"... (1048576 chars)",
        Excerpt.quote(v));
    assertEquals("\"" + "b".repeat(60) + "\"", Excerpt.quote("b".repeat(60)));
  }

  @Test
  void controlQuoteAndNonAsciiAreEscaped() {
    assertEquals("\"a\\u000Ab\\\"c\\\\d\\u202Ee\"", Excerpt.quote("a\nb\"c\\d\u202Ee"));
    assertEquals("'\\u0000'", Excerpt.quote('\0'));
    assertEquals("'\\''", Excerpt.quote('\''));
  }
}
