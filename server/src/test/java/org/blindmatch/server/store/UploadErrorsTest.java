package org.blindmatch.server.store;

import static org.blindmatch.server.store.Fixtures.EXPIRY;
import static org.blindmatch.server.store.Fixtures.NGO;
import static org.blindmatch.server.store.Fixtures.PLATFORM;
import static org.blindmatch.server.store.Fixtures.RECEIPT;
import static org.blindmatch.server.store.Fixtures.ROOT;
import static org.blindmatch.server.store.Fixtures.SCOPE;
import static org.blindmatch.server.store.Fixtures.SIGNATURE;
import static org.blindmatch.server.store.Fixtures.T0;
import static org.blindmatch.server.store.Fixtures.assertKind;
import static org.blindmatch.server.store.Fixtures.commit;
import static org.blindmatch.server.store.Fixtures.records;
import static org.blindmatch.server.store.Fixtures.report;
import static org.blindmatch.server.store.Fixtures.upload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.blindmatch.server.store.StoreException.Kind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.blindmatch.server.store.segment.SegmentSubmissionStore;

class UploadErrorsTest extends StoreConformance {
  private static final byte[] CHUNK = records(10, 9);

  SegmentSubmissionStore store;

  @BeforeEach
  void openStore() throws StoreException {
    store = open();
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void outOfOrderChunkNamesExpectedAndGot() throws Exception {
    store.beginUpload(report("r", 100));
    store.appendChunk("r", PLATFORM, 0, CHUNK, 0, CHUNK.length);
    StoreException e = assertKind(Kind.OUT_OF_ORDER,
        () -> store.appendChunk("r", PLATFORM, 2, CHUNK, 0, CHUNK.length));
    assertTrue(e.getMessage().contains("expected chunk 1, got 2"), e.getMessage());
    assertEquals(new UploadState("r", 1, 10), store.uploadState("r"));
  }

  @Test
  void duplicateChunkChangesNothing() throws Exception {
    store.beginUpload(report("r", 100));
    store.appendChunk("r", PLATFORM, 0, CHUNK, 0, CHUNK.length);
    store.appendChunk("r", PLATFORM, 1, CHUNK, 0, CHUNK.length);
    assertKind(Kind.DUPLICATE_CHUNK,
        () -> store.appendChunk("r", PLATFORM, 0, CHUNK, 0, CHUNK.length));
    assertKind(Kind.DUPLICATE_CHUNK,
        () -> store.appendChunk("r", PLATFORM, 1, CHUNK, 0, CHUNK.length));
    assertEquals(new UploadState("r", 2, 20), store.uploadState("r"));
    assertEquals(2L * CHUNK.length, java.nio.file.Files.size(store.stagedFile("r")));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 32, 34, 65})
  void chunkLengthMustBeWholeRecords(int len) throws Exception {
    store.beginUpload(report("r", 100));
    assertKind(Kind.BAD_CHUNK, () -> store.appendChunk("r", PLATFORM, 0, CHUNK, 0, len));
    assertEquals(new UploadState("r", 0, 0), store.uploadState("r"));
  }

  @Test
  void chunkBoundsAreChecked() throws Exception {
    store.beginUpload(report("r", 100));
    assertThrows(IndexOutOfBoundsException.class,
        () -> store.appendChunk("r", PLATFORM, 0, CHUNK, 33, CHUNK.length));
  }

  @Test
  void tooManyRecordsIsRefusedWithoutWriting() throws Exception {
    store.beginUpload(report("r", 15));
    store.appendChunk("r", PLATFORM, 0, CHUNK, 0, CHUNK.length);
    assertKind(Kind.TOO_MANY_RECORDS,
        () -> store.appendChunk("r", PLATFORM, 1, CHUNK, 0, CHUNK.length));
    assertEquals(new UploadState("r", 1, 10), store.uploadState("r"));
    store.appendChunk("r", PLATFORM, 1, CHUNK, 0, 5 * 33);
    commit(store, report("r", 15));
  }

  @Test
  void onlyTheSubmitterMayAppendCommitOrAbandon() throws Exception {
    store.beginUpload(report("r", 10));
    assertKind(Kind.CONFLICT, () -> store.appendChunk("r", NGO, 0, CHUNK, 0, CHUNK.length));
    store.appendChunk("r", PLATFORM, 0, CHUNK, 0, CHUNK.length);
    assertKind(Kind.CONFLICT,
        () -> store.commit("r", NGO, ROOT, SIGNATURE, RECEIPT, T0, EXPIRY));
    assertKind(Kind.CONFLICT, () -> store.abandonUpload("r", NGO));
    commit(store, report("r", 10));
  }

  @Test
  void commitRequiresAllRecords() throws Exception {
    upload(store, report("r", 11), CHUNK, 10);
    StoreException e = assertKind(Kind.INCOMPLETE, () -> commit(store, report("r", 11)));
    assertTrue(e.getMessage().contains("10 of 11"), e.getMessage());
    assertTrue(store.find("r").isEmpty());
    assertEquals(new UploadState("r", 1, 10), store.uploadState("r"));
  }

