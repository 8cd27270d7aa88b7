package org.blindmatch.cli.federation;

import org.blindmatch.core.claims.Commitments;
import org.blindmatch.client.federation.FederationClient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.blindmatch.cli.BlindmatchCli;
import org.blindmatch.crypto.merkle.StreamingMerkleRoot;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.blindmatch.proto.v1.Chunk;
import org.blindmatch.proto.v1.CommitRequest;
import org.blindmatch.proto.v1.Commitment;
import org.blindmatch.proto.v1.GetUploadStatusRequest;
import org.blindmatch.proto.v1.Receipt;
import org.blindmatch.proto.v1.UploadBegin;
import org.blindmatch.proto.v1.UploadRequest;
import org.blindmatch.proto.v1.UploadStatus;
import org.blindmatch.testing.ChildJvms;

/** Helpers shared by the federation tests: the CLI in-process and raw SubmissionService calls. */
public final class FederationTests {
  private FederationTests() {}

  /** Runs the CLI, asserts exit status 0 and no stack trace; returns stdout. */
  public static String ok(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = BlindmatchCli.execute(args, new PrintWriter(out), new PrintWriter(err));
    assertEquals(0, status, () -> String.join(" ", args) + " failed: " + err);
    assertFalse(err.toString().contains("\tat "), "no stack trace: " + err);
    return out.toString();
  }

  /** Runs the CLI, asserts exit status 1 and no stack trace; returns stderr. */
  public static String fail(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = BlindmatchCli.execute(args, new PrintWriter(out), new PrintWriter(err));
    assertEquals(1, status, () -> String.join(" ", args) + " should fail: " + out + err);
    assertFalse(err.toString().contains("\tat "), "no stack trace: " + err);
    return err.toString();
  }

  /**
   * {@code blindmatch serve clearinghouse} with the federation's configuration in a JVM of its
   * own, output to {@code logName}; wait for it with {@link ChildJvms#awaitPort}.
   */
  public static Process serveClearinghouse(ChildJvms jvms, TestFederation fed, String logName)
      throws IOException {
    return cli(jvms, logName, "serve", "clearinghouse", "--config", fed.config.toString());
  }

  /** {@code blindmatch ARGS} in a JVM of its own (512 MiB heap), output to {@code logName}. */
  public static Process cli(ChildJvms jvms, String logName, String... args) throws IOException {
    return jvms.start(logName, List.of("-Xmx512m"), BlindmatchCli.class.getName(),
        List.of(args));
  }

  /** The four parties of a federation test, as node profiles. */
  record Parties(Path platform, Path ngo, Path operator, Path auditor) {}

  /**
   * Issues a platform, an NGO, an operator and an auditor, and tokenizes two report events
   * ({@code a.bmt}; A-1 matches) and one watchlist record ({@code w.bmt}) in the federation's
   * directory.
   */
  public static Parties partiesWithTokens(TestFederation fed) throws Exception {
    Parties parties = new Parties(fed.node(Role.PLATFORM, "platform-a"),
        fed.node(Role.NGO, "ngo"), fed.node(Role.CLEARINGHOUSE, "operator"),
        fed.node(Role.AUDITOR, "auditor"));
    Files.writeString(fed.dir.resolve("a.csv"), """
        record_id,ip,timestamp
        A-1,45.77.12.9,2026-03-03T08:30:00Z
        A-2,45.77.12.10,2026-03-03T08:30:00Z
        """);
    Files.writeString(fed.dir.resolve("w.csv"), """
        label,ip,start,end
        Bavet,45.77.12.9,2026-03-03T00:00:00Z,2026-03-03T23:59:59Z
        """);
    tokenize(fed, "--reports", "a.csv", "a.bmt");
    tokenize(fed, "--watchlist", "w.csv", "w.bmt");
    return parties;
  }

  /** {@code blindmatch tokenize KIND CSV} with the federation's scope and keyset. */
  public static void tokenize(TestFederation fed, String kind, String csv, String out) {
    ok("tokenize", kind, fed.dir.resolve(csv).toString(), "--scope", fed.scope.toString(),
        "--keyset", fed.keyset.toString(), "--passphrase-file",
        fed.dir.resolve("passphrase.txt").toString(), "--out", fed.dir.resolve(out).toString(),
        "--no-progress");
  }

