package org.blindmatch.crypto.oprf;

import java.util.List;

/**
 * The result of {@link ThresholdCombiner#combine}: for each blinded element, {@code Σ λ_i·Z_i}
 * over t verified share evaluations, which equals what the full key would return. Only the
 * combiner creates instances (this is a class, not a record, to keep the constructor private to
 * the package), so holding one means every share used was verified. Immutable.
 */
public final class CombinedEvaluation {
  private final List<Element> blindedElements;
  private final List<Element> evaluatedElements;
  private final List<Integer> usedKeyholders;
  private final List<ShareRejectedException> rejected;

  CombinedEvaluation(
      List<Element> blindedElements,
      List<Element> evaluatedElements,
      List<Integer> usedKeyholders,
      List<ShareRejectedException> rejected) {
    this.blindedElements = List.copyOf(blindedElements);
    this.evaluatedElements = List.copyOf(evaluatedElements);
    this.usedKeyholders = List.copyOf(usedKeyholders);
    this.rejected = List.copyOf(rejected);
  }

  /** The blinded elements the shares evaluated, in request order. */
  public List<Element> blindedElements() {
    return blindedElements;
  }

  /** The combined evaluations {@code k·B}, in request order. */
  public List<Element> evaluatedElements() {
    return evaluatedElements;
  }

  /** The t keyholders whose evaluations were combined. */
  public List<Integer> usedKeyholders() {
    return usedKeyholders;
  }

  /** Keyholders whose evaluations were rejected and skipped, each with the reason. */
  public List<ShareRejectedException> rejected() {
    return rejected;
  }
}
