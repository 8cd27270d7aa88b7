package org.blindmatch.server.clearinghouse;

import static org.blindmatch.server.clearinghouse.DomainFixture.NGO;
import static org.blindmatch.server.clearinghouse.DomainFixture.PLATFORM;
import static org.blindmatch.server.clearinghouse.DomainFixture.beginRequest;
import static org.blindmatch.server.clearinghouse.DomainFixture.chunk;
import static org.blindmatch.server.clearinghouse.DomainFixture.records;
import static org.blindmatch.server.clearinghouse.DomainFixture.root;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.blindmatch.core.claims.Commitments;
import org.blindmatch.core.claims.Receipts;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.blindmatch.proto.v1.CommitRequest;
import org.blindmatch.proto.v1.CommitResponse;
import org.blindmatch.proto.v1.LogEntry;
import org.blindmatch.proto.v1.UploadRequest;
import org.blindmatch.proto.v1.UploadStatus;
import org.blindmatch.server.clearinghouse.ClearinghouseException.Code;
import org.blindmatch.server.store.StoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class SubmissionsTest {
  @TempDir Path dir;
  private DomainFixture f;

  @BeforeEach
  void open() throws StoreException {
    f = new DomainFixture(dir);
  }

  @AfterEach
  void close() throws StoreException {
    f.close();
  }

  @Test
  void beginThenChunksReportProgress() throws Exception {
    byte[] recs = records(10, 1);
    Submissions.Upload upload = f.submissions.upload(PLATFORM);
    upload.accept(beginRequest(f.begin(PLATFORM, "s1", 10)));
    upload.accept(chunk(0, recs, 0, 4));
    UploadStatus status = upload.finish();
    assertEquals("s1", status.getSubmissionId());
    assertEquals(1, status.getNextSequence());
    assertEquals(4, status.getRecordsReceived());
    assertFalse(status.getCommitted());

    Submissions.Upload resumed = f.submissions.upload(PLATFORM);
    resumed.accept(beginRequest(f.begin(PLATFORM, "s1", 10)));
    resumed.accept(chunk(1, recs, 4, 10));
    assertEquals(10, resumed.finish().getRecordsReceived());
    assertEquals(10, f.submissions.status(PLATFORM, "s1").getRecordsReceived());
  }

  @Test
  void commitSignsReceiptAndLogsIt() throws Exception {
    NodeSigner key = f.register(PLATFORM);
    byte[] recs = records(10, 2);
    f.upload(PLATFORM, "s1", recs);
    CommitRequest request = f.signedCommit(key, PLATFORM, "s1", recs);
    CommitResponse response = f.submissions.commit(PLATFORM, request);

    var body = Receipts.verify(f.signer.publicKeysetJson(), response.getReceipt());
    assertEquals(Commitments.verify(key.publicKeysetJson(), request), body.getCommitment());
    assertEquals(CH_URI, body.getClearinghouse());
    long index = response.getLogPosition().getIndex();
    assertEquals(response.getReceipt(),
        LogEntry.parseFrom(f.ch.log().entries(index, index + 1).get(0)).getReceipt());
    assertTrue(f.submissions.status(PLATFORM, "s1").getCommitted());
    assertArrayEquals(root(recs), f.store.find(
        SubmissionIds.storeId(PLATFORM.uri().toString(), "s1")).orElseThrow().merkleRoot());

    // Committing again returns the same receipt at the same index; the log does not grow.
    long size = f.ch.log().size();
    CommitResponse again2 = f.submissions.commit(PLATFORM, request);
    assertEquals(response.getReceipt(), again2.getReceipt());
    assertEquals(index, again2.getLogPosition().getIndex());
    assertEquals(size, f.ch.log().size());
    // A new stream for a committed upload is a no-op that reports it committed.
    Submissions.Upload again = f.submissions.upload(PLATFORM);
    again.accept(beginRequest(f.begin(PLATFORM, "s1", 10)));
    again.accept(chunk(0, recs, 0, 10));
    assertTrue(again.finish().getCommitted());
  }

  @Test
  void commitRefusesAWrongRoot() throws Exception {
    NodeSigner key = f.register(PLATFORM);
    byte[] recs = records(10, 3);
    f.upload(PLATFORM, "s1", recs);
    CommitRequest request = Commitments.sign(key,
        f.commitment(PLATFORM, "s1", recs, root(records(10, 4))));
    assertRefused(Code.FAILED_PRECONDITION, "the Merkle root of the received records differs "
        + "from the committed root", () -> f.submissions.commit(PLATFORM, request));
  }

  @Test
  void commitRescansAfterARestartAndFindsDisorder() throws Exception {
    NodeSigner key = f.register(PLATFORM);
    byte[] recs = records(4, 5);
    byte[] swapped = recs.clone();
    System.arraycopy(recs, 0, swapped, TokenRecord.LENGTH, TokenRecord.LENGTH);
    System.arraycopy(recs, TokenRecord.LENGTH, swapped, 0, TokenRecord.LENGTH);
    // A chunk-by-chunk check would refuse the disorder; a fresh process must rescan.
    f.store.beginUpload(new org.blindmatch.server.store.UploadSpec(
        SubmissionIds.storeId(PLATFORM.uri().toString(), "s1"), PLATFORM.uri().toString(), 1,
        f.scope.digest(), DomainFixture.KEY_ID, new int[] {0, 1}, 4));
    f.store.appendChunk(SubmissionIds.storeId(PLATFORM.uri().toString(), "s1"),
        PLATFORM.uri().toString(), 0, swapped, 0, swapped.length);
    CommitRequest request = Commitments.sign(key,
        f.commitment(PLATFORM, "s1", swapped, root(swapped)));
    assertRefused(Code.FAILED_PRECONDITION, "record 1 is out of order; records must be sorted "
        + "ascending", () -> f.submissions.commit(PLATFORM, request));
  }

  @Test
  void chunkOutOfOrderIsRefusedBeforeItIsStored() throws Exception {
    byte[] recs = records(4, 6);
    Submissions.Upload upload = f.submissions.upload(PLATFORM);
    upload.accept(beginRequest(f.begin(PLATFORM, "s1", 4)));
    upload.accept(chunk(0, recs, 2, 4));
    assertRefused(Code.FAILED_PRECONDITION, "record 2 is out of order",
        () -> upload.accept(chunk(1, recs, 0, 2)));
    assertEquals(2, f.submissions.status(PLATFORM, "s1").getRecordsReceived());
  }

  @Test
  void commitRefusesABadSignature() throws Exception {
    f.register(PLATFORM);
    byte[] recs = records(6, 7);
    f.upload(PLATFORM, "s1", recs);
    CommitRequest forged = f.signedCommit(DomainFixture.newSigner(), PLATFORM, "s1", recs);
    assertRefused(Code.FAILED_PRECONDITION, "the commitment signature does not verify against "
        + "the submitter's registered key", () -> f.submissions.commit(PLATFORM, forged));
  }

  @Test
  void commitRefusesWithoutARegisteredKey() throws Exception {
    byte[] recs = records(6, 8);
    f.upload(PLATFORM, "s1", recs);
    CommitRequest request = f.signedCommit(DomainFixture.newSigner(), PLATFORM, "s1", recs);
    assertRefused(Code.FAILED_PRECONDITION, "no signing key registered for "
        + PLATFORM.uri(), () -> f.submissions.commit(PLATFORM, request));
  }

  @Test
  void someoneElsesUploadIsOutOfReach() throws Exception {
    NodeSigner key = f.register(PLATFORM);
    byte[] recs = records(6, 9);
    f.upload(PLATFORM, "s1", recs);
    CommitRequest request = f.signedCommit(key, PLATFORM, "s1", recs);
    // Another caller cannot commit it...
    assertRefused(Code.PERMISSION_DENIED, "the commitment names submitter " + PLATFORM.uri()
        + " but the caller is " + NGO.uri(), () -> f.submissions.commit(NGO, request));
    // ...nor see it: ids live in the submitter's namespace.
    assertRefused(Code.NOT_FOUND, "no upload s1", () -> f.submissions.status(NGO, "s1"));
  }

  @Test
  void roleAndScopeAreCheckedAtBegin() throws Exception {
    Submissions.Upload upload = f.submissions.upload(NGO);
    assertRefused(Code.PERMISSION_DENIED, "role ngo may not submit reports",
        () -> upload.accept(beginRequest(f.begin(PLATFORM, "s1", 2))));
    Submissions.Upload other = f.submissions.upload(PLATFORM);
    assertRefused(Code.FAILED_PRECONDITION, "scope digest differs from the published scope",
        () -> other.accept(beginRequest(f.begin(PLATFORM, "s1", 2).toBuilder()
            .setScopeDigest(com.google.protobuf.ByteString.copyFrom(new byte[32])).build())));
  }

  @Test
  void streamShapeIsChecked() throws Exception {
    Submissions.Upload upload = f.submissions.upload(PLATFORM);
    assertRefused(Code.INVALID_ARGUMENT, "empty upload", upload::finish);
    assertRefused(Code.INVALID_ARGUMENT, "the first message of an upload must be UploadBegin",
        () -> upload.accept(chunk(0, records(2, 1), 0, 2)));
    assertRefused(Code.INVALID_ARGUMENT, "empty UploadRequest",
        () -> upload.accept(UploadRequest.getDefaultInstance()));
    upload.accept(beginRequest(f.begin(PLATFORM, "s1", 2)));
    assertRefused(Code.INVALID_ARGUMENT, "a second UploadBegin in one stream",
        () -> upload.accept(beginRequest(f.begin(PLATFORM, "s1", 2))));
  }

  private static final String CH_URI = DomainFixture.CH.uri().toString();

  static ClearinghouseException assertRefused(Code code, String message, Executable call) {
    ClearinghouseException e = assertThrows(ClearinghouseException.class, call);
    assertEquals(code, e.code(), e.getMessage());
    assertTrue(e.getMessage().contains(message), e.getMessage());
    return e;
  }
}