  public static UploadRequest chunk(long seq, byte[] records) {
    return UploadRequest.newBuilder().setChunk(Chunk.newBuilder().setSequence(seq)
        .setRecords(ByteString.copyFrom(records))).build();
  }

  /** {@code n} random records (unsorted) with tiers alternating 0, 1. */
  public static byte[] records(int n, long seed) {
    byte[] b = new byte[n * TokenRecord.LENGTH];
    new Random(seed).nextBytes(b);
    for (int i = 0; i < n; i++) {
      b[i * TokenRecord.LENGTH + TokenRecord.TIER_OFFSET] = (byte) (i % 2);
    }
    return b;
  }

  /** The records sorted ascending by unsigned bytes. */
  public static byte[] sorted(byte[] recs) {
    int n = recs.length / TokenRecord.LENGTH;
    byte[][] rows = new byte[n][];
    for (int i = 0; i < n; i++) {
      rows[i] = Arrays.copyOfRange(recs, i * TokenRecord.LENGTH, (i + 1) * TokenRecord.LENGTH);
    }
    Arrays.sort(rows, Arrays::compareUnsigned);
    byte[] out = new byte[recs.length];
    for (int i = 0; i < n; i++) {
      System.arraycopy(rows[i], 0, out, i * TokenRecord.LENGTH, TokenRecord.LENGTH);
    }
    return out;
  }

  /** The RFC 9162 root of the records in order. */
  public static byte[] root(byte[] recs) {
    StreamingMerkleRoot r = new StreamingMerkleRoot();
    addLeaves(r, recs);
    return r.root();
  }

  public static void addLeaves(StreamingMerkleRoot r, byte[] recs) {
    for (int i = 0; i < recs.length; i += TokenRecord.LENGTH) {
      r.addLeaf(recs, i, TokenRecord.LENGTH);
    }
  }

  /** Commits, signing with the client's node key (or a corrupted signature). */
  public static Receipt commit(FederationClient c, Commitment commitment, boolean goodSignature)
      throws Exception {
    CommitRequest signed = Commitments.sign(c.signer(), commitment);
    byte[] bytes = signed.getCommitment().toByteArray();
    byte[] sig = signed.getSignature().toByteArray();
    if (!goodSignature) {
      sig[sig.length - 1] ^= 1;
    }
    return c.submissions().commit(CommitRequest.newBuilder()
        .setCommitment(ByteString.copyFrom(bytes)).setSignature(ByteString.copyFrom(sig))
        .build()).getReceipt();
  }

  /** The upload's next sequence, or -1 while the server does not know it. */
  public static long nextSequence(FederationClient c, String id) {
    try {
      return status(c, id).getNextSequence();
    } catch (StatusRuntimeException e) {
      return -1; // the begin has not been processed yet
    }
  }

  public static UploadStatus status(FederationClient c, String id) {
    return c.submissions().getUploadStatus(GetUploadStatusRequest.newBuilder()
        .setSubmissionId(id).build());
  }

  /** One Upload stream: the begin, the chunks, then half-close. */
  public static CompletableFuture<UploadStatus> upload(FederationClient c, UploadBegin begin,
      UploadRequest... chunks) {
    CompletableFuture<UploadStatus> result = new CompletableFuture<>();
    StreamObserver<UploadRequest> req = c.submissionsAsync().upload(observer(result));
    req.onNext(UploadRequest.newBuilder().setBegin(begin).build());
    for (UploadRequest r : chunks) {
      req.onNext(r);
    }
    req.onCompleted();
    return result;
  }

  /** Completes {@code f} with the single response or the error. */
  public static StreamObserver<UploadStatus> observer(CompletableFuture<UploadStatus> f) {
    return new StreamObserver<>() {
      @Override
      public void onNext(UploadStatus value) {
        f.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        f.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {}
    };
  }
}
