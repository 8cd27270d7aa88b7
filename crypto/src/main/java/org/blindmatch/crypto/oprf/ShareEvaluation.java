package org.blindmatch.crypto.oprf;

import java.util.List;
import java.util.Objects;

/**
 * What keyholder {@code keyholder} returned for a batch of blinded elements. Unweighted (empty
 * {@code combination}): its share applied to each, {@code Z_i = k_i·B}, with one DLEQ proof
 * against its share public key {@code k_i·G}. Weighted for a combination S of t share indices
 * (PROTOCOL.md §5): {@code W_i = λ_i(S)·k_i·B} with the proof against {@code λ_i(S)·k_i·G}, so
 * the client's combination over S is a sum. Immutable.
 *
 * @param combination the share indices the answer is weighted for, in any order; empty when
 *     unweighted
 */
public record ShareEvaluation(int keyholder, BlindEvaluation evaluation, List<Integer> combination) {
  public ShareEvaluation {
    Objects.requireNonNull(evaluation, "evaluation");
    combination = List.copyOf(combination);
  }

  /** An unweighted evaluation. */
  public ShareEvaluation(int keyholder, BlindEvaluation evaluation) {
    this(keyholder, evaluation, List.of());
  }
}
