package org.blindmatch.server.store;

import static org.blindmatch.server.store.Fixtures.EXPIRY;
import static org.blindmatch.server.store.Fixtures.KEY_ID;
import static org.blindmatch.server.store.Fixtures.PLATFORM;
import static org.blindmatch.server.store.Fixtures.RECEIPT;
import static org.blindmatch.server.store.Fixtures.ROOT;
import static org.blindmatch.server.store.Fixtures.SCOPE;
import static org.blindmatch.server.store.Fixtures.SIGNATURE;
import static org.blindmatch.server.store.Fixtures.T0;
import static org.blindmatch.server.store.Fixtures.assertKind;
import static org.blindmatch.server.store.Fixtures.readAll;
import static org.blindmatch.server.store.Fixtures.records;
import static org.blindmatch.server.store.Fixtures.report;
import static org.blindmatch.server.store.Fixtures.upload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import org.blindmatch.server.store.StoreException.Kind;
import org.junit.jupiter.api.Test;
import org.blindmatch.server.store.segment.SegmentSubmissionStore;

class PurgeTest extends StoreConformance {

  @Test
  void expiredRecordsAreDeletedAndMetadataKept() throws Exception {
    Instant soon = T0.plusSeconds(60);
    byte[] keptBody = records(3, 22);
    try (SegmentSubmissionStore store = open()) {
      upload(store, report("old", 2), records(2, 21), 2);
      StoredSubmission old = store.commit("old", PLATFORM, ROOT, SIGNATURE, RECEIPT, T0, soon);
      upload(store, report("new", 3), keptBody, 3);
      store.commit("new", PLATFORM, ROOT, SIGNATURE, RECEIPT, T0, EXPIRY);
      upload(store, report("pending", 3), records(1, 23), 1);

      // A reader that opened the segment before the purge can still finish.
      try (InputStream early = store.openRecords("old")) {
        assertEquals(0, store.purgeExpired(soon.minusNanos(1)));
        assertEquals(1, store.purgeExpired(soon));
        assertEquals(66, early.readAllBytes().length);
      }
      assertFalse(Files.exists(dir.resolve("segments/old.seg")));
      assertEquals(old.asPurged(), store.find("old").orElseThrow());
      StoredSubmission purged = store.find("old").orElseThrow();
      assertTrue(purged.purged());
      assertArrayEquals(ROOT, purged.merkleRoot());
      assertArrayEquals(SIGNATURE, purged.signature());
      assertArrayEquals(RECEIPT, purged.receipt());
      assertKind(Kind.PURGED, () -> store.openRecords("old"));
      assertKind(Kind.ALREADY_COMMITTED, () -> store.beginUpload(report("old", 2)));

      assertEquals(List.of("new"), store.list(SCOPE, KEY_ID, 1).stream()
          .map(StoredSubmission::submissionId).toList());
      assertEquals(2, store.listAll().size());
      assertEquals(0, store.purgeExpired(soon));
      assertEquals(new UploadState("pending", 1, 1), store.uploadState("pending"));
    }
    try (SegmentSubmissionStore store = open()) {
      assertTrue(store.recoveryReport().clean(), store.recoveryReport().toString());
      assertKind(Kind.PURGED, () -> store.openRecords("old"));
      assertArrayEquals(keptBody, readAll(store, "new"));
    }
  }
}
