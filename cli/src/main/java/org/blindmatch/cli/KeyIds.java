package org.blindmatch.cli;

import org.blindmatch.crypto.io.Excerpt;
import org.blindmatch.crypto.keys.KeysetException;

/** Key ids as users type them: unsigned 32-bit decimal. */
final class KeyIds {
  private KeyIds() {}

  static int parse(String text) throws KeysetException {
    try {
      return Integer.parseUnsignedInt(text);
    } catch (NumberFormatException e) {
      throw new KeysetException("key id " + Excerpt.quote(text) + " is not an unsigned 32-bit number");
    }
  }
}
