package org.blindmatch.core.disclosure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The noise against its exact distribution: a chi-square goodness-of-fit test over many draws
 * from a fixed seed, at significance 0.001 (a correct sampler fails it with probability 1 in
 * 1000 over seeds; this seed is fixed, so the outcome is deterministic). The same test
 * rejects a sampler with the wrong parameter, so it can fail.
 */
class GeometricNoiseTest {
  private static final int DRAWS = 200_000;
  /** Standard normal quantile of 0.999. */
  private static final double Z_999 = 3.090232;

  @ParameterizedTest(name = "epsilon {0} micros, sensitivity {1}")
  @CsvSource({"1000000, 1", "1000000, 12", "500000, 6", "3000000, 2"})
  void drawsFollowTheTwoSidedGeometricPmf(long epsilonMicros, int sensitivity) {
    GeometricNoise noise = new GeometricNoise(epsilonMicros, sensitivity,
        new SplittableRandom(20261208L));
    double alpha = GeometricNoise.alpha(epsilonMicros, sensitivity);
    Fit fit = chiSquare(noise, alpha);
    assertTrue(fit.statistic() < fit.critical(), "chi-square " + fit.statistic() + " over "
        + fit.df() + " degrees of freedom exceeds the 0.999 quantile " + fit.critical());
  }

  @Test
  void theTestRejectsNoiseOfAnotherParameter() {
    // Noise drawn for epsilon 1.2 tested against the pmf of epsilon 1: must be rejected.
    GeometricNoise wrong = new GeometricNoise(1_200_000, 1, new SplittableRandom(7));
    Fit fit = chiSquare(wrong, GeometricNoise.alpha(1_000_000, 1));
    assertTrue(fit.statistic() > fit.critical(), "a wrong parameter passed: " + fit);
  }

  @Test
  void theTestRejectsOneSidedNoise() {
    GeometricNoise noise = new GeometricNoise(1_000_000, 1, new SplittableRandom(7));
    double alpha = GeometricNoise.alpha(1_000_000, 1);
    CountNoise oneSided = exact -> Math.abs(noise.draw());
    Fit fit = chiSquare(() -> oneSided.release(0), alpha);
    assertTrue(fit.statistic() > fit.critical(), "one-sided noise passed: " + fit);
  }

  @Test
  void releasedCountsAreClampedAtZeroAndMeanIsTheCount() {
    GeometricNoise noise = new GeometricNoise(1_000_000, 6, new SplittableRandom(1));
    long sum = 0;
    for (int i = 0; i < DRAWS; i++) {
      long v = noise.release(0);
      assertTrue(v >= 0);
      sum += noise.release(1_000) - 1_000;
    }
    // Var Z = 2a/(1-a)^2 with a = e^(-1/6): about 65; the mean of 200,000 draws is within
    // 0.02 of 0 except with probability below 1e-6 (about 5.5 standard errors).
    assertEquals(0.0, (double) sum / DRAWS, 0.1);
  }

  @Test
  void aHugeCountIsNotWrapped() {
    GeometricNoise noise = new GeometricNoise(1_000_000, 1, new SplittableRandom(3));
    for (int i = 0; i < 1000; i++) {
      assertTrue(noise.release(Long.MAX_VALUE) > Long.MAX_VALUE - 100);
      assertEquals(-1L, noise.release(-1L), "2^64-1 as unsigned stays");
    }
  }

  private record Fit(double statistic, int df, double critical) {}

  private interface Draw {
    long next();
  }

  private static Fit chiSquare(GeometricNoise noise, double alpha) {
    return chiSquare(noise::draw, alpha);
  }

  /**
   * Bins z = -m..m where each expected count is at least 5, plus the two tails; compares
   * observed with expected counts.
   */
  private static Fit chiSquare(Draw draw, double alpha) {
    int m = 0;
    while (GeometricNoise.pmf(alpha, m + 1) * DRAWS >= 5 && m < 10_000) {
      m++;
    }
    long[] observed = new long[2 * m + 3]; // [0] lower tail, [1..2m+1] = -m..m, last upper
    for (int i = 0; i < DRAWS; i++) {
      long z = draw.next();
      int bin = z < -m ? 0 : z > m ? observed.length - 1 : (int) z + m + 1;
      observed[bin]++;
    }
    double[] expected = new double[observed.length];
    double inner = 0;
    for (int z = -m; z <= m; z++) {
      expected[z + m + 1] = GeometricNoise.pmf(alpha, z) * DRAWS;
      inner += expected[z + m + 1];
    }
    expected[0] = (DRAWS - inner) / 2;
    expected[observed.length - 1] = (DRAWS - inner) / 2;
    double stat = 0;
    for (int i = 0; i < observed.length; i++) {
      double d = observed[i] - expected[i];
      stat += d * d / expected[i];
    }
    int df = observed.length - 1;
    // Wilson-Hilferty approximation of the chi-square quantile (accurate to <1% for df >= 3).
    double c = 2.0 / (9 * df);
    double critical = df * Math.pow(1 - c + Z_999 * Math.sqrt(c), 3);
    return new Fit(stat, df, critical);
  }
}
