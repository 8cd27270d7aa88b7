package org.blindmatch.server.clearinghouse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.LogEntry;
import org.blindmatch.proto.v1.Receipt;
import org.blindmatch.proto.v1.SignedTranscript;
import org.blindmatch.server.log.TransparencyLog;
import org.blindmatch.server.store.SegmentSubmissionStore;
import org.blindmatch.server.store.StoreConformance;
import org.blindmatch.server.store.UploadSpec;
import org.junit.jupiter.api.Test;

class LogBackfillTest extends StoreConformance {
  private static final String PLATFORM = "blindmatch://test/platform/p";


  /** As after a crash between a commit (or a stored transcript) and its log append. */
  @Test
  void logsWhatACrashLeftOutOnceOnly() throws Exception {
    NodeSigner signer = NodeSigner.of(NodeSigner.generate());
    Receipt receipt = Receipt.newBuilder().setBody(ByteString.copyFromUtf8("body"))
        .setSignature(ByteString.copyFromUtf8("sig")).build();
    SignedTranscript transcript = SignedTranscript.newBuilder()
        .setTranscript(ByteString.copyFromUtf8("run")).build();
    try (SegmentSubmissionStore store = open()) {
      byte[] records = new byte[66];
      new Random(1).nextBytes(records);
      store.beginUpload(new UploadSpec("s1", PLATFORM, UploadSpec.ROLE_REPORT, new byte[32], 7,
          new int[] {0}, 2));
      store.appendChunk("s1", PLATFORM, 0, records, 0, records.length);
      Instant t0 = Instant.parse("2026-03-01T00:00:00Z");
      store.commit("s1", PLATFORM, new byte[32], new byte[64], receipt.toByteArray(), t0,
          t0.plusSeconds(60));
      store.putRecord(Clearinghouse.TRANSCRIPTS, "run-1", transcript.toByteArray());

      TransparencyLog log =
          TransparencyLog.open(store, signer, "blindmatch://test/clearinghouse/ch",
              Clock.systemUTC());
      Clearinghouse ch = new Clearinghouse(null, store, null, List.of(), java.util.Map.of(), 1, null, signer,
          Clock.systemUTC(), log);
      assertEquals(2, LogBackfill.run(ch));
      assertEquals(0, LogBackfill.run(ch));
      List<byte[]> entries = log.entries(0, 10);
      assertEquals(receipt, LogEntry.parseFrom(entries.get(0)).getReceipt());
      assertEquals(transcript, LogEntry.parseFrom(entries.get(1)).getTranscript());
    }
  }
}
