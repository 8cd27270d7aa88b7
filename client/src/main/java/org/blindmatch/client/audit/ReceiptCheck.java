package org.blindmatch.client.audit;

import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.federation.FederationException;
import org.blindmatch.core.claims.Receipts;
import org.blindmatch.core.claims.ClaimVerificationException;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.StatusRuntimeException;
import java.security.GeneralSecurityException;
import org.blindmatch.crypto.merkle.MerkleHash;
import org.blindmatch.crypto.merkle.MerkleProofException;
import org.blindmatch.crypto.merkle.MerkleVerifier;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.GetInclusionProofRequest;
import org.blindmatch.proto.v1.GetSignedTreeHeadRequest;
import org.blindmatch.proto.v1.InclusionProof;
import org.blindmatch.proto.v1.LogEntry;
import org.blindmatch.proto.v1.LogPosition;
import org.blindmatch.proto.v1.Receipt;
import org.blindmatch.proto.v1.TreeHead;
import org.blindmatch.core.claims.LogPositions;
import org.blindmatch.core.claims.TreeHeads;

/**
 * Proves a submitter's receipt is in the clearinghouse's log today: the receipt is signed by
 * the clearinghouse, the saved log position names exactly this receipt, and a fresh inclusion
 * proof verifies against the current signed tree head, which must not be smaller than the head
 * the receipt came with.
 */
public final class ReceiptCheck {
  private ReceiptCheck() {}

  /** What was proven. */
  public record Result(long index, TreeHead savedHead, TreeHead currentHead) {}

  /**
   * @throws AuditException naming the check that failed
   * @throws FederationException if the clearinghouse's log key is not the pinned one
   */
  public static Result check(FederationClient client, Receipt receipt, LogPosition saved)
      throws AuditException, FederationException {
    String key = client.publishedScope().getClearinghousePublicKeyset();
    try {
      Receipts.verify(key, receipt);
    } catch (ClaimVerificationException e) {
      throw new AuditException("the receipt's signature does not verify against the "
          + "clearinghouse's published key");
    }
    TreeHead savedHead;
    try {
      LogEntry entry = LogEntry.parseFrom(saved.getEntry());
      if (!entry.hasReceipt() || !entry.getReceipt().equals(receipt)) {
        throw new AuditException("the saved log position is not for this receipt");
      }
      savedHead = LogPositions.verify(key, saved);
    } catch (InvalidProtocolBufferException e) {
      throw new AuditException("the saved log position is malformed");
    } catch (ClaimVerificationException e) {
      throw new AuditException("the saved log position does not verify: " + e.getMessage());
    }
    try {
      TreeHead current = TreeHeads.verify(key, client.audit()
          .getSignedTreeHead(GetSignedTreeHeadRequest.getDefaultInstance()));
      if (current.getTreeSize() < savedHead.getTreeSize()) {
        throw new AuditException("the log shrank: the receipt came with a head of size "
            + savedHead.getTreeSize() + ", the log now claims " + current.getTreeSize());
      }
      InclusionProof proof = client.audit().getInclusionProof(GetInclusionProofRequest
          .newBuilder().setIndex(saved.getIndex()).setTreeSize(current.getTreeSize()).build());
      MerkleVerifier.verifyInclusion(MerkleHash.leafHash(saved.getEntry().toByteArray()),
          saved.getIndex(), current.getTreeSize(), LogPositions.hashes(proof.getHashesList()),
          current.getRootHash().toByteArray());
      return new Result(saved.getIndex(), savedHead, current);
    } catch (ClaimVerificationException e) {
      throw new AuditException("the current tree head's signature does not verify");
    } catch (MerkleProofException e) {
      throw new AuditException("the receipt is NOT in the current log: " + e.getMessage());
    } catch (StatusRuntimeException e) {
      throw new AuditException("cannot check the receipt: " + FederationClient.describe(e));
    }
  }
}
