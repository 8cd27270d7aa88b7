package org.blindmatch.server.store;

import java.nio.file.Path;

/**
 * Child process of {@link KillDashNineTest}: commits submission A, then appends chunks to
 * submission B until killed, printing a line after each durable step.
 */
public final class CrashingWriter {
  static final int A_RECORDS = 5_000;
  static final int B_CHUNK_RECORDS = 64;
  static final long B_EXPECTED = 1L << 40;

  private CrashingWriter() {}

  static UploadSpec specA() {
    return Fixtures.report("A", A_RECORDS);
  }

  static UploadSpec specB() {
    return Fixtures.watchlist("B", B_EXPECTED);
  }

  static byte[] bodyA() {
    return Fixtures.records(A_RECORDS, 4242);
  }

  static byte[] chunkB(long sequence) {
    return Fixtures.records(B_CHUNK_RECORDS, 1_000_000 + sequence);
  }

  public static void main(String[] args) throws Exception {
    // Deliberately never closed: the parent kills this process mid-append.
    SegmentSubmissionStore store = SegmentSubmissionStore.open(Path.of(args[0]));
    Fixtures.upload(store, specA(), bodyA(), 700);
    Fixtures.commit(store, specA());
    System.out.println("COMMITTED A");
    store.beginUpload(specB());
    for (long seq = 0; ; seq++) {
      byte[] chunk = chunkB(seq);
      store.appendChunk("B", Fixtures.NGO, seq, chunk, 0, chunk.length);
      System.out.println("APPENDED " + seq);
    }
  }
}
