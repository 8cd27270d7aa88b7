package org.blindmatch.cli.federation;

import org.blindmatch.testing.Await;
import static org.blindmatch.cli.federation.FederationTests.chunk;
import static org.blindmatch.cli.federation.FederationTests.records;
import static org.blindmatch.cli.federation.FederationTests.upload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.federation.NodeProfile;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.proto.v1.UploadBegin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The uint64 and uint32 fields of an upload at their boundaries, over mutual TLS against an
 * in-process clearinghouse: 0 and 2^63 - 1 (2^31 - 1) as Java reads them, 2^63 and 2^64 - 1
 * (2^31, 2^32 - 1), which arrive negative. Codes are those submission.proto documents, and
 * every message names the value unsigned.
 */
class UnsignedUploadFieldsTest {
  private static final long[] LONG_EDGES = {Long.MAX_VALUE, Long.MIN_VALUE, -1L};
  private static final int[] INT_EDGES = {Integer.MAX_VALUE, Integer.MIN_VALUE, -1};

  @Test
  void uploadFieldsAreReadUnsigned(@TempDir Path dir) throws Exception {
    try (TestFederation fed = new TestFederation(dir, 1);
        FederationClient c = FederationClient.connect(
            NodeProfile.load(fed.node(Role.PLATFORM, "platform-a")), m -> { })) {
      c.registerSigningKey();
      int n = 0;

      // record_count: 0 and 1 are counts; 2^63 - 1 and above are refused, by the per-submission
      // quota (RESOURCE_EXHAUSTED, max_submission_records) or, for 2^63 and above, possibly
      // first as out of the range a store can hold (INVALID_ARGUMENT); either way named unsigned.
      Await.done(upload(c, fed.begin("count-1", 1), chunk(0, records(1, 1))));
      for (long count : LONG_EDGES) {
        String m = refusedWithAny(upload(c, fed.begin("count-" + n++, count),
            chunk(0, records(1, 2))), count >= 0
                ? java.util.Set.of(Status.Code.RESOURCE_EXHAUSTED)
                : java.util.Set.of(Status.Code.RESOURCE_EXHAUSTED, Status.Code.INVALID_ARGUMENT));
        assertTrue(m.contains("a submission of " + Long.toUnsignedString(count) + " records "
            + "exceeds") || m.contains("record count out of range: "
            + Long.toUnsignedString(count)), m);
        assertTrue(!m.contains(" -"), m); // no negative number
      }

      // Chunk sequence: 0 first; 2^63 - 1, 2^63 and 2^64 - 1 are gaps (out of order).
      for (long seq : LONG_EDGES) {
        String m = refused(Status.Code.FAILED_PRECONDITION,
            upload(c, fed.begin("seq-" + n++, 1), chunk(seq, records(1, 3))));
        assertTrue(m.contains(Long.toUnsignedString(seq)), m);
        assertTrue(!m.contains(" -"), m); // no negative number
      }

      // Tiers (uint32): 0 and 1 are the scope's; 2^31 - 1 and above are not.
      for (int tier : INT_EDGES) {
        UploadBegin b = fed.begin("tier-" + n++, 1).toBuilder().clearTiers().addTiers(tier)
            .build();
        String m = refused(Status.Code.FAILED_PRECONDITION,
            upload(c, b, chunk(0, records(1, 4))));
        assertTrue(m.contains("tier set [" + Integer.toUnsignedString(tier) + "]"), m);
      }

      // key_id (uint32): only the accepted one; others are named unsigned.
      for (int keyId : new int[] {0, Integer.MAX_VALUE, Integer.MIN_VALUE, -1}) {
        if (keyId == fed.keyId) {
          continue;
        }
        UploadBegin b = fed.begin("key-" + n++, 1).toBuilder().setKeyId(keyId).build();
        String m = refused(Status.Code.FAILED_PRECONDITION,
            upload(c, b, chunk(0, records(1, 5))));
        assertTrue(m.contains("hmac key id " + Integer.toUnsignedString(keyId)
            + " is not accepted"), m);
      }
    }
  }

  private static String refusedWithAny(Future<?> call, java.util.Set<Status.Code> codes)
      throws Exception {
    try {
      Await.done(call);
    } catch (ExecutionException e) {
      StatusRuntimeException s = (StatusRuntimeException) e.getCause();
      assertTrue(codes.contains(s.getStatus().getCode()), s.getStatus().toString());
      return String.valueOf(s.getStatus().getDescription());
    }
    throw new AssertionError("expected one of " + codes);
  }

  private static String refused(Status.Code code, Future<?> call) throws Exception {
    try {
      Await.done(call);
    } catch (ExecutionException e) {
      StatusRuntimeException s = (StatusRuntimeException) e.getCause();
      assertEquals(code, s.getStatus().getCode(), s.getStatus().toString());
      return String.valueOf(s.getStatus().getDescription());
    }
    throw new AssertionError("expected " + code);
  }
}
