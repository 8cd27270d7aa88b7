package org.blindmatch.crypto.oprf;

import java.math.BigInteger;
import org.bouncycastle.util.BigIntegers;

/**
 * RFC 9497 scalar serialization for P256-SHA256: big-endian, exactly {@value #LENGTH} bytes.
 *
 * <p>Decoding rejects 0 as well as values ≥ n. RFC 9497 allows a zero scalar on the wire, but a
 * zero key, blind or proof scalar occurs by chance with probability about 2<sup>-256</sup>, so
 * seeing one means corruption or an attack. Stateless and thread-safe.
 */
public final class Scalars {
  /** Encoded scalar length in bytes. */
  public static final int LENGTH = 32;

  private Scalars() {}

  /**
   * @param scalar a value in [1, n-1]
   * @return its 32-byte big-endian encoding
   * @throws IllegalArgumentException if the value is out of range
   */
  public static byte[] encode(BigInteger scalar) {
    if (!P256.isNonZeroScalar(scalar)) {
      throw new IllegalArgumentException("scalar not in [1, n-1]");
    }
    return BigIntegers.asUnsignedByteArray(LENGTH, scalar);
  }

  /**
   * @param encoded 32 bytes, big-endian
   * @return the scalar, in [1, n-1]
   * @throws OprfException if the length is wrong or the value is 0 or ≥ n
   */
  public static BigInteger decode(byte[] encoded) throws OprfException {
    if (encoded.length != LENGTH) {
      throw new OprfException(
          "scalar must be " + LENGTH + " bytes, got " + encoded.length);
    }
    BigInteger s = new BigInteger(1, encoded);
    if (s.signum() == 0) {
      throw new OprfException("scalar is zero");
    }
    if (s.compareTo(P256.N) >= 0) {
      throw new OprfException("scalar is not below the group order n");
    }
    return s;
  }
}
