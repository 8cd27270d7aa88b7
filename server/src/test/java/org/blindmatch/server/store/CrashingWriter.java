package org.blindmatch.server.store;

import java.nio.file.Path;
import org.blindmatch.server.store.segment.SegmentSubmissionStore;

/**
 * Child process of {@link KillDashNineTest}: commits submission A, then appends chunks to
 * submission B until killed, printing a line after each durable step. Uses the embedded store
 * unless the parent passed a PostgreSQL database.
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

  private static final String PG_URL = "BLINDMATCH_CRASHING_WRITER_PG_URL";
  private static final String PG_USER = "BLINDMATCH_CRASHING_WRITER_PG_USER";
  private static final String PG_PASSWORD = "BLINDMATCH_CRASHING_WRITER_PG_PASSWORD";

  /** Makes the child use this PostgreSQL database (through its environment). */
  static void passPostgres(ProcessBuilder child, PostgresSettings pg) {
    child.environment().put(PG_URL, pg.url());
    child.environment().put(PG_USER, pg.user());
    child.environment().put(PG_PASSWORD, pg.password());
  }

  public static void main(String[] args) throws Exception {
    String url = System.getenv(PG_URL);
    MetadataLocation metadata = url == null ? MetadataLocation.embedded()
        : new PostgresSettings(url, System.getenv(PG_USER), System.getenv(PG_PASSWORD),
            PostgresSettings.DEFAULT_LOCK_WAIT);
    // Deliberately never closed: the parent kills this process mid-append.
    SegmentSubmissionStore store = SegmentSubmissionStore.open(Path.of(args[0]), metadata);
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
