package org.blindmatch.server.store;

import static org.blindmatch.server.store.Fixtures.assertKind;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.blindmatch.server.store.StoreException.Kind;
import org.junit.jupiter.api.Test;

class RecordsTest extends StoreConformance {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void putGetIdempotentAndConflicting() throws Exception {
    try (SegmentSubmissionStore store = open()) {
      byte[] value = utf8("transcript-1");
      store.putRecord("transcript", "run-2", value);
      value[0] = 'X'; // the store keeps its own copy
      store.putRecord("transcript", "run-2", utf8("transcript-1"));
      assertKind(Kind.CONFLICT, () -> store.putRecord("transcript", "run-2", utf8("other")));
      assertArrayEquals(utf8("transcript-1"),
          store.getRecord("transcript", "run-2").orElseThrow());
      store.putRecord("transcript", "run-1", new byte[0]);
      store.putRecord("result", "run-1/p1", utf8("r"));
      assertTrue(store.getRecord("transcript", "run-3").isEmpty());
      assertTrue(store.getRecord("result", "run-2").isEmpty());
    }
    try (SegmentSubmissionStore store = open()) {
      assertArrayEquals(new byte[0], store.getRecord("transcript", "run-1").orElseThrow());
      assertEquals(List.of("run-1", "run-2"), store.listKeys("transcript"));
      assertEquals(List.of("run-1/p1"), store.listKeys("result"));
      assertEquals(List.of(), store.listKeys("none"));
      assertKind(Kind.INVALID_ARGUMENT, () -> store.putRecord("", "k", new byte[1]));
      assertKind(Kind.INVALID_ARGUMENT, () -> store.getRecord("k", ""));
    }
  }

  /** Whatever the database's locale: uppercase before lowercase, '-' before '.' before digits. */
  @Test
  void keysAndSubmissionIdsListInBytewiseOrder() throws Exception {
    List<String> bytewise = List.of("B-2", "B.1", "B1", "a", "b");
    try (SegmentSubmissionStore store = open()) {
      for (String id : List.of("b", "B1", "a", "B.1", "B-2")) {
        store.putRecord("k", id, utf8(id));
        Fixtures.upload(store, Fixtures.report(id, 1), Fixtures.records(1, 1), 1);
        Fixtures.commit(store, Fixtures.report(id, 1));
      }
      assertEquals(bytewise, store.listKeys("k"));
      assertEquals(bytewise, store.listAll().stream().map(StoredSubmission::submissionId)
          .toList());
      assertEquals(bytewise, store.list(Fixtures.SCOPE, Fixtures.KEY_ID, 1).stream()
          .map(StoredSubmission::submissionId).toList());
    }
  }
}
