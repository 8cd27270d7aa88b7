package org.blindmatch.core.match;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A 16-byte opaque handle: a report submitter's record handle or an NGO's label handle
 * ({@code docs/PROTOCOL.md} §3). Immutable and thread-safe; it shares no array with its
 * callers. Handles are equal when their bytes are, and ordered by their bytes compared as
 * unsigned, as the records of a token file are sorted.
 */
public final class Handle implements Comparable<Handle> {
  /** Length of a handle in bytes. */
  public static final int LENGTH = 16;

  private static final VarHandle LONG_BE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final HexFormat HEX = HexFormat.of();

  // Big-endian halves: comparing them unsigned orders handles as their bytes, unsigned.
  private final long high;
  private final long low;

  private Handle(long high, long low) {
    this.high = high;
    this.low = low;
  }

  /**
   * The handle with these bytes (copied).
   *
   * @throws IllegalArgumentException if {@code bytes} is not {@value #LENGTH} bytes long
   * @throws NullPointerException if {@code bytes} is null
   */
  public static Handle of(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException(
          "a handle is " + LENGTH + " bytes, not " + bytes.length);
    }
    return read(bytes, 0);
  }

  /**
   * The handle in {@code buf[offset, offset + 16)} (copied), for instance a token record's
   * handle field.
   *
   * @throws IndexOutOfBoundsException if the range is not inside {@code buf}
   */
  public static Handle read(byte[] buf, int offset) {
    Objects.checkFromIndexSize(offset, LENGTH, buf.length);
    return new Handle((long) LONG_BE.get(buf, offset), (long) LONG_BE.get(buf, offset + 8));
  }

  /** A new array holding the handle's 16 bytes. */
  public byte[] bytes() {
    byte[] b = new byte[LENGTH];
    LONG_BE.set(b, 0, high);
    LONG_BE.set(b, 8, low);
    return b;
  }

  @Override
  public int compareTo(Handle o) {
    int c = Long.compareUnsigned(high, o.high);
    return c != 0 ? c : Long.compareUnsigned(low, o.low);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Handle h && h.high == high && h.low == low;
  }

  @Override
  public int hashCode() {
    return 31 * Long.hashCode(high) + Long.hashCode(low);
  }

  /** The 32 lower-case hex digits of the bytes. */
  @Override
  public String toString() {
    return HEX.toHexDigits(high) + HEX.toHexDigits(low);
  }
}
