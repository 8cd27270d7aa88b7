package org.blindmatch.crypto.oprf;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Client-side combination of threshold VOPRF evaluations. Keyholder i returns
 * {@code Z_i = k_i·B} for each blinded element B with a batched DLEQ proof against its share
 * public key {@code k_i·G}; any t verified evaluations combine in the exponent to
 * {@code Σ λ_i·Z_i = k·B}, which {@link OprfClient#finalizeCombined} unblinds.
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
    List<BigInteger> lambdas =
        indices.stream().map(i -> ShamirSharing.lagrangeCoefficient(i, indices)).toList();
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
    if (!Dleq.verify(SUITE, shareKey, blinded, evaluated, e.evaluation().proof())) {
      throw new ShareRejectedException(
          e.keyholder(), "DLEQ proof does not verify against its share public key");
    }
  }
}
