package org.blindmatch.server.clearinghouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.blindmatch.core.claims.Transcripts;
import org.blindmatch.core.claims.Receipts;
import com.google.protobuf.ByteString;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.blindmatch.crypto.hash.Sha256;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.Commitment;
import org.blindmatch.proto.v1.LogEntry;
import org.blindmatch.proto.v1.Receipt;
import org.blindmatch.proto.v1.ReceiptBody;
import org.blindmatch.proto.v1.RunTranscript;
import org.blindmatch.proto.v1.SignedTranscript;
import org.blindmatch.proto.v1.SubmissionRole;
import org.blindmatch.server.log.TransparencyLog;
import org.blindmatch.server.store.segment.SegmentSubmissionStore;
import org.blindmatch.server.store.StoreConformance;
import org.blindmatch.server.store.StoreException;
import org.blindmatch.server.store.UploadSpec;
import org.junit.jupiter.api.Test;

class LogBackfillTest extends StoreConformance {
  private static final String PLATFORM = "blindmatch://test/platform/p";
  private static final String CH = "blindmatch://test/clearinghouse/ch";

  private static final byte[] SIGNATURE = new byte[64];

  private final NodeSigner signer = signer();

  /** As after a crash between a commit (or a stored transcript) and its log append. */
  @Test
  void logsWhatACrashLeftOutOnceOnly() throws Exception {
    Receipt receipt = receipt("s1", signer);
    SignedTranscript transcript = transcript("run-1", signer);
    try (SegmentSubmissionStore store = open()) {
      commit(store, "s1", receipt, SIGNATURE);
      store.putTranscript("run-1", transcript.toByteArray());
      Clearinghouse ch = clearinghouse(store);
      assertEquals(2, LogBackfill.run(ch));
      assertEquals(0, LogBackfill.run(ch));
      List<byte[]> entries = ch.log().entries(0, 10);
      assertEquals(receipt, LogEntry.parseFrom(entries.get(0)).getReceipt());
      assertEquals(transcript, LogEntry.parseFrom(entries.get(1)).getTranscript());
    }
  }

  /**
   * Someone who can write the store's records but does not hold the key cannot have the
   * clearinghouse log (and seal) a receipt or transcript it never issued.
   */
  @Test
  void refusesWhatTheClearinghouseDidNotSign() throws Exception {
    NodeSigner stranger = signer();
    try (SegmentSubmissionStore store = open()) {
      commit(store, "s1", receipt("s1", stranger), SIGNATURE);
      assertRefused(store, "the stored receipt of submission " + storeId("s1") + " is not "
          + "signed by this clearinghouse's key");
    }
  }

  @Test
  void refusesAStoredSignatureOtherThanTheReceiptNames() throws Exception {
    try (SegmentSubmissionStore store = open()) {
      commit(store, "s1", receipt("s1", signer), new byte[] {1, 2, 3});
      assertRefused(store, "the stored commitment signature of submission " + storeId("s1")
          + " is not the one its receipt names");
    }
  }

  @Test
  void refusesAReceiptOfAnotherClearinghouseOrSubmission() throws Exception {
    try (SegmentSubmissionStore store = open()) {
      commit(store, "s1", receipt("s1", signer, "blindmatch://test/clearinghouse/other", 2),
          SIGNATURE);
      assertRefused(store, "the stored receipt of submission " + storeId("s1") + " names "
          + "clearinghouse blindmatch://test/clearinghouse/other");
    }
  }

  @Test
  void refusesAReceiptThatCommitsToOtherRecords() throws Exception {
    try (SegmentSubmissionStore store = open()) {
      commit(store, "s1", receipt("s1", signer, CH, 3), SIGNATURE);
      assertRefused(store, "the stored receipt of submission " + storeId("s1") + " commits "
          + "to other submitter, role, scope, key id, record count or Merkle root");
    }
  }

