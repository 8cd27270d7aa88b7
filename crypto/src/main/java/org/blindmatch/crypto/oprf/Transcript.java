package org.blindmatch.crypto.oprf;

import java.io.ByteArrayOutputStream;

/** Builds RFC 9497 hash inputs: {@code I2OSP(len, 2) ‖ bytes} fields and raw labels. */
final class Transcript {
  private static final int MAX_FIELD = 0xffff;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** Appends {@code I2OSP(len(bytes), 2) ‖ bytes}. */
  Transcript field(byte[] bytes) {
    if (bytes.length > MAX_FIELD) {
      throw new IllegalArgumentException(
          "field of " + bytes.length + " bytes exceeds the 2-byte length prefix");
    }
    return u16(bytes.length).raw(bytes);
  }

  /** Appends {@code I2OSP(value, 2)}. */
  Transcript u16(int value) {
    if (value < 0 || value > MAX_FIELD) {
      throw new IllegalArgumentException("value " + value + " does not fit in 2 bytes");
    }
    out.write(value >>> 8);
    out.write(value);
    return this;
  }

  Transcript raw(byte[] bytes) {
    out.writeBytes(bytes);
    return this;
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }
}
