package org.blindmatch.crypto.merkle;

/**
 * A Merkle inclusion or consistency proof did not verify. The message names the check that
 * failed, for example a proof of the wrong length or a computed root that differs from the
 * expected one.
 */
public final class MerkleProofException extends Exception {
  private static final long serialVersionUID = 1L;

  public MerkleProofException(String message) {
    super(message);
  }
}