  @Test
  void resumingWithADifferentSpecConflicts() throws Exception {
    store.beginUpload(report("r", 10));
    UploadSpec otherKey = new UploadSpec("r", PLATFORM, 1, SCOPE, 7, new int[] {0, 1}, 10);
    StoreException e = assertKind(Kind.CONFLICT, () -> store.beginUpload(otherKey));
    assertTrue(e.getMessage().contains("key id"), e.getMessage());
    UploadSpec otherSubmitter = new UploadSpec("r", NGO, 1, SCOPE, Fixtures.KEY_ID,
        new int[] {0, 1}, 10);
    assertKind(Kind.CONFLICT, () -> store.beginUpload(otherSubmitter));
    assertKind(Kind.CONFLICT, () -> store.beginUpload(report("r", 11)));
    assertEquals(new UploadState("r", 0, 0), store.beginUpload(report("r", 10)));
  }

  @Test
  void committedIdCannotBeBegunAgain() throws Exception {
    upload(store, report("r", 10), CHUNK, 10);
    commit(store, report("r", 10));
    assertKind(Kind.ALREADY_COMMITTED, () -> store.beginUpload(report("r", 10)));
    assertKind(Kind.ALREADY_COMMITTED, () -> store.beginUpload(report("r", 99)));
    assertKind(Kind.ALREADY_COMMITTED,
        () -> store.appendChunk("r", PLATFORM, 1, CHUNK, 0, CHUNK.length));
    assertKind(Kind.ALREADY_COMMITTED, () -> commit(store, report("r", 10)));
  }

  @Test
  void idsDifferingOnlyInCaseConflict() throws Exception {
    store.beginUpload(report("Abc", 10));
    assertKind(Kind.CONFLICT, () -> store.beginUpload(report("abc", 10)));
    assertKind(Kind.NOT_FOUND, () -> store.uploadState("ABC"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".hidden", "-x", "a/b", "../x", "a b", "a\nb", "ä",
      "x.seg/../../y"})
  void malformedIdsAreRejected(String id) {
    assertKind(Kind.INVALID_ARGUMENT, () -> store.beginUpload(report(id, 1)));
    assertKind(Kind.INVALID_ARGUMENT,
        () -> store.appendChunk(id, PLATFORM, 0, CHUNK, 0, CHUNK.length));
    assertKind(Kind.INVALID_ARGUMENT, () -> store.find(id));
    assertKind(Kind.INVALID_ARGUMENT, () -> store.openRecords(id));
  }

  @Test
  void idLengthIsBounded() throws Exception {
    store.beginUpload(report("a".repeat(128), 1));
    assertKind(Kind.INVALID_ARGUMENT, () -> store.beginUpload(report("a".repeat(129), 1)));
  }

  @Test
  void malformedSpecsAreRejected() {
    int[] tiers = {0, 1};
    assertKind(Kind.INVALID_ARGUMENT, () -> store.beginUpload(
        new UploadSpec("r", PLATFORM, 3, SCOPE, 1, tiers, 1)));
    assertKind(Kind.INVALID_ARGUMENT, () -> store.beginUpload(
        new UploadSpec("r", PLATFORM, 1, new byte[31], 1, tiers, 1)));
    assertKind(Kind.INVALID_ARGUMENT, () -> store.beginUpload(
        new UploadSpec("r", PLATFORM, 1, SCOPE, 1, new int[] {1, 1}, 1)));
    assertKind(Kind.INVALID_ARGUMENT, () -> store.beginUpload(
        new UploadSpec("r", PLATFORM, 1, SCOPE, 1, new int[] {256}, 1)));
    assertKind(Kind.INVALID_ARGUMENT, () -> store.beginUpload(
        new UploadSpec("r", PLATFORM, 1, SCOPE, 1, new int[0], 1)));
    assertKind(Kind.INVALID_ARGUMENT, () -> store.beginUpload(
        new UploadSpec("r", PLATFORM, 1, SCOPE, 1, tiers, -1)));
    assertKind(Kind.INVALID_ARGUMENT, () -> store.beginUpload(
        new UploadSpec("r", "", 1, SCOPE, 1, tiers, 1)));
  }

  @Test
  void commitArgumentsAreChecked() throws Exception {
    upload(store, report("r", 10), CHUNK, 10);
    assertKind(Kind.INVALID_ARGUMENT,
        () -> store.commit("r", PLATFORM, new byte[31], SIGNATURE, RECEIPT, T0, EXPIRY));
    assertKind(Kind.INVALID_ARGUMENT,
        () -> store.commit("r", PLATFORM, ROOT, SIGNATURE, RECEIPT, T0, T0));
    assertFalse(store.find("r").isPresent());
  }

  @Test
  void unknownIdsAreNotFound() {
    assertKind(Kind.NOT_FOUND,
        () -> store.appendChunk("nope", PLATFORM, 0, CHUNK, 0, CHUNK.length));
    assertKind(Kind.NOT_FOUND, () -> store.uploadState("nope"));
    assertKind(Kind.NOT_FOUND, () -> store.stagedFile("nope"));
    assertKind(Kind.NOT_FOUND, () -> commit(store, report("nope", 1)));
    assertKind(Kind.NOT_FOUND, () -> store.abandonUpload("nope", PLATFORM));
    assertKind(Kind.NOT_FOUND, () -> store.openRecords("nope"));
  }

  @Test
  void closedStoreRefusesCalls() {
    store.close();
    assertThrows(IllegalStateException.class, () -> store.find("r"));
    store.close();
  }
}
