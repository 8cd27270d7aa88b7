package org.blindmatch.server.store;

import static org.blindmatch.server.store.Fixtures.assertKind;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.blindmatch.server.store.StoreException.Kind;
import org.blindmatch.server.store.segment.SegmentSubmissionStore;
import org.junit.jupiter.api.Test;

/**
 * Witness cosignatures kept with the log ({@link LogStorage#putCosignature}): one per witness
 * and checkpoint size, the first kept, sizes kept apart (10 is not a prefix match of 1), and
 * everything survives a reopen of the store, on both backends.
 */
class CosignaturesTest extends StoreConformance {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void cosignaturesAreKeptPerSizeAndWitnessAndSurviveAReopen() throws Exception {
    try (SegmentSubmissionStore store = open()) {
      LogStorage log = store;
      assertTrue(log.cosignatures(1).isEmpty());
      byte[] line = utf8("— w1 first\n");
      log.putCosignature(1, "w1+0000+key", line);
      line[0] = 'X'; // the store keeps its own copy
      log.putCosignature(1, "w1+0000+key", utf8("— w1 later\n")); // the first stays
      log.putCosignature(1, "w2+0000+key", utf8("— w2\n"));
      log.putCosignature(10, "w1+0000+key", utf8("— w1 at 10\n"));
      log.putCosignature(Long.MAX_VALUE, "w1+0000+key", utf8("— w1 at max\n"));
      assertEquals(2, log.cosignatures(1).size());
      assertEquals(List.of("— w1 at 10\n"), strings(log.cosignatures(10)));
      assertKind(Kind.INVALID_ARGUMENT, () -> log.putCosignature(-1, "w1", utf8("x")));
      assertKind(Kind.INVALID_ARGUMENT, () -> log.putCosignature(1, "", utf8("x")));
      assertKind(Kind.INVALID_ARGUMENT, () -> log.cosignatures(-1));
    }
    try (SegmentSubmissionStore store = open()) {
      List<String> one = strings(store.cosignatures(1));
      assertEquals(2, one.size());
      assertTrue(one.contains("— w1 first\n") && one.contains("— w2\n"), one.toString());
      assertArrayEquals(utf8("— w1 at max\n"), store.cosignatures(Long.MAX_VALUE).get(0));
      assertTrue(store.cosignatures(0).isEmpty());
      assertTrue(store.cosignatures(100).isEmpty());
    }
  }

  private static List<String> strings(List<byte[]> values) {
    return values.stream().map(v -> new String(v, StandardCharsets.UTF_8)).toList();
  }
}
