package org.blindmatch.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.blindmatch.server.store.StoreException.Kind;
import org.junit.jupiter.api.function.Executable;

/** Shared test data: deterministic records, specs and assertion helpers. */
final class Fixtures {
  static final String PLATFORM = "blindmatch://fed/platform/p1";
  static final String NGO = "blindmatch://fed/ngo/n1";
  static final byte[] SCOPE = filled(32, 0x5c);
  static final byte[] OTHER_SCOPE = filled(32, 0x77);
  static final int KEY_ID = 0x1234abcd;
  static final byte[] ROOT = filled(32, 0x42);
  static final byte[] SIGNATURE = filled(64, 0x51);
  static final byte[] RECEIPT = filled(100, 0x52);
  static final Instant T0 = Instant.parse("2025-06-01T12:00:00.123456789Z");
  static final Instant EXPIRY = T0.plusSeconds(86_400);

  private Fixtures() {}

  static byte[] filled(int n, int value) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }

  /** {@code n} records whose bytes depend only on {@code seed}. */
  static byte[] records(int n, long seed) {
    byte[] b = new byte[n * TokenRecord.LENGTH];
    new Random(seed).nextBytes(b);
    for (int i = 0; i < n; i++) {
      b[i * TokenRecord.LENGTH + TokenRecord.TIER_OFFSET] = (byte) (i % 2);
    }
    return b;
  }

  static UploadSpec report(String id, long expectedRecords) {
    return new UploadSpec(id, PLATFORM, UploadSpec.ROLE_REPORT, SCOPE, KEY_ID,
        new int[] {0, 1}, expectedRecords);
  }

  static UploadSpec watchlist(String id, long expectedRecords) {
    return new UploadSpec(id, NGO, UploadSpec.ROLE_WATCHLIST, SCOPE, KEY_ID,
        new int[] {0, 1}, expectedRecords);
  }

  /** Begins {@code spec} and uploads {@code body} in chunks of {@code chunkRecords}. */
  static UploadState upload(SubmissionStore store, UploadSpec spec, byte[] body,
      int chunkRecords) throws StoreException {
    UploadState state = store.beginUpload(spec);
    int chunk = chunkRecords * TokenRecord.LENGTH;
    long seq = state.nextSequence();
    for (int off = (int) (seq * chunk); off < body.length; off += chunk) {
      state = store.appendChunk(spec.submissionId(), spec.submitter(), seq++, body, off,
          Math.min(chunk, body.length - off));
    }
    return state;
  }

  static StoredSubmission commit(SubmissionStore store, UploadSpec spec)
      throws StoreException {
    return store.commit(spec.submissionId(), spec.submitter(), ROOT, SIGNATURE, RECEIPT, T0,
        EXPIRY);
  }

  static byte[] readAll(SubmissionStore store, String id) throws StoreException, IOException {
    try (InputStream in = store.openRecords(id)) {
      return in.readAllBytes();
    }
  }

  static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static StoreException assertKind(Kind kind, Executable call) {
    StoreException e = assertThrows(StoreException.class, call);
    assertEquals(kind, e.kind(), e.getMessage());
    return e;
  }
}
