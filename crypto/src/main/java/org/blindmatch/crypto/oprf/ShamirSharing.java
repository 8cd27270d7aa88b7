package org.blindmatch.crypto.oprf;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Shamir t-of-n secret sharing of an OPRF key over the P-256 scalar field Z_n. Share i is
 * {@code f(i)} for a random polynomial f of degree t-1 with {@code f(0) = secret}; any t shares
 * determine the secret, fewer reveal nothing about it.
 *
 * <p>Splitting needs the whole key in one place; it is meant for a key ceremony, after which the
 * key is erased. Stateless and thread-safe.
 */
public final class ShamirSharing {
  /** Largest number of shares (and largest share index). */
  public static final int MAX_SHARES = 255;

  private ShamirSharing() {}

  /**
   * Splits {@code secret} into n shares with indices 1..n, any t of which reconstruct it.
   *
   * @param secret in [1, n-1]
   * @param t threshold, 1 ≤ t ≤ n
   * @param n number of shares, n ≤ {@value #MAX_SHARES}
   * @throws IllegalArgumentException if an argument is out of range
   */
  public static List<KeyShare> split(BigInteger secret, int t, int n, SecureRandom random) {
    if (!P256.isNonZeroScalar(secret)) {
      throw new IllegalArgumentException("secret not in [1, n-1]");
    }
    if (t < 1 || t > n || n > MAX_SHARES) {
      throw new IllegalArgumentException(
          "need 1 <= t <= n <= " + MAX_SHARES + ", got t=" + t + ", n=" + n);
    }
    while (true) {
      BigInteger[] coefficients = new BigInteger[t];
      coefficients[0] = secret;
      for (int j = 1; j < t; j++) {
        coefficients[j] = new BigInteger(P256.N.bitLength() + 64, random).mod(P256.N);
      }
      List<KeyShare> shares = new ArrayList<>(n);
      for (int i = 1; i <= n; i++) {
        BigInteger value = evaluate(coefficients, BigInteger.valueOf(i));
        if (value.signum() == 0) {
          break; // a zero share has no valid public key; probability ~n/2^256, so just redraw
        }
        shares.add(new KeyShare(i, KeyPair.of(value)));
      }
      if (shares.size() == n) {
        return List.copyOf(shares);
      }
    }
  }

  /**
   * The Lagrange coefficient at x = 0 for {@code index} within {@code indices}:
   * {@code λ = Π_{j ≠ index} j / (j − index) mod n}, so that {@code secret = Σ λ_i·f(i)}.
   *
   * @param indices distinct share indices in 1..{@value #MAX_SHARES}, containing {@code index}
   * @throws IllegalArgumentException if indices repeat, are out of range or omit {@code index}
   */
  public static BigInteger lagrangeCoefficient(int index, Collection<Integer> indices) {
    Set<Integer> distinct = new HashSet<>(indices);
    if (distinct.size() != indices.size()) {
      throw new IllegalArgumentException("share indices repeat: " + indices);
    }
    if (!distinct.contains(index)) {
      throw new IllegalArgumentException("index " + index + " not among " + indices);
    }
    BigInteger numerator = BigInteger.ONE;
    BigInteger denominator = BigInteger.ONE;
    for (int j : distinct) {
      checkIndex(j);
      if (j != index) {
        numerator = numerator.multiply(BigInteger.valueOf(j)).mod(P256.N);
        denominator = denominator.multiply(BigInteger.valueOf(j - index)).mod(P256.N);
      }
    }
    return numerator.multiply(denominator.modInverse(P256.N)).mod(P256.N);
  }

  static void checkIndex(int index) {
    if (index < 1 || index > MAX_SHARES) {
      throw new IllegalArgumentException(
          "share index " + index + " not in 1.." + MAX_SHARES);
    }
  }

  private static BigInteger evaluate(BigInteger[] coefficients, BigInteger x) {
    BigInteger y = BigInteger.ZERO;
    for (int j = coefficients.length - 1; j >= 0; j--) {
      y = y.multiply(x).add(coefficients[j]).mod(P256.N);
    }
    return y;
  }
}
