package org.blindmatch.crypto.oprf;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Client-side combination of threshold VOPRF evaluations (PROTOCOL.md §5). A weighted answer
 * of keyholder i for the combination S is {@code W_i = λ_i(S)·k_i·B} for each blinded element B
 * with a batched DLEQ proof against {@code λ_i(S)·k_i·G} (computed from the public file); t
 * verified weighted answers for the same S sum to {@code k·B}. An unweighted answer
 * ({@code Z_i = k_i·B}, proof against {@code k_i·G}), or one weighted for another set than the
 * t finally used, is rescaled by a public coefficient in the combination.
 *
 * <p>Stateless and thread-safe.
 */
public final class ThresholdCombiner {
  private static final Suite SUITE = Suite.VOPRF_P256_SHA256;

  private ThresholdCombiner() {}

  /**
   * Verifies every share evaluation (so each misbehaving keyholder is identified even when enough
   * honest ones answered) and combines the first t valid ones in list order.
   *
   * @param evaluations the keyholders' answers, in order of preference
   * @param blindedElements the blinded elements sent to every keyholder, in order
   * @param key the threshold and share public keys
   * @return the combination, listing the keyholders used and those rejected
   * @throws OprfException if fewer than t evaluations verify; the message names each rejected
   *     keyholder and the {@link ShareRejectedException}s are attached as suppressed exceptions
   * @throws IllegalArgumentException if {@code blindedElements} is empty
   */
  public static CombinedEvaluation combine(
      List<ShareEvaluation> evaluations, List<Element> blindedElements, ThresholdPublicKey key)
      throws OprfException {
    List<Element> blinded = List.copyOf(blindedElements);
    if (blinded.isEmpty()) {
      throw new IllegalArgumentException("no blinded elements");
    }
    List<ShareEvaluation> valid = new ArrayList<>();
    List<ShareRejectedException> rejected = new ArrayList<>();
    Set<Integer> seen = new HashSet<>();
    for (ShareEvaluation e : evaluations) {
      try {
        check(e, blinded, key, seen);
        valid.add(e);
      } catch (ShareRejectedException r) {
        rejected.add(r);
      }
    }
    int t = key.threshold();
    if (valid.size() < t) {
      OprfException failure = new OprfException(
          "only " + valid.size() + " of the required " + t + " share evaluations verified"
              + (rejected.isEmpty() ? "" : "; rejected: " + rejected.stream()
                  .map(Throwable::getMessage).collect(Collectors.joining("; "))));
      rejected.forEach(failure::addSuppressed);
      throw failure;
    }
    List<ShareEvaluation> used = valid.subList(0, t);
    List<Integer> indices = used.stream().map(ShareEvaluation::keyholder).toList();
    List<BigInteger> lambdas = new ArrayList<>(t);
    for (ShareEvaluation e : used) {
      BigInteger lambda = ShamirSharing.lagrangeCoefficient(e.keyholder(), indices);
      if (!e.combination().isEmpty()) { // already weighted by λ_i(S): rescale to λ_i(used)
        lambda = lambda.multiply(ShamirSharing.lagrangeCoefficient(
            e.keyholder(), e.combination()).modInverse(P256.N)).mod(P256.N);
      }
      lambdas.add(lambda);
    }
    List<List<Element>> shareElements =
        used.stream().map(e -> e.evaluation().evaluatedElements()).toList();
    return new CombinedEvaluation(blinded, shareElements, lambdas, indices, rejected);
  }

  private static void check(
      ShareEvaluation e, List<Element> blinded, ThresholdPublicKey key, Set<Integer> seen)
      throws ShareRejectedException {
    Element shareKey = key.shareKeys().get(e.keyholder());
    if (shareKey == null) {
      throw new ShareRejectedException(e.keyholder(), "not a keyholder of this threshold key");
    }
    if (!seen.add(e.keyholder())) {
      throw new ShareRejectedException(e.keyholder(), "more than one evaluation");
    }
    List<Element> evaluated = e.evaluation().evaluatedElements();
    if (evaluated.size() != blinded.size()) {
      throw new ShareRejectedException(e.keyholder(),
          evaluated.size() + " evaluated elements for " + blinded.size() + " blinded elements");
    }
    Element proofKey = shareKey;
    if (!e.combination().isEmpty()) {
      if (e.combination().size() != key.threshold()) {
        throw new ShareRejectedException(e.keyholder(), "answer weighted for "
            + e.combination().size() + " shares, the threshold is " + key.threshold());
      }
      try {
        proofKey = key.weightedShareKey(e.keyholder(), e.combination());
      } catch (IllegalArgumentException x) {
        throw new ShareRejectedException(
            e.keyholder(), "answer weighted for an invalid combination: " + x.getMessage());
      }
    }
    if (!Dleq.verify(SUITE, proofKey, blinded, evaluated, e.evaluation().proof())) {
      throw new ShareRejectedException(e.keyholder(), "DLEQ proof does not verify against its "
          + (e.combination().isEmpty() ? "" : "Lagrange-weighted ") + "share public key");
    }
  }
}
