package org.blindmatch.server.store;

import static org.blindmatch.server.store.Fixtures.EXPIRY;
import static org.blindmatch.server.store.Fixtures.KEY_ID;
import static org.blindmatch.server.store.Fixtures.OTHER_SCOPE;
import static org.blindmatch.server.store.Fixtures.PLATFORM;
import static org.blindmatch.server.store.Fixtures.RECEIPT;
import static org.blindmatch.server.store.Fixtures.ROOT;
import static org.blindmatch.server.store.Fixtures.SCOPE;
import static org.blindmatch.server.store.Fixtures.SIGNATURE;
import static org.blindmatch.server.store.Fixtures.T0;
import static org.blindmatch.server.store.Fixtures.commit;
import static org.blindmatch.server.store.Fixtures.readAll;
import static org.blindmatch.server.store.Fixtures.records;
import static org.blindmatch.server.store.Fixtures.report;
import static org.blindmatch.server.store.Fixtures.upload;
import static org.blindmatch.server.store.Fixtures.watchlist;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.blindmatch.server.store.StoreException.Kind;
import org.junit.jupiter.api.Test;
import org.blindmatch.server.store.segment.SegmentSubmissionStore;
import org.blindmatch.server.store.postgres.PostgresMetadata;

class UploadLifecycleTest extends StoreConformance {

  @Test
  void roundTripCommitsExactBytesAndLists() throws Exception {
    byte[] body = records(1000, 1);
    try (SegmentSubmissionStore store = open()) {
      assertTrue(store.recoveryReport().clean());
      assertTrue(Files.isRegularFile(dir.resolve(backend == Backend.EMBEDDED ? "meta.sqlite"
          : PostgresMetadata.BINDING_FILE)));
      assertTrue(Files.isDirectory(dir.resolve("segments")));
      assertTrue(Files.isDirectory(dir.resolve("staging")));

      UploadState begun = store.beginUpload(report("r-1", 1000));
      assertEquals(new UploadState("r-1", 0, 0), begun);
      UploadState state = upload(store, report("r-1", 1000), body, 300);
      assertEquals(new UploadState("r-1", 4, 1000), state);
      assertEquals(state, store.uploadState("r-1"));
      assertArrayEquals(body, Files.readAllBytes(store.stagedFile("r-1")));
      assertTrue(store.find("r-1").isEmpty());

      StoredSubmission committed = commit(store, report("r-1", 1000));
      assertEquals(report("r-1", 1000), committed.spec());
      assertEquals(1000, committed.records());
      assertArrayEquals(Fixtures.sha256(body), committed.bodySha256());
      assertArrayEquals(ROOT, committed.merkleRoot());
      assertArrayEquals(SIGNATURE, committed.signature());
      assertArrayEquals(RECEIPT, committed.receipt());
      assertEquals(T0, committed.committedAt());
      assertEquals(EXPIRY, committed.expiresAt());
      assertFalse(committed.purged());
      assertEquals(committed, store.find("r-1").orElseThrow());
      assertArrayEquals(body, readAll(store, "r-1"));
      assertFalse(Files.exists(dir.resolve("staging/r-1.part")));
      assertArrayEquals(body, Files.readAllBytes(dir.resolve("segments/r-1.seg")));
      Fixtures.assertKind(Kind.ALREADY_COMMITTED, () -> store.uploadState("r-1"));

      upload(store, watchlist("w-1", 10), records(10, 2), 4);
      commit(store, watchlist("w-1", 10));
      UploadSpec otherScope = new UploadSpec("r-0", PLATFORM, 1, OTHER_SCOPE, KEY_ID,
          new int[] {0, 1}, 1);
      upload(store, otherScope, records(1, 3), 1);
      commit(store, otherScope);
      upload(store, report("r-2", 5), records(5, 4), 5);
      commit(store, report("r-2", 5));

      assertEquals(List.of("r-1", "r-2"), ids(store.list(SCOPE, KEY_ID, 1)));
      assertEquals(List.of("w-1"), ids(store.list(SCOPE, KEY_ID, 2)));
      assertEquals(List.of("r-0"), ids(store.list(OTHER_SCOPE, KEY_ID, 1)));
      assertEquals(List.of(), ids(store.list(SCOPE, KEY_ID + 1, 1)));
      assertEquals(List.of("r-0", "r-1", "r-2", "w-1"), ids(store.listAll()));
    }
    try (SegmentSubmissionStore store = open()) {
      assertTrue(store.recoveryReport().clean(), store.recoveryReport().toString());
      assertArrayEquals(body, readAll(store, "r-1"));
      assertEquals(4, store.listAll().size());
    }
  }

  @Test
  void resumesAfterReopen() throws Exception {
    byte[] body = records(50, 5);
    int chunk = 10 * TokenRecord.LENGTH;
    try (SegmentSubmissionStore store = open()) {
      store.beginUpload(report("r", 50));
      store.appendChunk("r", PLATFORM, 0, body, 0, chunk);
      store.appendChunk("r", PLATFORM, 1, body, chunk, chunk);
    }
    try (SegmentSubmissionStore store = open()) {
      assertTrue(store.recoveryReport().clean());
      UploadState resumed = store.beginUpload(report("r", 50));
      assertEquals(new UploadState("r", 2, 20), resumed);
      for (long seq = 2; seq < 5; seq++) {
        store.appendChunk("r", PLATFORM, seq, body, (int) seq * chunk, chunk);
      }
      commit(store, report("r", 50));
      assertArrayEquals(body, readAll(store, "r"));
    }
  }

  @Test
  void emptySubmissionCommits() throws Exception {
    try (SegmentSubmissionStore store = open()) {
      store.beginUpload(watchlist("empty", 0));
      StoredSubmission s = commit(store, watchlist("empty", 0));
      assertEquals(0, s.records());
      assertArrayEquals(new byte[0], readAll(store, "empty"));
    }
  }

  @Test
  void abandonedIdCanBeReused() throws Exception {
    try (SegmentSubmissionStore store = open()) {
      upload(store, report("r", 4), records(2, 6), 2);
      store.abandonUpload("r", PLATFORM);
      assertFalse(Files.exists(dir.resolve("staging/r.part")));
      Fixtures.assertKind(Kind.NOT_FOUND, () -> store.uploadState("r"));
      assertEquals(new UploadState("r", 0, 0), store.beginUpload(report("r", 3)));
      byte[] body = records(3, 7);
      upload(store, report("r", 3), body, 3);
      commit(store, report("r", 3));
      assertArrayEquals(body, readAll(store, "r"));
    }
  }

  @Test
  void concurrentUploadsOfDifferentIds() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (SegmentSubmissionStore store = open()) {
      List<Future<byte[]>> bodies = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        bodies.add(pool.submit(() -> {
          byte[] body = records(500, 100 + id);
          upload(store, report("c" + id, 500), body, 37);
          commit(store, report("c" + id, 500));
          return body;
        }));
      }
      for (int t = 0; t < threads; t++) {
        assertArrayEquals(bodies.get(t).get(), readAll(store, "c" + t));
      }
      assertEquals(threads, store.list(SCOPE, KEY_ID, 1).size());
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<String> ids(List<StoredSubmission> submissions) {
    return submissions.stream().map(StoredSubmission::submissionId).toList();
  }
}
