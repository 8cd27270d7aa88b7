package org.blindmatch.core.claims;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.security.GeneralSecurityException;
import org.blindmatch.crypto.merkle.MerkleHash;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.SignedTreeHead;
import org.blindmatch.proto.v1.TreeHead;

/**
 * The clearinghouse's claim "the log has this size and root": a {@link TreeHead} signed under
 * {@link ClaimKind#TREE_HEAD}. Signed by the clearinghouse (every append's seal, every head it
 * serves); verified by submitters (log positions), auditors, and the clearinghouse itself over
 * its stored seal at start-up (docs/PROTOCOL.md §5, §9). Thread-safe: stateless.
 */
public final class TreeHeads {
  private TreeHeads() {}

  /** Serializes and signs {@code head}. */
  public static SignedTreeHead sign(NodeSigner clearinghouse, TreeHead head)
      throws GeneralSecurityException {
    byte[] bytes = head.toByteArray();
    return SignedTreeHead.newBuilder()
        .setTreeHead(ByteString.copyFrom(bytes))
        .setSignature(ByteString.copyFrom(ClaimKind.TREE_HEAD.sign(clearinghouse, bytes)))
        .build();
  }

  /**
   * Verifies {@code signed} against a public keyset (Tink JSON) and returns the head.
   *
   * @throws ClaimVerificationException if the signature does not verify, the head does not
   *     parse, its root hash is not {@value MerkleHash#HASH_LENGTH} bytes or its size exceeds
   *     2^63 - 1
   */
  public static TreeHead verify(String clearinghouseKeysetJson, SignedTreeHead signed)
      throws ClaimVerificationException {
    return verify(ClaimKind.key(clearinghouseKeysetJson), signed);
  }

  /** As {@link #verify(String, SignedTreeHead)}, with a verifier already built. */
  public static TreeHead verify(NodeSigner.Verifier clearinghouse, SignedTreeHead signed)
      throws ClaimVerificationException {
    byte[] bytes = signed.getTreeHead().toByteArray();
    ClaimKind.TREE_HEAD.verify(clearinghouse, bytes, signed.getSignature().toByteArray(),
        "signed tree head");
    TreeHead head;
    try {
      head = TreeHead.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new ClaimVerificationException("signed tree head does not parse", e);
    }
    if (head.getRootHash().size() != MerkleHash.HASH_LENGTH) {
      throw new ClaimVerificationException("tree head root has " + head.getRootHash().size()
          + " bytes, expected " + MerkleHash.HASH_LENGTH);
    }
    if (head.getTreeSize() < 0) {
      // uint64 on the wire; no log this side of 2^63 entries exists, so larger is refused.
      throw new ClaimVerificationException("tree head size "
          + Long.toUnsignedString(head.getTreeSize()) + " exceeds 2^63 - 1");
    }
    return head;
  }
}
