package org.blindmatch.crypto.oprf;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.blindmatch.crypto.hash.Sha256;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.BigIntegers;

/** The P-256 group and SHA-256 of suite P256-SHA256. All arithmetic is Bouncy Castle's. */
final class P256 {
  private static final X9ECParameters PARAMS = CustomNamedCurves.getByName("secp256r1");
  static final ECCurve CURVE = PARAMS.getCurve();
  static final ECPoint G = PARAMS.getG();
  /** Group order n. */
  static final BigInteger N = PARAMS.getN();

  private P256() {}

  /** RFC 9497 RandomScalar: uniform in [1, n-1]. */
  static BigInteger randomScalar(SecureRandom random) {
    return BigIntegers.createRandomInRange(BigInteger.ONE, N.subtract(BigInteger.ONE), random);
  }

  static boolean isNonZeroScalar(BigInteger s) {
    return s.signum() > 0 && s.compareTo(N) < 0;
  }

  /**
   * Wraps results of internal arithmetic as elements, normalizing them with one shared field
   * inversion ({@link ECCurve#normalizeAll}) instead of one per point.
   *
   * @param points non-identity points of {@link #CURVE}; normalized in place
   * @throws IllegalStateException if a point is the identity
   */
  static List<Element> elements(ECPoint[] points) {
    CURVE.normalizeAll(points);
    List<Element> out = new ArrayList<>(points.length);
    for (ECPoint p : points) {
      out.add(Element.of(p));
    }
    return out;
  }

  static byte[] sha256(byte[] data) {
    return Sha256.digest(data);
  }
}
