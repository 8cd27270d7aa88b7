package org.blindmatch.cli.federation;

import org.blindmatch.core.limits.Limits;
import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.federation.NodeProfile;
import org.blindmatch.client.submit.Submitter;
import static org.blindmatch.cli.federation.FederationTests.addLeaves;
import static org.blindmatch.cli.federation.FederationTests.chunk;
import static org.blindmatch.cli.federation.FederationTests.commit;
import static org.blindmatch.cli.federation.FederationTests.nextSequence;
import static org.blindmatch.cli.federation.FederationTests.observer;
import static org.blindmatch.cli.federation.FederationTests.ok;
import static org.blindmatch.cli.federation.FederationTests.status;
import static org.blindmatch.cli.federation.FederationTests.tokenize;
import static org.blindmatch.cli.federation.FederationTests.upload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.blindmatch.crypto.merkle.StreamingMerkleRoot;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.blindmatch.proto.v1.Receipt;
import org.blindmatch.proto.v1.ReceiptBody;
import org.blindmatch.proto.v1.UploadBegin;
import org.blindmatch.proto.v1.UploadRequest;
import org.blindmatch.proto.v1.UploadStatus;
import org.blindmatch.testing.Await;
import org.blindmatch.testing.ChildJvms;
import org.blindmatch.testing.TestTimeout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety of a real clearinghouse process ({@code blindmatch serve clearinghouse}, mutual
 * TLS on loopback) killed with SIGKILL in the middle of a large upload, then restarted on the
 * same {@code data_dir}. Proves that a submission committed before the crash is still
 * committed with its original receipt, that the interrupted upload survives with exactly the
 * chunks the server had durably stored (never more than were sent, never fewer than it had
 * acknowledged), and that sending only the missing chunks and committing the RFC 9162 root of
 * all records in order succeeds.
 */
class ServerCrashTest {
  /** Chunks in the interrupted upload. */
  private static final int CHUNKS = 60;
  /** Records per chunk, as the submit CLI cuts them (990,000 bytes, under the 1 MiB limit). */
  private static final int CHUNK_RECORDS = Limits.CHUNK_RECORDS;
  private static final long RECORDS = (long) CHUNKS * CHUNK_RECORDS;
  /** The server is killed once its durable next_sequence reaches this. */
  private static final int KILL_AT = 5;
  /** The sender hands at most this many chunks to gRPC before the kill: it lands mid-upload. */
  private static final int HOLD_AT = 40;
  /** Leading 8 bytes of record g lie in [g * STRIDE, (g + 1) * STRIDE): strictly ascending. */
  private static final long STRIDE = Long.MAX_VALUE / RECORDS;
  private static final long SEED = 0x5eed_c4a5L;

  @TempDir Path dir;
  private ChildJvms servers;

  @BeforeEach
  void processes() {
    servers = new ChildJvms(dir);
  }

  @AfterEach
  void killServers() throws InterruptedException {
    servers.close();
  }

