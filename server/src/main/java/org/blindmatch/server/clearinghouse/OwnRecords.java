package org.blindmatch.server.clearinghouse;

import org.blindmatch.core.claims.Transcripts;
import org.blindmatch.core.claims.Receipts;
import org.blindmatch.core.claims.ClaimVerificationException;
import com.google.protobuf.InvalidProtocolBufferException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import org.blindmatch.crypto.hash.Sha256;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.Commitment;
import org.blindmatch.proto.v1.Receipt;
import org.blindmatch.proto.v1.ReceiptBody;
import org.blindmatch.proto.v1.RunTranscript;
import org.blindmatch.proto.v1.SignedTranscript;
import org.blindmatch.server.store.StoreException;
import org.blindmatch.server.store.StoredSubmission;

/**
 * Checks that what the store holds is this clearinghouse's own before it is logged or used.
 * A stored submission, before its receipt is logged (a commit retried, or re-logged at
 * start-up after a crash) or it is used as a run input: the stored receipt is signed by the
 * clearinghouse's key and names this clearinghouse, its commitment is the row's (store id,
 * submitter, role, scope, key id, record count, Merkle root), and the stored submitter
 * signature is the one the receipt names. A stored run transcript, before it is re-logged:
 * signed by the clearinghouse's key, and of the run it is stored under. The store's rows are
 * not otherwise authenticated: without this, anyone able to write the database could have
 * the clearinghouse log, and seal, a receipt or transcript it never issued, or run a match
 * over a submission it never accepted. Thread-safe.
 */
final class OwnRecords {
  private final NodeSigner.Verifier verifier;
  private final String identity;

  OwnRecords(Clearinghouse ch) {
    try {
      this.verifier = NodeSigner.verifier(ch.signer().publicKeysetJson());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the clearinghouse's own public keyset does not load", e);
    }
    this.identity = ch.identity().uri().toString();
  }

  /**
   * The stored receipt of {@code s}, checked.
   *
   * @throws StoreException {@code CORRUPT} naming the submission and what does not match
   */
  Receipt receipt(StoredSubmission s) throws StoreException {
    String what = "the stored receipt of submission " + s.submissionId();
    try {
      Receipt receipt = Receipt.parseFrom(s.receipt());
      ReceiptBody body;
      try {
        body = Receipts.verify(verifier, receipt);
      } catch (ClaimVerificationException e) {
        throw corrupt(what + " is not signed by this clearinghouse's key");
      }
      if (!body.getClearinghouse().equals(identity)) {
        throw corrupt(what + " names clearinghouse " + body.getClearinghouse());
      }
      Commitment c = body.getCommitment();
      String named;
      try {
        named = SubmissionIds.storeId(c.getSubmitter(), c.getSubmissionId());
      } catch (ClearinghouseException e) {
        throw corrupt(what + " names a malformed submission id");
      }
      if (!named.equals(s.submissionId())) {
        throw corrupt(what + " is the receipt of submission " + named);
      }
      if (!c.getSubmitter().equals(s.spec().submitter())
          || c.getRoleValue() != s.spec().role()
          || !Arrays.equals(c.getScopeDigest().toByteArray(), s.spec().scopeDigest())
          || c.getKeyId() != s.spec().keyId()
          || c.getRecordCount() != s.records()
          || !MessageDigest.isEqual(c.getMerkleRoot().toByteArray(), s.merkleRoot())) {
        throw corrupt(what + " commits to other submitter, role, scope, key id, record "
            + "count or Merkle root than the stored submission");
      }
      if (!MessageDigest.isEqual(Sha256.digest(s.signature()),
          body.getCommitmentSignatureSha256().toByteArray())) {
        throw corrupt("the stored commitment signature of submission " + s.submissionId()
            + " is not the one its receipt names");
      }
      return receipt;
    } catch (InvalidProtocolBufferException e) {
      throw corrupt(what + " does not parse");
    }
  }

  /**
   * The stored transcript of run {@code runId}, checked.
   *
   * @throws StoreException {@code CORRUPT} naming the run and what is wrong
   */
  SignedTranscript transcript(String runId, byte[] stored) throws StoreException {
    String what = "the stored transcript of run " + runId;
    try {
      SignedTranscript t = SignedTranscript.parseFrom(stored);
      String named;
      try {
        named = Transcripts.verify(verifier, t).getRunId();
      } catch (ClaimVerificationException e) {
        throw corrupt(what + " is not signed by this clearinghouse's key");
      }
      if (!named.equals(runId)) {
        throw corrupt(what + " is the transcript of run " + named);
      }
      return t;
    } catch (InvalidProtocolBufferException e) {
      throw corrupt(what + " does not parse");
    }
  }

  private static StoreException corrupt(String message) {
    return new StoreException(StoreException.Kind.CORRUPT, message
        + " (written into the store by someone other than this clearinghouse)");
  }
}
