package org.blindmatch.crypto.oprf.dkg;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.blindmatch.crypto.oprf.Element;
import org.blindmatch.crypto.oprf.OprfException;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.hash2curve.HashToCurveProfile;
import org.bouncycastle.crypto.hash2curve.HashToEllipticCurve;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.BigIntegers;

/**
 * P-256 arithmetic for the DKG, all of it Bouncy Castle's: the generator G, the second Pedersen
 * generator H, scalars mod n (including 0, which a polynomial value may be), and conversion to
 * the OPRF {@link Element} type.
 *
 * <p>H is RFC 9380 {@code hash_to_curve} (suite {@code P256_XMD:SHA-256_SSWU_RO_}) of the
 * fixed message {@code "H"} under the fixed DST {@value #H_DST}; nobody knows log_G H, which is
 * what makes Pedersen commitments hiding and binding.
 */
final class Group {
  static final String H_DST = "blindmatch/v1/dkg/pedersen-generator";
  private static final X9ECParameters PARAMS = CustomNamedCurves.getByName("secp256r1");
  static final ECCurve CURVE = PARAMS.getCurve();
  static final ECPoint G = PARAMS.getG();
  static final BigInteger N = PARAMS.getN();
  static final ECPoint H = CURVE.importPoint(
      HashToEllipticCurve.getInstance(HashToCurveProfile.P256_XMD_SHA_256, H_DST)
          .hashToCurve("H".getBytes(StandardCharsets.US_ASCII))).normalize();
  static final int SCALAR_LENGTH = 32;
  static final int POINT_LENGTH = 33;

  private Group() {}

  static BigInteger randomScalar(SecureRandom random) {
    return BigIntegers.createRandomInRange(BigInteger.ONE, N.subtract(BigInteger.ONE), random);
  }

  /** A point as 33 compressed bytes; the identity (possible for a commitment) is 33 zeros. */
  static byte[] encode(ECPoint p) {
    return p.isInfinity() ? new byte[POINT_LENGTH] : p.getEncoded(true);
  }

  static ECPoint decodePoint(byte[] b, String what) throws DkgException {
    if (b.length != POINT_LENGTH) {
      throw new DkgException(what + ": a point must be " + POINT_LENGTH + " bytes, got "
          + b.length);
    }
    boolean zero = true;
    for (byte x : b) {
      zero &= x == 0;
    }
    if (zero) {
      return CURVE.getInfinity();
    }
    if (b[0] != 0x02 && b[0] != 0x03) {
      throw new DkgException(what + ": not a compressed P-256 point");
    }
    try {
      ECPoint p = CURVE.decodePoint(b);
      if (!p.isValid()) {
        throw new DkgException(what + ": not a point on P-256");
      }
      return p.normalize();
    } catch (IllegalArgumentException e) {
      throw new DkgException(what + ": not a point on P-256");
    }
  }

  static byte[] encode(BigInteger s) {
    return BigIntegers.asUnsignedByteArray(SCALAR_LENGTH, s);
  }

  /** A scalar in [0, n): polynomial values may be 0. */
  static BigInteger decodeScalar(byte[] b, String what) throws DkgException {
    if (b.length != SCALAR_LENGTH) {
      throw new DkgException(what + ": a scalar must be " + SCALAR_LENGTH + " bytes, got "
          + b.length);
    }
    BigInteger s = new BigInteger(1, b);
    if (s.compareTo(N) >= 0) {
      throw new DkgException(what + ": scalar is not below the group order");
    }
    return s;
  }

  /** Σ_k x^k·C_k: a committed polynomial evaluated in the exponent at x. */
  static ECPoint evaluate(List<ECPoint> commitments, int x) {
    BigInteger bx = BigInteger.valueOf(x);
    ECPoint sum = CURVE.getInfinity();
    BigInteger power = BigInteger.ONE;
    for (ECPoint c : commitments) {
      sum = sum.add(c.multiply(power));
      power = power.multiply(bx).mod(N);
    }
    return sum.normalize();
  }

  /** Horner evaluation of a polynomial mod n at x. */
  static BigInteger evaluate(BigInteger[] coefficients, int x) {
    BigInteger bx = BigInteger.valueOf(x);
    BigInteger y = BigInteger.ZERO;
    for (int j = coefficients.length - 1; j >= 0; j--) {
      y = y.multiply(bx).add(coefficients[j]).mod(N);
    }
    return y;
  }

  /** s·G + r·H, the Pedersen commitment to s with blinding r. */
  static ECPoint pedersen(BigInteger s, BigInteger r) {
    return G.multiply(s).add(H.multiply(r)).normalize();
  }

  static Element element(ECPoint p) throws DkgException {
    if (p.isInfinity()) {
      throw new DkgException("a public key came out as the identity element");
    }
    try {
      return Element.decode(p.normalize().getEncoded(true));
    } catch (OprfException e) {
      throw new IllegalStateException(e);
    }
  }
}
