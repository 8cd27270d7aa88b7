package org.blindmatch.server.store;

import static org.blindmatch.server.store.Fixtures.assertKind;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.blindmatch.server.store.StoreException.Kind;
import org.blindmatch.server.store.segment.SegmentSubmissionStore;
import org.junit.jupiter.api.Test;

/**
 * The typed write-once stores ({@link TranscriptStore}, {@link ResultStore},
 * {@link SigningKeyStore}): same value again is a no-op, a different one {@code CONFLICT},
 * values are copied, survive a reopen, and each kind has its own key space.
 */
class RecordsTest extends StoreConformance {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void transcriptsPutGetIdempotentAndConflicting() throws Exception {
    try (SegmentSubmissionStore store = open()) {
      TranscriptStore transcripts = store;
      byte[] value = utf8("transcript-1");
      transcripts.putTranscript("run-2", value);
      value[0] = 'X'; // the store keeps its own copy
      transcripts.putTranscript("run-2", utf8("transcript-1"));
      assertKind(Kind.CONFLICT, () -> transcripts.putTranscript("run-2", utf8("other")));
      byte[] got = transcripts.transcript("run-2").orElseThrow();
      assertArrayEquals(utf8("transcript-1"), got);
      got[0] = 'X'; // and hands out copies
      assertArrayEquals(utf8("transcript-1"), transcripts.transcript("run-2").orElseThrow());
      transcripts.putTranscript("run-1", new byte[0]);
      assertTrue(transcripts.transcript("run-3").isEmpty());
    }
    try (SegmentSubmissionStore store = open()) {
      TranscriptStore transcripts = store;
      assertArrayEquals(new byte[0], transcripts.transcript("run-1").orElseThrow());
      assertEquals(List.of("run-1", "run-2"), transcripts.transcriptRunIds());
      assertKind(Kind.INVALID_ARGUMENT, () -> transcripts.putTranscript("", new byte[1]));
      assertKind(Kind.INVALID_ARGUMENT, () -> transcripts.transcript(""));
      assertKind(Kind.INVALID_ARGUMENT, () -> transcripts.transcript("r".repeat(1025)));
    }
  }

  @Test
  void resultsPutGetIdempotentAndConflicting() throws Exception {
    try (SegmentSubmissionStore store = open()) {
      ResultStore results = store;
      results.putResult("run-1", "spiffe://f/p1", utf8("r1"));
      results.putResult("run-1", "spiffe://f/p1", utf8("r1"));
      results.putResult("run-1", "spiffe://f/p2", utf8("r2"));
      results.putResult("run-2", "spiffe://f/p1", new byte[0]);
      assertKind(Kind.CONFLICT, () -> results.putResult("run-1", "spiffe://f/p1", utf8("x")));
      assertTrue(results.result("run-3", "spiffe://f/p1").isEmpty());
      assertTrue(results.result("run-1", "spiffe://f/p3").isEmpty());
    }
    try (SegmentSubmissionStore store = open()) {
      ResultStore results = store;
      assertArrayEquals(utf8("r1"), results.result("run-1", "spiffe://f/p1").orElseThrow());
      assertArrayEquals(utf8("r2"), results.result("run-1", "spiffe://f/p2").orElseThrow());
      assertArrayEquals(new byte[0], results.result("run-2", "spiffe://f/p1").orElseThrow());
      assertKind(Kind.INVALID_ARGUMENT, () -> results.putResult("", "p", new byte[1]));
      assertKind(Kind.INVALID_ARGUMENT, () -> results.putResult("run-1", "", new byte[1]));
      assertKind(Kind.INVALID_ARGUMENT, () -> results.result("r", "p".repeat(1023)));
      results.putResult("r", "p".repeat(1022), new byte[1]); // 1024 characters with the '|'
    }
  }

  @Test
  void signingKeysAreWriteOnce() throws Exception {
    try (SegmentSubmissionStore store = open()) {
      SigningKeyStore keys = store;
      keys.putSigningKey("spiffe://f/ngo", utf8("{keyset}"));
      keys.putSigningKey("spiffe://f/ngo", utf8("{keyset}"));
      assertKind(Kind.CONFLICT, () -> keys.putSigningKey("spiffe://f/ngo", utf8("{other}")));
      assertTrue(keys.signingKey("spiffe://f/platform").isEmpty());
      assertKind(Kind.INVALID_ARGUMENT, () -> keys.putSigningKey("", utf8("{keyset}")));
      assertKind(Kind.INVALID_ARGUMENT, () -> keys.signingKey("k".repeat(1025)));
    }
    try (SegmentSubmissionStore store = open()) {
      assertArrayEquals(utf8("{keyset}"), store.signingKey("spiffe://f/ngo").orElseThrow());
    }
  }

  /** One key in three kinds is three values; the rows keep the kinds and keys of old. */
  @Test
  void kindsHaveSeparateKeySpacesAndTheirRows() throws Exception {
    try (SegmentSubmissionStore store = open()) {
      store.putTranscript("run-1", utf8("t"));
      store.putSigningKey("run-1", utf8("k"));
      store.putResult("run-1", "p", utf8("r"));
      assertArrayEquals(utf8("t"), store.transcript("run-1").orElseThrow());
      assertArrayEquals(utf8("k"), store.signingKey("run-1").orElseThrow());
      assertTrue(store.signingKey("run-1|p").isEmpty());
      assertTrue(store.transcript("run-1|p").isEmpty());
      assertEquals(List.of("run-1"), store.transcriptRunIds());
    }
    List<String> rows = new ArrayList<>();
    try (Connection c = rawConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT kind, key FROM records ORDER BY kind, key")) {
      while (rs.next()) {
        rows.add(rs.getString(1) + " " + rs.getString(2));
      }
    }
    assertEquals(List.of("results run-1|p", "signing-key run-1", "transcript run-1"), rows);
  }

  /** Whatever the database's locale: uppercase before lowercase, '-' before '.' before digits. */
  @Test
  void keysAndSubmissionIdsListInBytewiseOrder() throws Exception {
    List<String> bytewise = List.of("B-2", "B.1", "B1", "a", "b");
    try (SegmentSubmissionStore store = open()) {
      for (String id : List.of("b", "B1", "a", "B.1", "B-2")) {
        store.putTranscript(id, utf8(id));
        Fixtures.upload(store, Fixtures.report(id, 1), Fixtures.records(1, 1), 1);
        Fixtures.commit(store, Fixtures.report(id, 1));
      }
      assertEquals(bytewise, store.transcriptRunIds());
      assertEquals(bytewise, store.listAll().stream().map(StoredSubmission::submissionId)
          .toList());
      assertEquals(bytewise, store.list(Fixtures.SCOPE, Fixtures.KEY_ID, 1).stream()
          .map(StoredSubmission::submissionId).toList());
    }
  }
}
