package org.blindmatch.crypto.oprf;

import java.util.List;
import java.util.Objects;

/**
 * A VOPRF server's answer to a batch of blinded elements: the evaluated elements, in request
 * order, and one DLEQ proof covering all of them. Immutable.
 */
public record BlindEvaluation(List<Element> evaluatedElements, Proof proof) {
  /** @throws IllegalArgumentException if there are no elements */
  public BlindEvaluation {
    evaluatedElements = List.copyOf(evaluatedElements);
    Objects.requireNonNull(proof, "proof");
    if (evaluatedElements.isEmpty()) {
      throw new IllegalArgumentException("no evaluated elements");
    }
  }
}
