package org.blindmatch.crypto.oprf;

import java.util.Arrays;
import java.util.HexFormat;
import org.blindmatch.crypto.ec.Sec1;

/**
 * A non-identity point of P-256, the group element of suite P256-SHA256. Serialized as a
 * compressed SEC1 point of exactly {@value #LENGTH} bytes ({@code 0x02|0x03 ‖ x}).
 *
 * <p>Every instance is on the curve and not the identity: {@link #decode} checks this, and
 * internal arithmetic only produces elements from valid inputs. Immutable and thread-safe.
 */
public final class Element {
  /** Encoded element length in bytes. */
  public static final int LENGTH = 33;

  /** The affine form {@code 0x04 ‖ x ‖ y} the arithmetic backend takes; never exposed. */
  private final byte[] affine;
  private final byte[] encoded;

  private Element(byte[] affine) {
    this.affine = affine;
    this.encoded = Sec1.compress(affine);
  }

  /**
   * Wraps the normalized result of backend arithmetic, which must not be the identity. Takes
   * ownership of the array.
   */
  static Element of(byte[] affine) {
    if (Sec1.isIdentity(affine)) {
      throw new IllegalStateException("arithmetic on valid inputs produced the identity");
    }
    return new Element(affine);
  }

  /**
   * RFC 9497 DeserializeElement.
   *
   * @param encoded a 33-byte compressed SEC1 point
   * @return the element
   * @throws OprfException if the length or prefix is wrong, x is not a field element, x is not
   *     the abscissa of a curve point, or the point is the identity
   */
  public static Element decode(byte[] encoded) throws OprfException {
    if (encoded.length != LENGTH) {
      throw new OprfException(
          "element must be " + LENGTH + " bytes (compressed SEC1), got " + encoded.length);
    }
    if (encoded[0] != 0x02 && encoded[0] != 0x03) {
      throw new OprfException(
          String.format("element prefix must be 0x02 or 0x03, got 0x%02x", encoded[0] & 0xff));
    }
    try {
      return new Element(P256.group().decompress(encoded.clone()));
    } catch (IllegalArgumentException e) {
      throw new OprfException("element is not a point on P-256", e);
    }
  }

  /** RFC 9497 SerializeElement: the 33-byte compressed encoding. */
  public byte[] encode() {
    return encoded.clone();
  }

  /** The affine form, shared: callers must not modify it. */
  byte[] affine() {
    return affine;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Element other && Arrays.equals(encoded, other.encoded);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encoded);
  }

  @Override
  public String toString() {
    return "Element[" + HexFormat.of().formatHex(encoded) + "]";
  }
}
