package org.blindmatch.crypto.oprf;

import java.math.BigInteger;
import java.util.List;
import java.util.Objects;

/**
 * One keyholder's Shamir share of the OPRF key: share index i and the key pair
 * {@code (f(i), f(i)·G)}. A keyholder runs an {@link OprfServer} over {@link #keyPair()}, and
 * clients check its DLEQ proofs against {@link #publicKey()}. Immutable; the key pair's
 * {@code toString} omits the share value.
 *
 * @param index share index in 1..{@value ShamirSharing#MAX_SHARES}
 */
public record KeyShare(int index, KeyPair keyPair) {
  /** @throws IllegalArgumentException if the index is out of range */
  public KeyShare {
    ShamirSharing.checkIndex(index);
    Objects.requireNonNull(keyPair, "keyPair");
  }

  /** The secret share value f(index). */
  public BigInteger value() {
    return keyPair.secretKey();
  }

  /**
   * The key pair a keyholder evaluates with when asked for the combination {@code S}:
   * {@code (λ_index(S)·f(index), λ_index(S)·f(index)·G)}, the Lagrange coefficient at x = 0
   * folded into the share (PROTOCOL.md §5). One generator multiplication (constant-time on the
   * native backend).
   *
   * @param combination exactly t distinct share indices including this share's index; t itself
   *     is the caller's to check against the published threshold
   * @throws IllegalArgumentException if indices repeat, are out of range or omit this index
   */
  public KeyPair weighted(List<Integer> combination) {
    BigInteger lambda = ShamirSharing.lagrangeCoefficient(index, combination);
    return KeyPair.of(lambda.multiply(value()).mod(P256.N));
  }

  /** The share public key f(index)·G. */
  public Element publicKey() {
    return keyPair.publicKey();
  }
}
