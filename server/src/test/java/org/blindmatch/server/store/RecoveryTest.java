package org.blindmatch.server.store;

import static org.blindmatch.server.store.Fixtures.PLATFORM;
import static org.blindmatch.server.store.Fixtures.assertKind;
import static org.blindmatch.server.store.Fixtures.commit;
import static org.blindmatch.server.store.Fixtures.readAll;
import static org.blindmatch.server.store.Fixtures.records;
import static org.blindmatch.server.store.Fixtures.report;
import static org.blindmatch.server.store.Fixtures.upload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.blindmatch.server.store.StoreException.Kind;
import org.junit.jupiter.api.Test;
import org.blindmatch.server.store.segment.SegmentSubmissionStore;

class RecoveryTest extends StoreConformance {

  @Test
  void tornWriteIsTruncatedAndUploadResumes() throws Exception {
    byte[] body = records(30, 11);
    Path staged;
    try (SegmentSubmissionStore store = open()) {
      store.beginUpload(report("r", 30));
      store.appendChunk("r", PLATFORM, 0, body, 0, 10 * 33);
      staged = store.stagedFile("r");
    }
    // A chunk written but never recorded, cut off mid-record.
    Files.write(staged, Arrays.copyOfRange(records(5, 99), 0, 100),
        StandardOpenOption.APPEND);
    try (SegmentSubmissionStore store = open()) {
      assertEquals(List.of("r"), store.recoveryReport().truncatedUploads());
      assertEquals(10 * 33, Files.size(staged));
      assertEquals(new UploadState("r", 1, 10), store.beginUpload(report("r", 30)));
      store.appendChunk("r", PLATFORM, 1, body, 10 * 33, 20 * 33);
      commit(store, report("r", 30));
      assertArrayEquals(body, readAll(store, "r"));
    }
  }

  @Test
  void missingCommittedSegmentRefusesToOpen() throws Exception {
    try (SegmentSubmissionStore store = open()) {
      upload(store, report("r", 3), records(3, 12), 3);
      commit(store, report("r", 3));
    }
    Path segment = dir.resolve("segments/r.seg");
    Files.delete(segment);
    Files.write(dir.resolve("segments/orphan.seg"), new byte[33]);
    StoreException e = assertKind(Kind.CORRUPT, () -> open());
    assertTrue(e.getMessage().contains(segment.toAbsolutePath().toString()), e.getMessage());
    // Refusing changed nothing, and released the directory.
    assertTrue(Files.exists(dir.resolve("segments/orphan.seg")));
    assertKind(Kind.CORRUPT, () -> open());
  }

  @Test
  void wrongSizedCommittedSegmentRefusesToOpen() throws Exception {
    try (SegmentSubmissionStore store = open()) {
      upload(store, report("r", 3), records(3, 12), 3);
      commit(store, report("r", 3));
    }
    Files.write(dir.resolve("segments/r.seg"), new byte[1], StandardOpenOption.APPEND);
    StoreException e = assertKind(Kind.CORRUPT, () -> open());
    assertTrue(e.getMessage().contains("r.seg"), e.getMessage());
  }

  @Test
  void tamperedSegmentFailsAtEndOfStream() throws Exception {
    byte[] body = records(100, 13);
    try (SegmentSubmissionStore store = open()) {
      upload(store, report("r", 100), body, 100);
      commit(store, report("r", 100));
      byte[] tampered = body.clone();
      tampered[3300 - 1] ^= 1;
      Files.write(dir.resolve("segments/r.seg"), tampered);
      try (InputStream in = store.openRecords("r")) {
        IOException e = assertThrows(IOException.class, in::readAllBytes);
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
      }
    }
  }

  @Test
  void unaccountedFilesAreMovedAsideNeverDeleted() throws Exception {
    try (SegmentSubmissionStore store = open()) {
      upload(store, report("keep", 1), records(1, 14), 1);
      commit(store, report("keep", 1));
    }
    byte[] orphanSegment = records(2, 40);
    Files.write(dir.resolve("segments/x.seg"), orphanSegment);
    Files.write(dir.resolve("staging/y.part"), new byte[33]);
    Files.write(dir.resolve("staging/empty.part"), new byte[0]);
    Files.write(dir.resolve("segments/notes.txt"), new byte[1]);
    try (SegmentSubmissionStore store = open()) {
      RecoveryReport r = store.recoveryReport();
      assertEquals(List.of("segments/notes.txt", "segments/x.seg", "staging/y.part"),
          r.movedAside());
      assertEquals(List.of("empty"), r.deletedStagedFiles(), "an empty begin is provably unused");
      assertTrue(r.deletedSegments().isEmpty());
      Path aside = r.orphanDirectory();
      assertEquals(dir.toAbsolutePath().resolve("orphans"), aside.getParent());
      assertArrayEquals(orphanSegment, Files.readAllBytes(aside.resolve("segments/x.seg")));
      assertTrue(Files.exists(aside.resolve("staging/y.part")));
      assertTrue(Files.exists(aside.resolve("segments/notes.txt")));
      assertFalse(Files.exists(dir.resolve("segments/x.seg")));
      assertTrue(r.describe().stream().anyMatch(l -> l.contains(aside.toString())),
          r.describe().toString());
      assertEquals(33, readAll(store, "keep").length);
    }
    try (SegmentSubmissionStore store = open()) {
      assertTrue(store.recoveryReport().clean(), "orphans/ is left alone");
    }
  }

