package org.blindmatch.core.claims;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import org.blindmatch.crypto.merkle.MerkleHash;
import org.blindmatch.crypto.merkle.MerkleProofException;
import org.blindmatch.crypto.merkle.MerkleVerifier;
import org.blindmatch.proto.v1.LogPosition;
import org.blindmatch.proto.v1.TreeHead;

/**
 * The clearinghouse's claim "this entry is in the log": a {@link LogPosition} (entry, index,
 * signed tree head, inclusion path). Verified by submitters after commit and by
 * {@code audit check-receipt}. Thread-safe: stateless.
 */
public final class LogPositions {
  private LogPositions() {}

  /**
   * Verifies that {@code position.entry} is leaf {@code position.index} of the tree whose
   * head {@code position.tree_head} is signed by the key in {@code publicKeysetJson}, and
   * returns that head. The caller checks that the entry is the one it expects.
   *
   * @throws ClaimVerificationException if the head's signature or the inclusion proof does not
   *     verify
   */
  public static TreeHead verify(String publicKeysetJson, LogPosition position)
      throws ClaimVerificationException {
    TreeHead head = TreeHeads.verify(publicKeysetJson, position.getTreeHead());
    if (position.getIndex() < 0) {
      throw new ClaimVerificationException("log index "
          + Long.toUnsignedString(position.getIndex()) + " exceeds 2^63 - 1");
    }
    try {
      MerkleVerifier.verifyInclusion(MerkleHash.leafHash(position.getEntry().toByteArray()),
          position.getIndex(), head.getTreeSize(), hashes(position.getInclusionPathList()),
          head.getRootHash().toByteArray());
    } catch (MerkleProofException e) {
      throw new ClaimVerificationException("inclusion proof: " + e.getMessage(), e);
    }
    return head;
  }

  /** Proof hashes as the verifier takes them. */
  public static List<byte[]> hashes(List<ByteString> path) {
    List<byte[]> out = new ArrayList<>(path.size());
    for (ByteString b : path) {
      out.add(b.toByteArray());
    }
    return out;
  }
}
