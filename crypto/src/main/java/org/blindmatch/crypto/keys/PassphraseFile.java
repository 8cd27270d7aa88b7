package org.blindmatch.crypto.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Reads a passphrase from a file: its first line, without the line ending. */
public final class PassphraseFile {
  /**
   * The environment variable every blindmatch program (CLI, Spark job) reads the keyset
   * passphrase from when no passphrase file is configured.
   */
  public static final String ENV = "BLINDMATCH_PASSPHRASE";

  private PassphraseFile() {}

  /**
   * Returns the first line of {@code file} as characters; the caller wipes them after use.
   *
   * @throws IOException if the file cannot be read
   */
  public static char[] read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    try {
      int end = 0;
      while (end < bytes.length && bytes[end] != '\n' && bytes[end] != '\r') {
        end++;
      }
      java.nio.CharBuffer chars = StandardCharsets.UTF_8.decode(
          java.nio.ByteBuffer.wrap(bytes, 0, end));
      char[] out = new char[chars.remaining()];
      chars.get(out);
      if (chars.hasArray()) {
        Arrays.fill(chars.array(), '\0');
      }
      return out;
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }
}
