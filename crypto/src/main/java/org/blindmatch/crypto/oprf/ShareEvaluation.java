package org.blindmatch.crypto.oprf;

import java.util.Objects;

/**
 * What keyholder {@code keyholder} returned for a batch of blinded elements: its share applied to
 * each, {@code Z_i = k_i·B}, and one DLEQ proof against its share public key. Immutable.
 */
public record ShareEvaluation(int keyholder, BlindEvaluation evaluation) {
  public ShareEvaluation {
    Objects.requireNonNull(evaluation, "evaluation");
  }
}
