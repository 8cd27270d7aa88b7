package org.blindmatch.crypto.time;

/** ASCII digits only: {@link Character#isDigit} would also accept other scripts' digits. */
final class Digits {
  private Digits() {}

  static boolean isAscii(char c) {
    return c >= '0' && c <= '9';
  }
}