  @Test
  void alteredCommittedSegmentRefusesToOpen() throws Exception {
    byte[] body = records(5, 41);
    try (SegmentSubmissionStore store = open()) {
      upload(store, report("r", 5), body, 5);
      commit(store, report("r", 5));
    }
    Path segment = dir.resolve("segments/r.seg");
    byte[] altered = body.clone();
    altered[40] ^= 1;
    Files.write(segment, altered);
    StoreException e = assertKind(Kind.CORRUPT, () -> open());
    assertTrue(e.getMessage().contains("r.seg") && e.getMessage().contains("SHA-256")
        && e.getMessage().contains("admin restore"), e.getMessage());
    assertArrayEquals(altered, Files.readAllBytes(segment), "nothing changed");
  }

  @Test
  void deletedSubmissionRowWithReceiptInTheLogRefusesToOpen() throws Exception {
    byte[] body = records(3, 42);
    try (SegmentSubmissionStore store = open()) {
      upload(store, report("r", 3), body, 3);
      commit(store, report("r", 3));
      store.appendLogEntry(LogStorage.RECEIPT_KEY_PREFIX + "r", new byte[] {1},
          index -> new byte[] {2});
    }
    try (Connection c = rawConnection(); Statement st = c.createStatement()) {
      assertEquals(1, st.executeUpdate("DELETE FROM submissions WHERE submission_id = 'r'"));
    }
    StoreException e = assertKind(Kind.CORRUPT, () -> open());
    assertTrue(e.getMessage().contains("receipts of 1 submission(s) whose segments")
        && e.getMessage().contains("(r)") && e.getMessage().contains("admin restore"),
        e.getMessage());
    assertArrayEquals(body, Files.readAllBytes(dir.resolve("segments/r.seg")),
        "the segment is kept");
  }

  @Test
  void deletedMetadataRefusesToOpen() throws Exception {
    try (SegmentSubmissionStore store = open()) {
      upload(store, report("r", 3), records(3, 43), 3);
      commit(store, report("r", 3));
    }
    if (backend == Backend.EMBEDDED) {
      for (String f : List.of("meta.sqlite", "meta.sqlite-wal", "meta.sqlite-shm")) {
        Files.deleteIfExists(dir.resolve(f));
      }
    } else {
      metadata = backend.fresh(); // the database dropped and recreated empty
    }
    StoreException e = assertKind(Kind.CORRUPT, () -> open());
    assertTrue(e.getMessage().contains(backend == Backend.EMBEDDED ? "meta.sqlite is missing"
        : "no binding"), e.getMessage());
    assertTrue(Files.exists(dir.resolve("segments/r.seg")), "the segment is kept");
    if (backend == Backend.EMBEDDED) {
      assertFalse(Files.exists(dir.resolve("meta.sqlite")), "no empty metadata created");
    }
  }

  @Test
  void commitInterruptedAfterRenameIsRestoredToStaging() throws Exception {
    byte[] body = records(7, 15);
    try (SegmentSubmissionStore store = open()) {
      upload(store, report("r", 7), body, 3);
    }
    // The crash window between the rename and the metadata transaction.
    Files.move(dir.resolve("staging/r.part"), dir.resolve("segments/r.seg"),
        StandardCopyOption.ATOMIC_MOVE);
    try (SegmentSubmissionStore store = open()) {
      assertEquals(List.of("r"), store.recoveryReport().restoredUploads());
      assertTrue(store.find("r").isEmpty());
      assertEquals(new UploadState("r", 3, 7), store.beginUpload(report("r", 7)));
      commit(store, report("r", 7));
      assertArrayEquals(body, readAll(store, "r"));
    }
  }

  @Test
  void lostStagedDataResetsTheUpload() throws Exception {
    try (SegmentSubmissionStore store = open()) {
      upload(store, report("r", 7), records(6, 16), 3);
    }
    Files.delete(dir.resolve("staging/r.part"));
    try (SegmentSubmissionStore store = open()) {
      assertEquals(List.of("r"), store.recoveryReport().resetUploads());
      assertEquals(new UploadState("r", 0, 0), store.beginUpload(report("r", 7)));
      byte[] body = records(7, 17);
      upload(store, report("r", 7), body, 7);
      commit(store, report("r", 7));
      assertArrayEquals(body, readAll(store, "r"));
    }
  }

  @Test
  void purgeInterruptedBeforeDeletingFilesIsCompleted() throws Exception {
    byte[] body = records(4, 18);
    Path segment = dir.resolve("segments/r.seg");
    Path copy = dir.resolve("copy");
    try (SegmentSubmissionStore store = open()) {
      upload(store, report("r", 4), body, 4);
      commit(store, report("r", 4));
      Files.copy(segment, copy);
      assertEquals(1, store.purgeExpired(Fixtures.EXPIRY));
    }
    Files.move(copy, segment);
    try (SegmentSubmissionStore store = open()) {
      assertEquals(List.of("r"), store.recoveryReport().deletedSegments());
      assertFalse(Files.exists(segment));
      assertTrue(store.find("r").orElseThrow().purged());
    }
  }

  @Test
  void directoryIsHeldByOneStore() throws Exception {
    SegmentSubmissionStore first = open();
    try {
      StoreException e = assertKind(Kind.IO, () -> open());
      assertTrue(e.getMessage().contains("already open"), e.getMessage());
    } finally {
      first.close();
    }
    open().close();
  }
}
