package org.blindmatch.crypto.ec;

import java.math.BigInteger;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;

/**
 * The pure-Java backend: Bouncy Castle's P-256 arithmetic ({@code SecP256R1Curve}), always
 * available. Its scalar multiplication (wNAF) is not constant-time: its running time depends on
 * the scalar (THREAT_MODEL.md). Stateless and thread-safe.
 */
final class JavaP256 implements P256Arithmetic {
  private static final X9ECParameters PARAMS = CustomNamedCurves.getByName("secp256r1");
  static final ECCurve CURVE = PARAMS.getCurve();
  static final ECPoint G = PARAMS.getG();
  static final BigInteger N = PARAMS.getN();

  @Override
  public String name() {
    return "java (Bouncy Castle)";
  }

  @Override
  public boolean isNative() {
    return false;
  }

  @Override
  public byte[] decompress(byte[] compressed) {
    if (compressed.length != Sec1.COMPRESSED_LENGTH
        || (compressed[0] != 0x02 && compressed[0] != 0x03)) {
      throw new IllegalArgumentException("not a compressed P-256 point encoding");
    }
    ECPoint p = CURVE.decodePoint(compressed); // throws IllegalArgumentException if invalid
    if (p.isInfinity() || !p.isValid()) {
      throw new IllegalArgumentException("not a point on P-256");
    }
    return p.normalize().getEncoded(false);
  }

  @Override
  public byte[][] multiplySecret(byte[][] points, BigInteger[] scalars) {
    Sec1.requireSameLength(points, scalars);
    Sec1.requireScalars(scalars, false);
    ECPoint[] out = new ECPoint[points.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = point(points[i]).multiply(scalars[i]);
    }
    return encodeAll(out);
  }

  @Override
  public byte[] multiplyGenerator(BigInteger scalar) {
    Sec1.requireScalars(new BigInteger[] {scalar}, false);
    return encode(G.multiply(scalar));
  }

  @Override
  public byte[] sum(byte[][] points, BigInteger[] scalars) {
    Sec1.requireSameLength(points, scalars);
    if (points.length == 0) {
      throw new IllegalArgumentException("points and scalars must be non-empty");
    }
    Sec1.requireScalars(scalars, true);
    // Terms that contribute nothing are dropped: Bouncy Castle's two-term wNAF fails on the
    // identity (its fixed-point precomputation reads an absent coordinate).
    java.util.List<ECPoint> ps = new java.util.ArrayList<>(points.length);
    java.util.List<BigInteger> ks = new java.util.ArrayList<>(points.length);
    for (int i = 0; i < points.length; i++) {
      if (!Sec1.isIdentity(points[i]) && scalars[i].signum() != 0) {
        ps.add(point(points[i]));
        ks.add(scalars[i]);
      }
    }
    if (ps.isEmpty()) {
      return Sec1.identity();
    }
    return encode(Msm.sum(ps.toArray(new ECPoint[0]), ks.toArray(new BigInteger[0])));
  }

  @Override
  public byte[][] add(byte[][] a, byte[][] b) {
    Sec1.requireSameLength(a, b);
    ECPoint[] out = new ECPoint[a.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = point(a[i]).add(point(b[i]));
    }
    return encodeAll(out);
  }

  /** Imports an affine encoding without re-validating it (it came from this interface). */
  static ECPoint point(byte[] p) {
    if (Sec1.isIdentity(p)) {
      return CURVE.getInfinity();
    }
    Sec1.requireAffine(p);
    return CURVE.createPoint(
        new BigInteger(1, java.util.Arrays.copyOfRange(p, 1, 33)),
        new BigInteger(1, java.util.Arrays.copyOfRange(p, 33, 65)));
  }

  private static byte[] encode(ECPoint p) {
    return p.isInfinity() ? Sec1.identity() : p.normalize().getEncoded(false);
  }

  /** Encodes with one shared inversion ({@link ECCurve#normalizeAll}). */
  private static byte[][] encodeAll(ECPoint[] points) {
    CURVE.normalizeAll(points);
    byte[][] out = new byte[points.length][];
    for (int i = 0; i < out.length; i++) {
      out[i] = encode(points[i]);
    }
    return out;
  }
}
