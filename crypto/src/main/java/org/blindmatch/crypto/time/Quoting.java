package org.blindmatch.crypto.time;

/**
 * Renders untrusted input for error messages.
 *
 * <p>Values come from user-supplied files and end up in terminals and logs, so everything outside
 * printable ASCII is escaped: this keeps control characters, line breaks and bidirectional
 * overrides from forging or hiding log lines.
 */
final class Quoting {

  /** Longest prefix of a value that is echoed back in a message. */
  static final int MAX_QUOTED_CHARS = 60;

  private Quoting() {}

  /**
   * Returns {@code value} in double quotes, escaped, and cut to {@link #MAX_QUOTED_CHARS}
   * characters; a cut value is followed by {@code ...} and its full length.
   */
  static String quote(CharSequence value) {
    int length = value.length();
    int shown = Math.min(length, MAX_QUOTED_CHARS);
    StringBuilder out = new StringBuilder(shown + 24).append('"');
    for (int i = 0; i < shown; i++) {
      appendEscaped(out, value.charAt(i));
    }
    out.append('"');
    if (length > shown) {
      out.append("... (").append(length).append(" chars)");
    }
    return out.toString();
  }

  /** Returns one character in single quotes, escaped like {@link #quote}. */
  static String describe(char c) {
    StringBuilder out = new StringBuilder(10).append('\'');
    appendEscaped(out, c);
    return out.append('\'').toString();
  }

  static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static void appendEscaped(StringBuilder out, char c) {
    if (c == '"' || c == '\'' || c == '\\') {
      out.append('\\').append(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out.append(c);
    } else {
      out.append(String.format("\\u%04X", (int) c));
    }
  }
}
