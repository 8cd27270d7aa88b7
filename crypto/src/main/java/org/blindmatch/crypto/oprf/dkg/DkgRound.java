package org.blindmatch.crypto.oprf.dkg;

/**
 * The rounds of a DKG run (docs/PROTOCOL.md §5.2). {@link #HELLO} and {@link #CONFIRM} are
 * handled by the transport (exchanging signing keys; signing the result); {@link #DEAL} to
 * {@link #FELDMAN} by {@link DkgParticipant}.
 */
public enum DkgRound {
  /** Each keyholder's public signing keyset, bound to its mTLS identity by the receiver. */
  HELLO(0),
  /** Point to point: Pedersen commitments and the recipient's share pair (confidential). */
  DEAL(1),
  /** Broadcast: per dealer, OK / MISSING / BAD_SHARE and the digest of its commitments. */
  COMPLAINTS(2),
  /** Broadcast: a dealer's commitments and the share pairs it reveals to answer complaints. */
  JUSTIFY(3),
  /** Broadcast: the qualified set and the dealer's Feldman commitments a_k·G. */
  FELDMAN(4),
  /** Broadcast: the digest of the resulting epoch public file; the signature is the claim. */
  CONFIRM(5);

  private final int code;

  DkgRound(int code) {
    this.code = code;
  }

  /** The wire code. */
  public int code() {
    return code;
  }

  /** @throws DkgException if {@code code} names no round */
  public static DkgRound of(int code) throws DkgException {
    for (DkgRound r : values()) {
      if (r.code == code) {
        return r;
      }
    }
    throw new DkgException("unknown DKG round " + code);
  }
}
