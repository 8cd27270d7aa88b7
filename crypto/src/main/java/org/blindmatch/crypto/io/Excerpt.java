package org.blindmatch.crypto.io;

import java.util.regex.Pattern;

/**
 * The one way a message quotes a value it did not produce: a bad field of a CSV row, a YAML
 * value, an address, a host name.
 *
 * <p>Values come from files and network peers and end up in terminals and logs, so the excerpt
 * is short (at most {@value #MAX_CHARS} characters, then {@code ...} and the full length, so a
 * 1 MB value costs a line, not a megabyte) and everything outside printable ASCII is escaped as
 * {@code \}{@code uXXXX} ({@code "}, {@code '} and {@code \} are backslash-escaped): line breaks,
 * control characters and bidirectional overrides cannot forge or hide log lines. Stateless and
 * thread-safe.
 */
public final class Excerpt {
  /** The longest prefix of a value that a message shows. */
  public static final int MAX_CHARS = 60;

  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private Excerpt() {}

  /**
   * {@code value} in double quotes, escaped, cut to {@link #MAX_CHARS} characters; a cut value
   * is followed by {@code ...} and its full length, e.g. {@code "aaaa…"... (1048576 chars)}.
   *
   * @param value the untrusted text; null is rendered as {@code null}
   */
  public static String quote(CharSequence value) {
    if (value == null) {
      return "null";
    }
    int length = value.length();
    int shown = Math.min(length, MAX_CHARS);
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

  /**
   * A key read from a file as a message names it ({@code tiers[0].bucket_width}): as is if it
   * is a plain word (letters, digits, {@code _}, {@code -}; at most 64), else
   * {@link #quote(CharSequence) quoted}.
   */
  public static String key(String key) {
    return key != null && PLAIN_KEY.matcher(key).matches() ? key : quote(key);
  }

  /** One character in single quotes, escaped like {@link #quote(CharSequence)}. */
  public static String quote(char c) {
    StringBuilder out = new StringBuilder(10).append('\'');
    appendEscaped(out, c);
    return out.append('\'').toString();
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
