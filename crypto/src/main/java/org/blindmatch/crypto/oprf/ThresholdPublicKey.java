package org.blindmatch.crypto.oprf;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The public half of a t-of-n shared OPRF key: the threshold and every keyholder's share public
 * key by share index. Immutable.
 */
public record ThresholdPublicKey(int threshold, Map<Integer, Element> shareKeys) {
  /**
   * @throws IllegalArgumentException if the threshold is not in 1..shareKeys.size() or an index
   *     is not in 1..{@value ShamirSharing#MAX_SHARES}
   */
  public ThresholdPublicKey {
    shareKeys = Map.copyOf(shareKeys);
    shareKeys.keySet().forEach(ShamirSharing::checkIndex);
    if (threshold < 1 || threshold > shareKeys.size()) {
      throw new IllegalArgumentException(
          "threshold " + threshold + " not in 1.." + shareKeys.size());
    }
  }

  /** The public key of a set of shares. */
  public static ThresholdPublicKey of(int threshold, List<KeyShare> shares) {
    Map<Integer, Element> keys = new TreeMap<>();
    for (KeyShare share : shares) {
      if (keys.put(share.index(), share.publicKey()) != null) {
        throw new IllegalArgumentException("duplicate share index " + share.index());
      }
    }
    return new ThresholdPublicKey(threshold, keys);
  }

  /**
   * The public key a weighted answer of share {@code index} for combination {@code S} is proven
   * against: {@code λ_index(S)·pk_index}, computed from the public file.
   *
   * @throws IllegalArgumentException if the index is not a share of this key, or the
   *     combination repeats, omits the index or names an index out of range
   */
  public Element weightedShareKey(int index, List<Integer> combination) {
    Element key = shareKeys.get(index);
    if (key == null) {
      throw new IllegalArgumentException("no share " + index + " in this key");
    }
    java.math.BigInteger lambda = ShamirSharing.lagrangeCoefficient(index, combination);
    return Element.of(P256.group().sum(
        new byte[][] {key.affine()}, new java.math.BigInteger[] {lambda}));
  }

  /**
   * The group public key {@code k·G}, interpolated in the exponent from the t lowest-indexed
   * share keys. It equals the published VOPRF public key only if the share keys are consistent.
   */
  public Element interpolatedPublicKey() {
    List<Integer> indices = shareKeys.keySet().stream().sorted().limit(threshold).toList();
    byte[][] points = new byte[indices.size()][];
    java.math.BigInteger[] lambdas = new java.math.BigInteger[indices.size()];
    for (int u = 0; u < points.length; u++) {
      points[u] = shareKeys.get(indices.get(u)).affine();
      lambdas[u] = ShamirSharing.lagrangeCoefficient(indices.get(u), indices);
    }
    return Element.of(P256.group().sum(points, lambdas));
  }
}
