package org.blindmatch.crypto.oprf;

import java.math.BigInteger;
import java.util.Objects;

/**
 * Client state from RFC 9497 Blind: the secret {@code blind} (keep it; never send it) and the
 * {@code blindedElement} to send to the server. Immutable; {@link #toString} omits the blind.
 */
public record Blinded(BigInteger blind, Element blindedElement) {
  /** @throws IllegalArgumentException if the blind is not in [1, n-1] */
  public Blinded {
    if (!P256.isNonZeroScalar(blind)) {
      throw new IllegalArgumentException("blind not in [1, n-1]");
    }
    Objects.requireNonNull(blindedElement, "blindedElement");
  }

  @Override
  public String toString() {
    return "Blinded[blindedElement=" + blindedElement + ", blind=<redacted>]";
  }
}
