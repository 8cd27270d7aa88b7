package org.blindmatch.client.federation;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.StatusRuntimeException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.blindmatch.client.tokenize.InputException;
import org.blindmatch.crypto.merkle.MerkleHash;
import org.blindmatch.crypto.merkle.MerkleProofException;
import org.blindmatch.crypto.merkle.MerkleTree;
import org.blindmatch.crypto.merkle.MerkleVerifier;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.GetConsistencyProofRequest;
import org.blindmatch.proto.v1.GetEntriesRequest;
import org.blindmatch.proto.v1.GetSignedTreeHeadRequest;
import org.blindmatch.proto.v1.LogEntry;
import org.blindmatch.proto.v1.Receipt;
import org.blindmatch.proto.v1.ReceiptBody;
import org.blindmatch.proto.v1.RunInput;
import org.blindmatch.proto.v1.RunTranscript;
import org.blindmatch.proto.v1.SignedTranscript;
import org.blindmatch.proto.v1.SignedTreeHead;
import org.blindmatch.proto.v1.TreeHead;
import org.blindmatch.server.log.LogPositions;
import org.blindmatch.server.log.SignedTreeHeads;

/**
 * An auditor's check of the clearinghouse's transparency log: the latest signed head, its
 * consistency with the last head the auditor kept, every entry against the head's root, every
 * receipt's and transcript's signature, and that every run's inputs are logged receipts with
 * the same Merkle roots. Not thread-safe.
 */
public final class LogAuditor {
  private final FederationClient client;
  private final String keyset;

  /** Audits through {@code client}, whose node must be an auditor or the operator. */
  public LogAuditor(FederationClient client) {
    this.client = client;
    this.keyset = client.publishedScope().getClearinghousePublicKeyset();
  }

  /**
   * What an audit found.
   *
   * @param head the verified head, to keep for the next audit
   * @param previousSize the size of the kept head it was checked consistent with, or -1
   */
  public record Report(SignedTreeHead head, TreeHead treeHead, long previousSize, int receipts,
      int transcripts) {}

  /**
   * Runs the audit.
   *
   * @param previous the head kept from the last audit, or null
   * @throws InputException naming the first check that failed
   */
  public Report verify(SignedTreeHead previous) throws InputException {
    try {
      SignedTreeHead signed =
          client.audit().getSignedTreeHead(GetSignedTreeHeadRequest.getDefaultInstance());
      TreeHead head = verifyHead(signed, "the current tree head");
      long size = head.getTreeSize();
      long previousSize = -1;
      if (previous != null) {
        TreeHead old = verifyHead(previous, "the kept tree head");
        previousSize = old.getTreeSize();
        if (previousSize > size) {
          throw new InputException("the log shrank from " + previousSize + " to " + size
              + " entries");
        }
        List<byte[]> proof = LogPositions.hashes(client.audit().getConsistencyProof(
            GetConsistencyProofRequest.newBuilder().setFirst(previousSize).setSecond(size)
                .build()).getHashesList());
        MerkleVerifier.verifyConsistency(previousSize, size, old.getRootHash().toByteArray(),
            head.getRootHash().toByteArray(), proof);
      }
      MerkleTree tree = new MerkleTree();
      Map<String, byte[]> loggedRoots = new HashMap<>();
      int receipts = 0;
      int transcripts = 0;
      while (tree.size() < size) {
        List<ByteString> page = client.audit().getEntries(
            GetEntriesRequest.newBuilder().setStart(tree.size()).setEnd(size).build())
            .getEntriesList();
        if (page.isEmpty()) {
          throw new InputException("the log returned no entries at " + tree.size()
              + " of " + size);
        }
        for (ByteString bytes : page) {
          long index = tree.size();
          LogEntry entry = LogEntry.parseFrom(bytes);
          switch (entry.getKindCase()) {
            case RECEIPT -> {
              ReceiptBody body = verifyReceipt(entry.getReceipt(), index);
              loggedRoots.put(key(body.getCommitment().getSubmitter(),
                  body.getCommitment().getSubmissionId()),
                  body.getCommitment().getMerkleRoot().toByteArray());
              receipts++;
            }
            case TRANSCRIPT -> {
              verifyTranscript(entry.getTranscript(), index, loggedRoots);
              transcripts++;
            }
            default -> throw new InputException("log entry " + index + " is neither a "
                + "receipt nor a transcript");
          }
          tree.append(MerkleHash.leafHash(bytes.toByteArray()));
        }
      }
      if (!MessageDigest.isEqual(tree.root(), head.getRootHash().toByteArray())) {
        throw new InputException("the entries do not hash to the signed root");
      }
      return new Report(signed, head, previousSize, receipts, transcripts);
    } catch (StatusRuntimeException e) {
      throw new InputException("cannot read the log: " + FederationClient.describe(e));
    } catch (MerkleProofException e) {
      throw new InputException("the log is not consistent with the kept tree head: "
          + e.getMessage());
    } catch (InvalidProtocolBufferException e) {
      throw new InputException("the log holds an entry that does not parse");
    }
  }

  private TreeHead verifyHead(SignedTreeHead signed, String what) throws InputException {
    try {
      return SignedTreeHeads.verify(keyset, signed);
    } catch (GeneralSecurityException e) {
      throw new InputException(what + " does not verify against the clearinghouse's "
          + "published key");
    }
  }

  private ReceiptBody verifyReceipt(Receipt receipt, long index)
      throws InputException, InvalidProtocolBufferException {
    verifySignature(receipt.getBody().toByteArray(), receipt.getSignature().toByteArray(),
        "the receipt at log entry " + index);
    return ReceiptBody.parseFrom(receipt.getBody());
  }

  /** Signature, and every input a logged receipt with the same root. */
  private void verifyTranscript(SignedTranscript signed, long index,
      Map<String, byte[]> loggedRoots) throws InputException, InvalidProtocolBufferException {
    verifySignature(signed.getTranscript().toByteArray(), signed.getSignature().toByteArray(),
        "the transcript at log entry " + index);
    RunTranscript t = RunTranscript.parseFrom(signed.getTranscript());
    for (List<RunInput> inputs : List.of(t.getReportInputsList(), t.getWatchlistInputsList())) {
      for (RunInput in : inputs) {
        byte[] root = loggedRoots.get(key(in.getSubmitter(), in.getSubmissionId()));
        if (root == null || !MessageDigest.isEqual(root, in.getMerkleRoot().toByteArray())) {
          throw new InputException("run " + t.getRunId() + " (log entry " + index
              + ") used input " + in.getSubmissionId() + " of " + in.getSubmitter()
              + ", which has no earlier logged receipt with that Merkle root");
        }
      }
    }
  }

  private void verifySignature(byte[] data, byte[] signature, String what)
      throws InputException {
    try {
      NodeSigner.verify(keyset, data, signature);
    } catch (GeneralSecurityException e) {
      throw new InputException(what + " has a signature that does not verify");
    }
  }

  private static String key(String submitter, String submissionId) {
    return submitter + "\n" + submissionId;
  }
}
