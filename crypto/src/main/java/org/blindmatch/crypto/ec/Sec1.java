package org.blindmatch.crypto.ec;

import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;

/**
 * The byte forms points take across {@link P256Arithmetic}, and the P-256 constants. Stateless
 * and thread-safe.
 */
public final class Sec1 {
  /** Length of the uncompressed (affine) form {@code 0x04 ‖ x ‖ y}. */
  public static final int AFFINE_LENGTH = 65;
  /** Length of the compressed form {@code 0x02|0x03 ‖ x}. */
  public static final int COMPRESSED_LENGTH = 33;
  /** Length of a coordinate or scalar. */
  public static final int FIELD_LENGTH = 32;

  private static final X9ECParameters PARAMS = CustomNamedCurves.getByName("secp256r1");
  /** The group order n. */
  public static final BigInteger ORDER = PARAMS.getN();
  private static final byte[] GENERATOR = PARAMS.getG().getEncoded(false);

  private Sec1() {}

  /** The one-byte SEC1 encoding of the identity, {@code 0x00} (a fresh array). */
  public static byte[] identity() {
    return new byte[] {0};
  }

  /** True iff {@code p} is the identity's encoding. */
  public static boolean isIdentity(byte[] p) {
    return p.length == 1 && p[0] == 0;
  }

  static byte[] generator() {
    return GENERATOR.clone();
  }

  /**
   * The 33-byte compressed form of an affine point: the parity of y selects the prefix.
   *
   * @throws IllegalArgumentException if {@code affine} is not a 65-byte uncompressed encoding
   */
  public static byte[] compress(byte[] affine) {
    requireAffine(affine);
    byte[] out = Arrays.copyOfRange(affine, 0, COMPRESSED_LENGTH);
    out[0] = (byte) ((affine[AFFINE_LENGTH - 1] & 1) == 0 ? 0x02 : 0x03);
    return out;
  }

  static void requireAffine(byte[] p) {
    if (p.length != AFFINE_LENGTH || p[0] != 0x04) {
      throw new IllegalArgumentException("not an uncompressed P-256 point encoding");
    }
  }

  /** 32-byte big-endian encoding of a scalar already checked to be in [0, n-1]. */
  static byte[] scalarBytes(BigInteger s) {
    byte[] be = s.toByteArray();
    byte[] out = new byte[FIELD_LENGTH];
    int len = Math.min(be.length, FIELD_LENGTH);
    System.arraycopy(be, be.length - len, out, FIELD_LENGTH - len, len);
    Arrays.fill(be, (byte) 0);
    return out;
  }

  static void requireScalars(BigInteger[] scalars, boolean allowZero) {
    for (BigInteger s : scalars) {
      if (s.signum() < (allowZero ? 0 : 1) || s.compareTo(ORDER) >= 0) {
        throw new IllegalArgumentException(
            "scalar not in [" + (allowZero ? 0 : 1) + ", n-1]");
      }
    }
  }

  static void requireSameLength(Object[] a, Object[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "arrays differ in length: " + a.length + ", " + b.length);
    }
  }
}
