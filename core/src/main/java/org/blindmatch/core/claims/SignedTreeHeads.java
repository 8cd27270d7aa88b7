package org.blindmatch.core.claims;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import org.blindmatch.crypto.merkle.MerkleHash;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.SignedTreeHead;
import org.blindmatch.proto.v1.TreeHead;

/**
 * Signing and verifying transparency log tree heads. The signature covers
 * {@code "blindmatch/v1/tree-head" ‖ 0x00 ‖ serialized TreeHead}, so a signed head cannot be
 * passed off as a receipt or transcript signed with the same key, nor the reverse.
 * Thread-safe: stateless.
 */
public final class SignedTreeHeads {
  private static final byte[] CONTEXT =
      "blindmatch/v1/tree-head\0".getBytes(StandardCharsets.US_ASCII);

  private SignedTreeHeads() {}

  /** Serializes and signs {@code head}. */
  public static SignedTreeHead sign(NodeSigner signer, TreeHead head)
      throws GeneralSecurityException {
    byte[] bytes = head.toByteArray();
    return SignedTreeHead.newBuilder()
        .setTreeHead(ByteString.copyFrom(bytes))
        .setSignature(ByteString.copyFrom(signer.sign(signingInput(bytes))))
        .build();
  }

  /**
   * Verifies {@code signed} against a public keyset (Tink JSON) and returns the head.
   *
   * @throws GeneralSecurityException if the signature does not verify, the head does not
   *     parse, or its root hash is not {@value MerkleHash#HASH_LENGTH} bytes
   */
  public static TreeHead verify(String publicKeysetJson, SignedTreeHead signed)
      throws GeneralSecurityException {
    byte[] bytes = signed.getTreeHead().toByteArray();
    NodeSigner.verify(publicKeysetJson, signingInput(bytes), signed.getSignature().toByteArray());
    TreeHead head;
    try {
      head = TreeHead.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new GeneralSecurityException("signed tree head does not parse", e);
    }
    if (head.getRootHash().size() != MerkleHash.HASH_LENGTH) {
      throw new GeneralSecurityException("tree head root has " + head.getRootHash().size()
          + " bytes, expected " + MerkleHash.HASH_LENGTH);
    }
    if (head.getTreeSize() < 0) {
      throw new GeneralSecurityException("tree head size exceeds 2^63 - 1");
    }
    return head;
  }

  private static byte[] signingInput(byte[] treeHead) {
    byte[] input = new byte[CONTEXT.length + treeHead.length];
    System.arraycopy(CONTEXT, 0, input, 0, CONTEXT.length);
    System.arraycopy(treeHead, 0, input, CONTEXT.length, treeHead.length);
    return input;
  }
}
