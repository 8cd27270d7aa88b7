package org.blindmatch.crypto.ec;

import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;

/**
 * Multi-scalar multiplication {@code Σ s_i·P_i} on P-256, the cost centre of RFC 9497's batched
 * DLEQ composites. Composes Bouncy Castle point operations (add, negate, timesPow2,
 * normalizeAll); no field arithmetic of its own.
 *
 * <p>Small inputs go to Bouncy Castle's interleaved-wNAF {@link ECAlgorithms#sumOfMultiplies},
 * which shares the 256 doublings but still pays about 0.3 of a scalar multiplication per point.
 * Larger inputs use Pippenger's bucket method with signed c-bit digits: about {@code 257/c}
 * mixed additions per point plus {@code 2^c} additions per window, so roughly 35 additions per
 * point at n = 4096 (about 0.12 of a multiplication, measured) where one scalar multiplication
 * costs about 300 point operations. The method and window are chosen by that operation count
 * (Pippenger from about n = 100). Neither path is constant-time; callers pass public values
 * (composite scalars are hashes of public transcripts).
 *
 * <p>Stateless and thread-safe.
 */
final class Msm {
  /** Relative cost of a general (Jacobian + Jacobian) addition to a mixed (+ affine) one. */
  private static final double FULL_ADD = 1.3;
  /** Relative cost of a doubling to a mixed addition (measured on BC's SecP256R1Point). */
  private static final double DOUBLING = 0.65;
  /**
   * Mixed-addition equivalents per point of BC's interleaved wNAF: ~51 additions (8
   * precomputed, ~43 added), which with precomputation and normalization measured about 0.3 of
   * a scalar multiplication (~80 additions).
   */
  private static final double WNAF_ADDS_PER_POINT = 80;

  private static final int SCALAR_BITS = 256;
  /** Best for the largest batch (65535); wider windows only add bucket work. */
  private static final int MAX_WINDOW = 13;

  private Msm() {}

  /**
   * Returns {@code Σ scalars[i]·points[i]}, the identity if that is the sum.
   *
   * @param points points of {@link JavaP256#CURVE}, any of which may be the identity; not modified
   * @param scalars non-negative scalars below the group order n, same length as {@code points}
   * @throws IllegalArgumentException if the arrays are empty, differ in length, or a scalar is
   *     out of range
   */
  static ECPoint sum(ECPoint[] points, BigInteger[] scalars) {
    if (points.length == 0 || points.length != scalars.length) {
      throw new IllegalArgumentException("points and scalars must be non-empty and of equal "
          + "length: " + points.length + ", " + scalars.length);
    }
    for (BigInteger s : scalars) {
      if (s.signum() < 0 || s.compareTo(JavaP256.N) >= 0) {
        throw new IllegalArgumentException("scalar not in [0, n-1]");
      }
    }
    int n = points.length;
    int window = bestWindow(n);
    if (pippengerCost(n, window) >= wnafCost(n)) {
      return ECAlgorithms.sumOfMultiplies(points.clone(), scalars.clone());
    }
    return pippenger(points, scalars, window);
  }