  @Test
  void sigkillMidUploadKeepsCommitsAndTheUploadResumes() throws Exception {
    TestFederation fed = new TestFederation(dir, 1, false);
    Path platform = fed.node(Role.PLATFORM, "platform-a");
    Process first = startServer(fed, "clearinghouse-1.log");
    fed.usePort(servers.awaitPort(first, "clearinghouse-1.log"));

    // A submission committed through the CLI before the crash.
    Files.writeString(dir.resolve("a.csv"), """
        record_id,ip,timestamp
        A-1,45.77.12.9,2026-03-03T08:30:00Z
        A-2,45.77.12.10,2026-03-03T08:30:00Z
        """);
    tokenize(fed, "--reports", "a.csv", "a.bmt");
    ok("submit", "--profile", platform.toString(), "--tokens", path("a.bmt"), "--id", "a1");
    // The member pinned on first use the log key that 'serve' announced for pinning.
    String pinned = Files.readString(platform.resolveSibling(platform.getFileName() + ".pins"))
        .replaceAll("(?s).*log-key (sha256:[0-9a-f]{64}).*", "$1");
    assertTrue(log("clearinghouse-1.log").contains("log key " + pinned + " "),
        () -> log("clearinghouse-1.log"));
    byte[] receipt = Files.readAllBytes(dir.resolve("a.bmt.receipt"));

    // A large upload over raw stubs, killed with SIGKILL once 5 chunks are durable.
    UploadBegin begin = fed.begin("big", RECORDS);
    int observed;
    int sent;
    try (FederationClient c = FederationClient.connect(NodeProfile.load(platform), m -> { });
        FederationClient probe = FederationClient.connect(NodeProfile.load(platform), m -> { })) {
      c.registerSigningKey();
      CountDownLatch killed = new CountDownLatch(1);
      AtomicInteger handedOver = new AtomicInteger();
      CompletableFuture<UploadStatus> cut = new CompletableFuture<>();
      Thread sender = new Thread(() -> {
        StreamObserver<UploadRequest> req = c.submissionsAsync().upload(observer(cut));
        req.onNext(UploadRequest.newBuilder().setBegin(begin).build());
        for (int seq = 0; seq < HOLD_AT && killed.getCount() > 0; seq++) {
          UploadRequest request = chunk(seq, bigChunk(seq));
          handedOver.set(seq + 1); // counted before it can reach the server
          req.onNext(request);
        }
        try {
          killed.await(TestTimeout.seconds(), java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        // Never half-closed: the stream ends with the server.
      }, "crash-test-sender");
      sender.setDaemon(true);
      sender.start();
      long[] next = {-1};
      Await.until(() -> {
        assertTrue(first.isAlive(), () -> "server died: " + log("clearinghouse-1.log"));
        return (next[0] = nextSequence(probe, "big")) >= KILL_AT;
      }, () -> "upload reaching chunk " + KILL_AT);
      observed = (int) next[0];
      servers.kill(first);
      assertEquals(128 + 9, first.exitValue(), "exit status of a process killed by SIGKILL");
      sent = handedOver.get(); // an upper bound on what reached the server before it died
      killed.countDown();
      sender.join(TestTimeout.get().toMillis());
      assertFalse(sender.isAlive());
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> Await.done(cut), "the interrupted upload must not succeed");
      assertEquals(Status.Code.UNAVAILABLE, Status.fromThrowable(e.getCause()).getCode());
      assertTrue(observed < CHUNKS, "killed before the upload was complete: " + observed);
      assertNoStackTrace("clearinghouse-1.log");
    }

    // The same data_dir and config in a new process, on a new port.
    Process second = startServer(fed, "clearinghouse-2.log");
    fed.usePort(servers.awaitPort(second, "clearinghouse-2.log"));

    // (a) The committed submission survived: resubmitting returns the identical receipt.
    ok("submit", "--profile", platform.toString(), "--tokens", path("a.bmt"), "--id", "a1",
        "--receipt", path("a.again.receipt"));
    assertArrayEquals(receipt, Files.readAllBytes(dir.resolve("a.again.receipt")),
        "receipt after the crash");

    try (FederationClient c = FederationClient.connect(NodeProfile.load(platform), m -> { })) {
      // (b) The interrupted upload kept every acknowledged chunk and none it was not sent.
      UploadStatus s = status(c, "big");
      assertFalse(s.getCommitted());
      long resumeAt = s.getNextSequence();
      assertTrue(resumeAt >= observed && resumeAt <= sent, "next_sequence " + resumeAt
          + " after the crash; " + observed + " were durable before it, " + sent + " sent");
      assertEquals(resumeAt * CHUNK_RECORDS, s.getRecordsReceived(), "whole chunks only");

      // (c) Sending only the missing chunks and committing the right root succeeds.
      List<UploadRequest> missing = new ArrayList<>();
      for (int seq = (int) resumeAt; seq < CHUNKS; seq++) {
        missing.add(chunk(seq, bigChunk(seq)));
      }
      UploadStatus done = Await.done(upload(c, begin, missing.toArray(UploadRequest[]::new)));
      assertEquals(CHUNKS, done.getNextSequence());
      assertEquals(RECORDS, done.getRecordsReceived());
      assertFalse(done.getCommitted());
      StreamingMerkleRoot merkle = new StreamingMerkleRoot();
      for (int seq = 0; seq < CHUNKS; seq++) {
        addLeaves(merkle, bigChunk(seq));
      }
      byte[] root = merkle.root();
      Receipt r = commit(c, fed.commitment(c, "big", RECORDS, root), true);
      assertArrayEquals(root, ReceiptBody.parseFrom(r.getBody()).getCommitment()
          .getMerkleRoot().toByteArray());
      assertTrue(status(c, "big").getCommitted());
      // The commit is idempotent after the crash, too.
      assertArrayEquals(r.toByteArray(),
          commit(c, fed.commitment(c, "big", RECORDS, root), true).toByteArray());
    }
    assertTrue(second.isAlive());
    assertNoStackTrace("clearinghouse-2.log");
  }

  /**
   * Chunk {@code seq} of the large upload: records ascending across all chunks (their leading
   * 8 bytes are a strictly increasing big-endian number), otherwise random, tiers 0 and 1.
   * Deterministic, so a resume and the Merkle root regenerate the same bytes.
   */
  private static byte[] bigChunk(int seq) {
    Random rnd = new Random(SEED * 31 + seq);
    byte[] b = new byte[CHUNK_RECORDS * TokenRecord.LENGTH];
    rnd.nextBytes(b);
    ByteBuffer buf = ByteBuffer.wrap(b);
    for (int j = 0; j < CHUNK_RECORDS; j++) {
      long g = (long) seq * CHUNK_RECORDS + j;
      int off = j * TokenRecord.LENGTH;
      buf.putLong(off, g * STRIDE + rnd.nextLong(STRIDE));
      b[off + TokenRecord.TIER_OFFSET] = (byte) (g % 2);
    }
    return b;
  }

  private Process startServer(TestFederation fed, String logName) throws IOException {
    return FederationTests.serveClearinghouse(servers, fed, logName);
  }

  private String log(String name) {
    return servers.log(name);
  }

  private void assertNoStackTrace(String logName) {
    String log = log(logName);
    assertFalse(log.contains("\tat "), "no stack trace in " + logName + ": " + log);
  }

  private String path(String name) {
    return dir.resolve(name).toString();
  }
}
