package org.blindmatch.core.disclosure;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The two-sided geometric mechanism (Ghosh, Roughgarden, Sundararajan, STOC 2009): a count
 * {@code c} is released as {@code max(0, c + Z)} where
 * {@code P(Z = z) = (1 - a) / (1 + a) * a^|z|} and {@code a = exp(-epsilon / sensitivity)}.
 * For counts whose L1 sensitivity (over everything one recipient sees) is at most
 * {@code sensitivity}, the release is epsilon-differentially private; clamping is
 * post-processing and keeps that.
 *
 * <p>{@code Z} is drawn as the difference of two independent geometric variables
 * {@code G = floor(ln U / ln a)} with {@code U} uniform in (0, 1] from 53 random bits, which
 * has exactly the pmf above up to the resolution of a double. Production uses
 * {@link #secure}: a {@link SecureRandom}; a seedable generator is for tests only.
 *
 * <p>Not thread-safe when the generator is not (one instance per run).
 */
public final class GeometricNoise implements CountNoise {
  private final double alpha;
  private final double logAlpha;
  private final RandomGenerator random;

  /**
   * @param epsilonMicros epsilon in millionths, &gt; 0
   * @param sensitivity the L1 sensitivity, &ge; 1
   * @param random the source of randomness (a CSPRNG in production)
   * @throws IllegalArgumentException if epsilon or sensitivity is out of range
   */
  public GeometricNoise(long epsilonMicros, int sensitivity, RandomGenerator random) {
    if (epsilonMicros <= 0 || sensitivity < 1) {
      throw new IllegalArgumentException("epsilon must be positive and sensitivity at least 1");
    }
    this.alpha = alpha(epsilonMicros, sensitivity);
    this.logAlpha = Math.log(alpha);
    this.random = Objects.requireNonNull(random, "random");
  }

  /** Noise from a fresh {@link SecureRandom}, as every clearinghouse run draws it. */
  public static GeometricNoise secure(long epsilonMicros, int sensitivity) {
    return new GeometricNoise(epsilonMicros, sensitivity, new SecureRandom());
  }

  /** {@code exp(-epsilon / sensitivity)}, the mechanism's parameter. */
  public static double alpha(long epsilonMicros, int sensitivity) {
    return Math.exp(-(epsilonMicros / 1e6) / sensitivity);
  }

  /** The exact probability that one draw of the noise is {@code z}. */
  public static double pmf(double alpha, long z) {
    return (1 - alpha) / (1 + alpha) * Math.pow(alpha, Math.abs((double) z));
  }

  /** One draw of Z. */
  public long draw() {
    return geometric() - geometric();
  }

  @Override
  public long release(long exact) {
    long z = draw();
    if (exact < 0) { // 2^63 and above as unsigned: far past any noise
      return exact;
    }
    long sum = exact + z;
    if (z > 0 && sum < 0) {
      return Long.MAX_VALUE;
    }
    return Math.max(0, sum);
  }

  private long geometric() {
    if (alpha == 0) {
      return 0;
    }
    double u = ((random.nextLong() >>> 11) + 1) * 0x1.0p-53; // (0, 1]
    double g = Math.floor(Math.log(u) / logAlpha);
    return g >= Long.MAX_VALUE / 4 ? Long.MAX_VALUE / 4 : (long) g;
  }
}