  /**
   * The bucket method with signed digits of {@code c} bits, for inputs {@link #sum} has checked;
   * package-private so tests can force every window.
   *
   * @throws IllegalArgumentException if c is not in [2, 15]
   */
  static ECPoint pippenger(ECPoint[] points, BigInteger[] scalars, int c) {
    if (c < 2 || c > 15) { // digits are shorts; 2^(c-1) buckets
      throw new IllegalArgumentException("window " + c + " not in [2, 15]");
    }
    ECCurve curve = JavaP256.CURVE;
    int n = points.length;
    ECPoint[] affine = points.clone();
    curve.normalizeAll(affine); // one inversion for all; later additions are mixed (Z = 1)
    ECPoint[] negated = new ECPoint[n];
    for (int i = 0; i < n; i++) {
      negated[i] = affine[i].negate();
    }
    int windows = SCALAR_BITS / c + 1; // room for the final carry of the signed recoding
    short[][] digits = new short[n][];
    for (int i = 0; i < n; i++) {
      digits[i] = signedDigits(scalars[i], c, windows);
    }
    ECPoint[] buckets = new ECPoint[1 << (c - 1)];
    ECPoint acc = null;
    for (int w = windows - 1; w >= 0; w--) {
      if (acc != null) {
        acc = acc.timesPow2(c);
      }
      Arrays.fill(buckets, null);
      for (int i = 0; i < n; i++) {
        int d = digits[i][w];
        if (d == 0 || affine[i].isInfinity()) {
          continue;
        }
        ECPoint p = d > 0 ? affine[i] : negated[i];
        int b = Math.abs(d) - 1;
        buckets[b] = buckets[b] == null ? p : buckets[b].add(p);
      }
      // Σ_j (j+1)·bucket[j] as a running sum from the top: 2 additions per bucket.
      ECPoint running = null;
      ECPoint windowSum = null;
      for (int j = buckets.length - 1; j >= 0; j--) {
        if (buckets[j] != null) {
          running = running == null ? buckets[j] : running.add(buckets[j]);
        }
        if (running != null) {
          windowSum = windowSum == null ? running : windowSum.add(running);
        }
      }
      if (windowSum != null) {
        acc = acc == null ? windowSum : acc.add(windowSum);
      }
    }
    return acc == null ? curve.getInfinity() : acc;
  }

  /**
   * Signed base-2^c digits of {@code s}, least significant first, each in
   * [-2^(c-1), 2^(c-1)], with {@code Σ digits[w]·2^(c·w) = s}.
   */
  static short[] signedDigits(BigInteger s, int c, int windows) {
    long[] limbs = limbs(s, windows * c);
    short[] out = new short[windows];
    int half = 1 << (c - 1);
    int full = 1 << c;
    int carry = 0;
    for (int w = 0; w < windows; w++) {
      int chunk = bits(limbs, w * c, c) + carry;
      if (chunk > half) { // keep +half as is: it fits a bucket, and avoids one more carry
        out[w] = (short) (chunk - full);
        carry = 1;
      } else {
        out[w] = (short) chunk;
        carry = 0;
      }
    }
    if (carry != 0) {
      throw new IllegalStateException("scalar wider than " + windows + " windows of " + c);
    }
    return out;
  }

  /** Little-endian 64-bit limbs of s, with a spare zero limb so a window may straddle the top. */
  private static long[] limbs(BigInteger s, int bitLength) {
    long[] limbs = new long[(bitLength + 63) / 64 + 1];
    byte[] be = s.toByteArray(); // big-endian, may carry a leading sign byte of 0
    for (int i = 0; i < be.length; i++) {
      int bit = 8 * (be.length - 1 - i);
      if (bit / 64 < limbs.length) {
        limbs[bit / 64] |= (be[i] & 0xffL) << (bit % 64);
      }
    }
    return limbs;
  }

  private static int bits(long[] limbs, int from, int count) {
    int limb = from >>> 6;
    int shift = from & 63;
    long v = limbs[limb] >>> shift;
    if (shift + count > 64) {
      v |= limbs[limb + 1] << (64 - shift);
    }
    return (int) (v & ((1L << count) - 1));
  }

  /** The window width minimizing the operation count for n points (2 ≤ c ≤ 13). */
  static int bestWindow(int n) {
    int best = 2;
    for (int c = 3; c <= MAX_WINDOW; c++) {
      if (pippengerCost(n, c) < pippengerCost(n, best)) {
        best = c;
      }
    }
    return best;
  }

  private static double pippengerCost(int n, int c) {
    int windows = SCALAR_BITS / c + 1;
    return windows * (n + 2 * (1 << (c - 1)) * FULL_ADD) + SCALAR_BITS * DOUBLING;
  }

  private static double wnafCost(int n) {
    return n * WNAF_ADDS_PER_POINT + SCALAR_BITS * DOUBLING;
  }
}