  @Test
  void refusesAReceiptStoredUnderAnotherSubmission() throws Exception {
    try (SegmentSubmissionStore store = open()) {
      commit(store, "s2", receipt("s1", signer), SIGNATURE);
      assertRefused(store, "the stored receipt of submission " + storeId("s2") + " is the "
          + "receipt of submission " + storeId("s1"));
    }
  }

  @Test
  void refusesATranscriptNotSigned() throws Exception {
    try (SegmentSubmissionStore store = open()) {
      store.putTranscript("run-1", transcript("run-1", signer()).toByteArray());
      assertRefused(store, "the stored transcript of run run-1 is not signed by this "
          + "clearinghouse's key");
    }
  }

  @Test
  void refusesATranscriptStoredUnderAnotherRun() throws Exception {
    try (SegmentSubmissionStore store = open()) {
      store.putTranscript("run-2", transcript("run-3", signer).toByteArray());
      assertRefused(store, "the stored transcript of run run-2 is the transcript of run run-3");
    }
  }

  private void assertRefused(SegmentSubmissionStore store, String message) throws Exception {
    Clearinghouse ch = clearinghouse(store);
    StoreException e = assertThrows(StoreException.class, () -> LogBackfill.run(ch));
    assertEquals(StoreException.Kind.CORRUPT, e.kind());
    assertTrue(e.getMessage().contains(message), e.getMessage());
    assertEquals(0, ch.log().size(), "nothing logged");
  }

  private Clearinghouse clearinghouse(SegmentSubmissionStore store) throws StoreException {
    TransparencyLog log = TransparencyLog.open(store, signer, CH, Clock.systemUTC());
    return new Clearinghouse(NodeIdentity.fromUri(CH), store, store, store, store, null,
        List.of(), Map.of(), 1, null, signer, Clock.systemUTC(), log);
  }

  private static void commit(SegmentSubmissionStore store, String clientId, Receipt receipt,
      byte[] signature) throws StoreException, ClearinghouseException {
    String id = storeId(clientId);
    byte[] records = new byte[66];
    new Random(1).nextBytes(records);
    store.beginUpload(new UploadSpec(id, PLATFORM, UploadSpec.ROLE_REPORT, new byte[32], 7,
        new int[] {0}, 2));
    store.appendChunk(id, PLATFORM, 0, records, 0, records.length);
    Instant t0 = Instant.parse("2026-03-01T00:00:00Z");
    store.commit(id, PLATFORM, new byte[32], signature, receipt.toByteArray(), t0,
        t0.plusSeconds(60));
  }

  private static String storeId(String clientId) throws ClearinghouseException {
    return SubmissionIds.storeId(PLATFORM, clientId);
  }

  private static Receipt receipt(String clientId, NodeSigner by) throws Exception {
    return receipt(clientId, by, CH, 2);
  }

  /** A receipt as the clearinghouse makes it for {@link #commit}'s submission. */
  private static Receipt receipt(String clientId, NodeSigner by, String clearinghouse,
      long records) throws Exception {
    ReceiptBody body = ReceiptBody.newBuilder().setCommitment(Commitment.newBuilder()
            .setSubmitter(PLATFORM).setSubmissionId(clientId)
            .setRole(SubmissionRole.SUBMISSION_ROLE_REPORT)
            .setScopeDigest(ByteString.copyFrom(new byte[32])).setKeyId(7)
            .setRecordCount(records).setMerkleRoot(ByteString.copyFrom(new byte[32])))
        .setCommitmentSignatureSha256(ByteString.copyFrom(Sha256.digest(SIGNATURE)))
        .setClearinghouse(clearinghouse).build();
    return Receipts.sign(by, body);
  }

  private static SignedTranscript transcript(String runId, NodeSigner by) throws Exception {
    return Transcripts.sign(by, RunTranscript.newBuilder().setRunId(runId).build());
  }

  private static NodeSigner signer() {
    try {
      return NodeSigner.of(NodeSigner.generate());
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }
}
