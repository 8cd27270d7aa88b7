package org.blindmatch.crypto.oprf;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.blindmatch.crypto.ec.P256Arithmetic;
import org.blindmatch.crypto.ec.P256Backends;
import org.blindmatch.crypto.ec.Sec1;
import org.blindmatch.crypto.hash.Sha256;
import org.bouncycastle.util.BigIntegers;

/**
 * The P-256 group and SHA-256 of suite P256-SHA256. Point arithmetic is the process's
 * {@link P256Backends#selected() backend}; scalar arithmetic mod n is Java's.
 */
final class P256 {
  /** Group order n. */
  static final BigInteger N = Sec1.ORDER;

  private P256() {}

  /**
   * The arithmetic backend.
   *
   * @throws org.blindmatch.crypto.ec.BackendUnavailableException if a forced backend cannot load
   */
  static P256Arithmetic group() {
    return P256Backends.selected();
  }

  /** RFC 9497 RandomScalar: uniform in [1, n-1]. */
  static BigInteger randomScalar(SecureRandom random) {
    return BigIntegers.createRandomInRange(BigInteger.ONE, N.subtract(BigInteger.ONE), random);
  }

  static boolean isNonZeroScalar(BigInteger s) {
    return s.signum() > 0 && s.compareTo(N) < 0;
  }

  /**
   * Wraps normalized results of backend arithmetic as elements.
   *
   * @throws IllegalStateException if a point is the identity
   */
  static List<Element> elements(byte[][] affine) {
    List<Element> out = new ArrayList<>(affine.length);
    for (byte[] p : affine) {
      out.add(Element.of(p));
    }
    return out;
  }

  /** {@code scalar·p} for one secret scalar, in constant time on the native backend. */
  static byte[] multiplySecret(byte[] p, BigInteger scalar) {
    return group().multiplySecret(new byte[][] {p}, new BigInteger[] {scalar})[0];
  }

  static byte[] sha256(byte[] data) {
    return Sha256.digest(data);
  }
}
