package org.blindmatch.crypto.ec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.Test;

/**
 * {@link Msm} equals the naive sum of double-and-add products ({@link
 * ECAlgorithms#referenceMultiply}) for random inputs with repeated and opposite points, zero and
 * extreme scalars, for both of its methods and every window; and batched proofs large enough to
 * take the bucket method still verify, bind every element, and give the full key's outputs.
 */
class MsmPropertiesTest {
  private static final BigInteger N_MINUS_1 = JavaP256.N.subtract(BigInteger.ONE);

  @Property(tries = 40)
  void sumEqualsTheNaiveSum(@ForAll @IntRange(min = 1, max = 260) int n, @ForAll long seed) {
    Inputs in = Inputs.random(n, new Random(seed));
    assertEquals(naive(in), Msm.sum(in.points(), in.scalars()).normalize(), in.where(seed));
  }

  @Property(tries = 40)
  void bucketMethodEqualsTheNaiveSumForEveryWindow(
      @ForAll @IntRange(min = 1, max = 40) int n, @ForAll @IntRange(min = 2, max = 13) int c,
      @ForAll long seed) {
    Inputs in = Inputs.random(n, new Random(seed));
    assertEquals(naive(in), Msm.pippenger(in.points(), in.scalars(), c).normalize(),
        in.where(seed) + ", c=" + c);
  }

  @Property(tries = 300)
  void signedDigitsRecomposeTheScalar(@ForAll @IntRange(min = 2, max = 15) int c,
      @ForAll long seed) {
    Random random = new Random(seed);
    int windows = 256 / c + 1;
    for (BigInteger s : List.of(scalar(random), BigInteger.ZERO, BigInteger.ONE, N_MINUS_1,
        BigInteger.ONE.shiftLeft(255), BigInteger.ONE.shiftLeft(c * (windows - 1)).min(N_MINUS_1),
        BigInteger.ONE.shiftLeft(c).subtract(BigInteger.ONE))) {
      short[] digits = Msm.signedDigits(s, c, windows);
      BigInteger sum = BigInteger.ZERO;
      for (int w = windows - 1; w >= 0; w--) {
        assertTrue(Math.abs(digits[w]) <= 1 << (c - 1), "digit " + digits[w] + ", c=" + c);
        sum = sum.shiftLeft(c).add(BigInteger.valueOf(digits[w]));
      }
      assertEquals(s, sum, "c=" + c);
    }
  }

  @Test
  void identityResults() {
    ECPoint p = JavaP256.G.multiply(BigInteger.valueOf(123456789)).normalize();
    BigInteger d = new BigInteger("98765432109876543210");
    for (int c = 2; c <= 13; c++) {
      // d·P + d·(-P), d·P + (n-d)·P, and all-zero scalars are the identity.
      assertTrue(Msm.pippenger(new ECPoint[] {p, p.negate()}, new BigInteger[] {d, d}, c)
          .isInfinity());
      assertTrue(Msm.pippenger(new ECPoint[] {p, p}, new BigInteger[] {d, JavaP256.N.subtract(d)}, c)
          .isInfinity());
      assertTrue(Msm.pippenger(new ECPoint[] {p, JavaP256.G},
          new BigInteger[] {BigInteger.ZERO, BigInteger.ZERO}, c).isInfinity());
    }
    assertTrue(Msm.sum(new ECPoint[] {p}, new BigInteger[] {BigInteger.ZERO}).isInfinity());
    // 200 points cancelling in pairs take the bucket method and still sum to the identity.
    ECPoint[] points = new ECPoint[200];
    BigInteger[] scalars = new BigInteger[200];
    Random random = new Random(7);
    for (int i = 0; i < 200; i += 2) {
      points[i] = JavaP256.G.multiply(scalar(random)).normalize();
      points[i + 1] = points[i];
      scalars[i] = scalar(random);
      scalars[i + 1] = JavaP256.N.subtract(scalars[i]).mod(JavaP256.N);
    }
    assertTrue(Msm.sum(points, scalars).isInfinity());
  }

  @Test
  void identityInputsContributeNothing() {
    ECPoint p = JavaP256.G.multiply(BigInteger.valueOf(42));
    ECPoint[] points = {JavaP256.CURVE.getInfinity(), p, JavaP256.CURVE.getInfinity()};
    BigInteger[] scalars = {BigInteger.TEN, BigInteger.TWO, N_MINUS_1};
    for (int c = 2; c <= 13; c++) {
      assertEquals(p.twice().normalize(), Msm.pippenger(points, scalars, c).normalize());
    }
    assertEquals(p.twice().normalize(), Msm.sum(points, scalars).normalize());
  }

  @Test
  void badArgumentsAreRefused() {
    ECPoint[] one = {JavaP256.G};
    assertThrows(IllegalArgumentException.class,
        () -> Msm.sum(new ECPoint[0], new BigInteger[0]));
    assertThrows(IllegalArgumentException.class,
        () -> Msm.sum(one, new BigInteger[] {BigInteger.ONE, BigInteger.ONE}));
    assertThrows(IllegalArgumentException.class,
        () -> Msm.sum(one, new BigInteger[] {JavaP256.N}));
    assertThrows(IllegalArgumentException.class,
        () -> Msm.sum(one, new BigInteger[] {BigInteger.ONE.negate()}));
  }

  @Test
  void inputsAreNotModified() {
    Inputs in = Inputs.random(150, new Random(3));
    ECPoint[] points = in.points().clone();
    BigInteger[] scalars = in.scalars().clone();
    Msm.sum(points, scalars);
    assertArrayEquals(in.points(), points);
    assertArrayEquals(in.scalars(), scalars);
  }

  private record Inputs(ECPoint[] points, BigInteger[] scalars) {
    /** Random multiples of G, about a tenth repeated and a tenth negated; edge-case scalars. */
    static Inputs random(int n, Random random) {
      ECPoint[] points = new ECPoint[n];
      BigInteger[] scalars = new BigInteger[n];
      for (int i = 0; i < n; i++) {
        int kind = random.nextInt(10);
        if (i > 0 && kind == 0) {
          points[i] = points[random.nextInt(i)];
        } else if (i > 0 && kind == 1) {
          points[i] = points[random.nextInt(i)].negate();
        } else {
          points[i] = JavaP256.G.multiply(scalar(random));
          if (random.nextBoolean()) {
            points[i] = points[i].normalize();
          }
        }
        scalars[i] = switch (random.nextInt(12)) {
          case 0 -> BigInteger.ZERO;
          case 1 -> BigInteger.ONE;
          case 2 -> N_MINUS_1;
          case 3 -> BigInteger.valueOf(random.nextInt(1 << 16));
          default -> scalar(random);
        };
      }
      return new Inputs(points, scalars);
    }

    String where(long seed) {
      return "seed " + seed + ", n=" + points.length;
    }
  }

  private static ECPoint naive(Inputs in) {
    ECPoint sum = JavaP256.CURVE.getInfinity();
    for (int i = 0; i < in.points().length; i++) {
      sum = sum.add(ECAlgorithms.referenceMultiply(in.points()[i], in.scalars()[i]));
    }
    return sum.normalize();
  }

  private static BigInteger scalar(Random random) {
    return new BigInteger(256, random).mod(JavaP256.N);
  }

}
