package org.blindmatch.server.store;

import org.blindmatch.testing.Await;
import org.blindmatch.testing.TestTimeout;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.junit.jupiter.api.Test;
import org.blindmatch.server.store.segment.SegmentSubmissionStore;

/** Kills a writing JVM with SIGKILL and checks what survives. */
class KillDashNineTest extends StoreConformance {
  private static final String EOF = "\u0000EOF";
  private static final long MIN_APPENDED = 20;


  @Test
  void committedSurvivesAndUploadResumesFromDurableSequence() throws Exception {
    long lastPrinted = runAndKill();

    try (SegmentSubmissionStore store = open()) {
      StoredSubmission a = store.find("A").orElseThrow();
      assertEquals(CrashingWriter.A_RECORDS, a.records());
      assertArrayEquals(CrashingWriter.bodyA(), Fixtures.readAll(store, "A"));

      UploadState b = store.beginUpload(CrashingWriter.specB());
      // Every printed chunk was durable; at most one more may have completed unprinted.
      assertTrue(b.nextSequence() == lastPrinted + 1 || b.nextSequence() == lastPrinted + 2,
          "next " + b.nextSequence() + " after printing " + lastPrinted);
      assertEquals(b.nextSequence() * CrashingWriter.B_CHUNK_RECORDS, b.recordsReceived());
      Path staged = store.stagedFile("B");
      assertEquals(b.recordsReceived() * TokenRecord.LENGTH, Files.size(staged));
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      for (long seq = 0; seq < b.nextSequence(); seq++) {
        expected.write(CrashingWriter.chunkB(seq));
      }
      assertArrayEquals(expected.toByteArray(), Files.readAllBytes(staged));

      byte[] next = CrashingWriter.chunkB(b.nextSequence());
      UploadState after = store.appendChunk("B", Fixtures.NGO, b.nextSequence(), next, 0,
          next.length);
      assertEquals(b.nextSequence() + 1, after.nextSequence());
    }
  }

  /**
   * Runs {@link CrashingWriter} until it has appended enough, kills it, and returns the last
   * sequence it reported.
   */
  private long runAndKill() throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    ProcessBuilder builder = new ProcessBuilder(java, "-cp",
        System.getProperty("java.class.path"), CrashingWriter.class.getName(), dir.toString())
        .redirectErrorStream(true);
    if (metadata instanceof PostgresSettings pg) {
      CrashingWriter.passPostgres(builder, pg);
    }
    Process child = builder.start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread pump = new Thread(() -> pump(child.getInputStream(), lines), "child-output");
    pump.setDaemon(true);
    pump.start();
    List<String> transcript = new ArrayList<>();
    try {
      boolean committedA = false;
      long deadline = System.nanoTime() + TestTimeout.get().toNanos();
      while (true) {
        String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (line == null || line.equals(EOF)) {
          fail("child stopped (or no progress " + TestTimeout.describe() + "):\n" + String.join("\n", transcript));
        }
        transcript.add(line);
        if (line.equals("COMMITTED A")) {
          committedA = true;
        } else if (line.startsWith("APPENDED ") && committedA
            && Long.parseLong(line.substring(9)) >= MIN_APPENDED) {
          break;
        }
      }
      child.destroyForcibly();
      Await.exit(child, "the child killed with SIGKILL");
      assertNotEquals(0, child.exitValue(), "child should have been killed");
      // The child is dead, so its stdout reaches EOF: wait for the pump to read every line it
      // printed (a timed join could miss lines on a loaded machine and under-count).
      pump.join();
    } finally {
      child.destroyForcibly();
    }
    // Lines printed after we stopped reading still count: they were printed after a durable
    // append.
    long last = -1;
    List<String> rest = new ArrayList<>();
    lines.drainTo(rest);
    transcript.addAll(rest);
    for (String line : transcript) {
      if (line.startsWith("APPENDED ")) {
        last = Long.parseLong(line.substring(9));
      }
    }
    return last;
  }

  private static void pump(InputStream in, BlockingQueue<String> lines) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in,
        StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        lines.add(line);
      }
    } catch (IOException ignored) {
      // The child was killed.
    }
    lines.add(EOF);
  }
}
