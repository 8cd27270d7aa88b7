package org.blindmatch.core.claims;

import com.google.protobuf.ByteString;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import org.blindmatch.crypto.merkle.MerkleHash;
import org.blindmatch.crypto.merkle.MerkleProofException;
import org.blindmatch.crypto.merkle.MerkleVerifier;
import org.blindmatch.proto.v1.LogPosition;
import org.blindmatch.proto.v1.TreeHead;

/** Checks a {@link LogPosition}: the claim "this entry is in the log". Stateless. */
public final class LogPositions {
  private LogPositions() {}

  /**
   * Verifies that {@code position.entry} is leaf {@code position.index} of the tree whose
   * head {@code position.tree_head} is signed by the key in {@code publicKeysetJson}, and
   * returns that head. The caller checks that the entry is the one it expects.
   *
   * @throws GeneralSecurityException if the head's signature does not verify
   * @throws MerkleProofException if the inclusion proof does not verify
   */
  public static TreeHead verify(String publicKeysetJson, LogPosition position)
      throws GeneralSecurityException, MerkleProofException {
    TreeHead head = SignedTreeHeads.verify(publicKeysetJson, position.getTreeHead());
    if (position.getIndex() < 0) {
      throw new MerkleProofException("log index exceeds 2^63 - 1");
    }
    MerkleVerifier.verifyInclusion(MerkleHash.leafHash(position.getEntry().toByteArray()),
        position.getIndex(), head.getTreeSize(), hashes(position.getInclusionPathList()),
        head.getRootHash().toByteArray());
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
