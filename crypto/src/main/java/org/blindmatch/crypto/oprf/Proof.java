package org.blindmatch.crypto.oprf;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * An RFC 9497 §2.2 DLEQ proof {@code (c, s)}, serialized as {@code c ‖ s} ({@value #LENGTH}
 * bytes). Both scalars are in [1, n-1] (see {@link Scalars} on zero). Immutable.
 */
public record Proof(BigInteger c, BigInteger s) {
  /** Encoded proof length in bytes. */
  public static final int LENGTH = 2 * Scalars.LENGTH;

  /** @throws IllegalArgumentException if c or s is not in [1, n-1] */
  public Proof {
    if (!P256.isNonZeroScalar(c) || !P256.isNonZeroScalar(s)) {
      throw new IllegalArgumentException("proof scalar not in [1, n-1]");
    }
  }

  /**
   * @param encoded {@code c ‖ s}, 64 bytes
   * @throws OprfException if the length is wrong or either scalar is out of range
   */
  public static Proof decode(byte[] encoded) throws OprfException {
    if (encoded.length != LENGTH) {
      throw new OprfException("proof must be " + LENGTH + " bytes, got " + encoded.length);
    }
    BigInteger c = Scalars.decode(Arrays.copyOfRange(encoded, 0, Scalars.LENGTH));
    BigInteger s = Scalars.decode(Arrays.copyOfRange(encoded, Scalars.LENGTH, LENGTH));
    return new Proof(c, s);
  }

  /** {@code SerializeScalar(c) ‖ SerializeScalar(s)}. */
  public byte[] encode() {
    byte[] out = Arrays.copyOf(Scalars.encode(c), LENGTH);
    System.arraycopy(Scalars.encode(s), 0, out, Scalars.LENGTH, Scalars.LENGTH);
    return out;
  }
}
