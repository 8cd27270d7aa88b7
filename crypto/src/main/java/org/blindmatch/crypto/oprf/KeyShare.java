package org.blindmatch.crypto.oprf;

import java.math.BigInteger;
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

  /** The share public key f(index)·G. */
  public Element publicKey() {
    return keyPair.publicKey();
  }
}
