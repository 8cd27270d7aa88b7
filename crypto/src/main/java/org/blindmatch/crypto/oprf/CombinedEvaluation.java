package org.blindmatch.crypto.oprf;

import java.math.BigInteger;
import java.util.List;
import org.blindmatch.crypto.ec.P256Arithmetic;

/**
 * The result of {@link ThresholdCombiner#combine}: for each blinded element, {@code Σ c_i·Z_i}
 * over t verified share evaluations, which equals what the full key would return; {@code c_i}
 * is 1 for an answer already weighted for exactly these t shares (the combination is then t − 1
 * additions), else the public coefficient that rescales it. Only the
 * combiner creates instances (this is a class, not a record, to keep the constructor private to
 * the package), so holding one means every share used was verified.
 *
 * <p>The combined elements are computed when first asked for ({@link OprfClient#finalizeCombined}
 * computes them and unblinds them in one pass). Immutable in value and thread-safe.
 */
public final class CombinedEvaluation {
  private final List<Element> blindedElements;
  private final List<List<Element>> shareElements;
  private final List<BigInteger> lambdas;
  private final List<Integer> usedKeyholders;
  private final List<ShareRejectedException> rejected;
  private volatile List<Element> evaluatedElements;

  /**
   * @param shareElements the t used keyholders' verified evaluations, each in request order
   * @param lambdas their coefficients c_i, in the same order
   */
  CombinedEvaluation(
      List<Element> blindedElements,
      List<List<Element>> shareElements,
      List<BigInteger> lambdas,
      List<Integer> usedKeyholders,
      List<ShareRejectedException> rejected) {
    this.blindedElements = List.copyOf(blindedElements);
    this.shareElements = shareElements.stream().map(List::copyOf).toList();
    this.lambdas = List.copyOf(lambdas);
    this.usedKeyholders = List.copyOf(usedKeyholders);
    this.rejected = List.copyOf(rejected);
    if (this.shareElements.size() != this.lambdas.size() || this.lambdas.isEmpty()) {
      throw new IllegalArgumentException("one coefficient per share evaluation, at least one");
    }
  }

  /** The blinded elements the shares evaluated, in request order. */
  public List<Element> blindedElements() {
    return blindedElements;
  }

  /** The combined evaluations {@code k·B}, in request order. */
  public List<Element> evaluatedElements() {
    List<Element> result = evaluatedElements;
    if (result == null) { // racing threads compute the same value; either may be kept
      result = P256.elements(combine(null));
      evaluatedElements = result;
    }
    return result;
  }

  /** The t keyholders whose evaluations were combined. */
  public List<Integer> usedKeyholders() {
    return usedKeyholders;
  }

  /** Keyholders whose evaluations were rejected and skipped, each with the reason. */
  public List<ShareRejectedException> rejected() {
    return rejected;
  }

  /**
   * {@code Σ c_i·Z_i[j]} for every element j (public values: additions when every c_i is 1,
   * else a variable-time t-term sum), then times the secret {@code factors[j]} when given
   * (constant-time on the native backend).
   *
   * @param factors per-element scalars in [1, n-1] (the inverse blinds), or null for none
   */
  byte[][] combine(List<BigInteger> factors) {
    P256Arithmetic group = P256.group();
    int t = lambdas.size();
    BigInteger[] scalars = lambdas.toArray(new BigInteger[0]);
    byte[][] out = new byte[blindedElements.size()][];
    if (lambdas.stream().allMatch(BigInteger.ONE::equals)) {
      for (int j = 0; j < out.length; j++) {
        out[j] = shareElements.get(0).get(j).affine();
      }
      for (int u = 1; u < t; u++) {
        byte[][] next = new byte[out.length][];
        for (int j = 0; j < out.length; j++) {
          next[j] = shareElements.get(u).get(j).affine();
        }
        out = group.add(out, next);
      }
    } else {
      combineWeighted(group, scalars, out);
    }
    return factors == null
        ? out
        : group.multiplySecret(out, factors.toArray(new BigInteger[0]));
  }

  private void combineWeighted(P256Arithmetic group, BigInteger[] scalars, byte[][] out) {
    int t = scalars.length;
    for (int j = 0; j < out.length; j++) {
      byte[][] points = new byte[t][];
      for (int u = 0; u < t; u++) {
        points[u] = shareElements.get(u).get(j).affine();
      }
      out[j] = group.sum(points, scalars);
    }
  }
}
