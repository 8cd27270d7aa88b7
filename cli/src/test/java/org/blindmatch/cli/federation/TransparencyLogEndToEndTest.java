package org.blindmatch.cli.federation;

import org.blindmatch.client.audit.AuditState;
import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.federation.NodeProfile;
import static org.blindmatch.cli.federation.FederationTests.fail;
import static org.blindmatch.cli.federation.FederationTests.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.blindmatch.crypto.keys.EncryptedKeysetFile;
import org.blindmatch.crypto.merkle.MerkleHash;
import org.blindmatch.crypto.merkle.MerkleVerifier;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.GetConsistencyProofRequest;
import org.blindmatch.proto.v1.GetEntriesRequest;
import org.blindmatch.proto.v1.GetInclusionProofRequest;
import org.blindmatch.proto.v1.GetSignedTreeHeadRequest;
import org.blindmatch.proto.v1.InclusionProof;
import org.blindmatch.proto.v1.ListRunsRequest;
import org.blindmatch.proto.v1.LogEntry;
import org.blindmatch.proto.v1.LogPosition;
import org.blindmatch.proto.v1.Receipt;
import org.blindmatch.proto.v1.SignedTranscript;
import org.blindmatch.proto.v1.SignedTreeHead;
import org.blindmatch.proto.v1.TreeHead;
import org.blindmatch.core.claims.LogPositions;
import org.blindmatch.core.claims.TreeHeads;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transparency log over real mutual TLS: submitters get receipts with verified log
 * positions, runs are logged, and an auditor checks heads, consistency and entries.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransparencyLogEndToEndTest {
  Path dir;
  TestFederation fed;
  Path platform;
  Path ngo;
  Path operator;
  Path auditor;
  String keyset;
  /** The head the submitter saw after the last submission, before the run. */
  TreeHead headBeforeRun;

  @BeforeAll
  void federation(@TempDir Path tmp) throws Exception {
    dir = tmp;
    fed = new TestFederation(dir, 1);
    platform = fed.node(Role.PLATFORM, "platform");
    ngo = fed.node(Role.NGO, "ngo");
    operator = fed.node(Role.CLEARINGHOUSE, "operator");
    auditor = fed.node(Role.AUDITOR, "auditor");
    Files.writeString(dir.resolve("r.csv"), """
        record_id,ip,timestamp
        R-1,45.77.12.9,2026-03-03T08:30:00Z
        """);
    Files.writeString(dir.resolve("w.csv"), """
        label,ip,start,end
        Bavet,45.77.12.9,2026-03-03T00:00:00Z,2026-03-03T23:59:59Z
        """);
    FederationTests.tokenize(fed, "--reports", "r.csv", "r.bmt");
    FederationTests.tokenize(fed, "--watchlist", "w.csv", "w.bmt");
    String out = ok("submit", "--profile", platform.toString(), "--tokens", path("r.bmt"),
        "--id", "r1");
    assertTrue(out.contains("(inclusion verified)"), out);
    ok("submit", "--profile", ngo.toString(), "--tokens", path("w.bmt"), "--id", "w1");
    try (FederationClient c = client(platform)) {
      keyset = c.publishedScope().getClearinghousePublicKeyset();
    }
    headBeforeRun = LogPositions.verify(keyset, position("w.bmt.receipt.logpos"));
    // --scope takes the scope file here (as tokenize and submit do); others pass the id.
    ok("match", "run", "--profile", operator.toString(), "--scope", fed.scope.toString());
  }

  @AfterAll
  void stop() {
    fed.close();
  }

  @Test
  void aSubmitReturnsAReceiptWhoseInclusionVerifies() throws Exception {
    LogPosition position = position("r.bmt.receipt.logpos");
    TreeHead head = LogPositions.verify(keyset, position);
    // After the scope, its key epoch and the platform's membership.
    assertEquals(3, position.getIndex());
    assertEquals(4, head.getTreeSize());
    Receipt saved = Receipt.parseFrom(Files.readAllBytes(dir.resolve("r.bmt.receipt")));
    assertEquals(saved, LogEntry.parseFrom(position.getEntry()).getReceipt());
    assertEquals(fed.server.identity().uri().toString(), head.getClearinghouse());

    // A platform may fetch a newer head and a proof against it.
    try (FederationClient c = client(platform)) {
      TreeHead now = TreeHeads.verify(keyset,
          c.audit().getSignedTreeHead(GetSignedTreeHeadRequest.getDefaultInstance()));
      InclusionProof proof = c.audit().getInclusionProof(GetInclusionProofRequest.newBuilder()
          .setIndex(position.getIndex()).setTreeSize(now.getTreeSize()).build());
      MerkleVerifier.verifyInclusion(MerkleHash.leafHash(position.getEntry().toByteArray()),
          position.getIndex(),
          now.getTreeSize(), LogPositions.hashes(proof.getHashesList()),
          now.getRootHash().toByteArray());
    }
  }

  @Test
  void resubmittingDoesNotAppendTwice() throws Exception {
    ok("submit", "--profile", platform.toString(), "--tokens", path("r.bmt"), "--id", "r1",
        "--receipt", path("again.receipt"));
    LogPosition again = position("again.receipt.logpos");
    assertEquals(3, again.getIndex());
    LogPositions.verify(keyset, again);
    try (FederationClient c = client(auditor)) {
      assertEquals(7, head(c).getTreeSize(),
          "scope, key epoch, two members, two receipts and one transcript");
    }
  }

  @Test
  void theRunTranscriptIsInTheLog() throws Exception {
    try (FederationClient c = client(auditor)) {
      List<SignedTranscript> runs =
          c.admin().listRuns(ListRunsRequest.getDefaultInstance()).getTranscriptsList();
      assertEquals(1, runs.size());
      List<byte[]> entries = entries(c, 0, head(c).getTreeSize());
      LogEntry last = LogEntry.parseFrom(entries.get(entries.size() - 1));
      assertEquals(runs.get(0), last.getTranscript());
      List<LogEntry.KindCase> kinds = new ArrayList<>();
      for (byte[] e : entries) {
        kinds.add(LogEntry.parseFrom(e).getKindCase());
      }
      assertEquals(List.of(LogEntry.KindCase.SCOPE, LogEntry.KindCase.KEY_EPOCH,
          LogEntry.KindCase.MEMBER, LogEntry.KindCase.RECEIPT, LogEntry.KindCase.MEMBER,
          LogEntry.KindCase.RECEIPT, LogEntry.KindCase.TRANSCRIPT), kinds);
      LogEntry epoch = LogEntry.parseFrom(entries.get(1));
      assertEquals(org.blindmatch.proto.v1.KeyMode.KEY_MODE_HMAC, epoch.getKeyEpoch().getMode());
      LogEntry member = LogEntry.parseFrom(entries.get(2));
      assertEquals("blindmatch://test/platform/platform", member.getMember().getIdentity());
      assertEquals("platform", member.getMember().getRole());
      assertEquals(32, member.getMember().getCertificateSha256().size());
    }
  }

  @Test
  void anAuditorVerifiesHeadsConsistencyAndEntries() throws Exception {
    try (FederationClient c = client(auditor)) {
      TreeHead head = head(c);
      long size = head.getTreeSize();
      List<byte[]> proof = LogPositions.hashes(c.audit().getConsistencyProof(
          GetConsistencyProofRequest.newBuilder().setFirst(headBeforeRun.getTreeSize())
              .setSecond(size).build()).getHashesList());
      MerkleVerifier.verifyConsistency(headBeforeRun.getTreeSize(), size,
          headBeforeRun.getRootHash().toByteArray(), head.getRootHash().toByteArray(), proof);
      List<byte[]> entries = entries(c, 0, size);
      assertEquals(size, entries.size());
      for (int i = 0; i < entries.size(); i++) {
        InclusionProof p = c.audit().getInclusionProof(GetInclusionProofRequest.newBuilder()
            .setIndex(i).setTreeSize(size).build());
        MerkleVerifier.verifyInclusion(MerkleHash.leafHash(entries.get(i)), i, size,
            LogPositions.hashes(p.getHashesList()), head.getRootHash().toByteArray());
      }
      // Entries past the end are not invented; proofs beyond the tree are refused.
      assertEquals(1, entries(c, size - 1, size + 10).size());
      assertCode(Status.Code.OUT_OF_RANGE, () -> c.audit().getInclusionProof(
          GetInclusionProofRequest.newBuilder().setIndex(0).setTreeSize(size + 1).build()));
      assertCode(Status.Code.INVALID_ARGUMENT, () -> c.audit().getConsistencyProof(
          GetConsistencyProofRequest.newBuilder().setFirst(2).setSecond(1).build()));
    }
  }

  /**
   * The uint64 fields of the audit requests at 0, 2^63 - 1, 2^63 and 2^64 - 1 (the last two are
   * negative as a Java long): order between two of them is INVALID_ARGUMENT, a size or start
   * beyond the tree OUT_OF_RANGE (audit.proto), and the message prints the value unsigned.
   */
  @Test
  void uint64SizesAndIndicesAreUnsignedAtTheirBoundaries() throws Exception {
    long max63 = Long.MAX_VALUE;
    long two63 = Long.MIN_VALUE;
    long max64 = -1L;
    try (FederationClient c = client(auditor)) {
      long size = head(c).getTreeSize();
      // GetEntries: [0, 2^64 - 1) is a valid range (the first page); so is [size, any).
      assertEquals(Math.min(size, 256), c.audit().getEntries(GetEntriesRequest.newBuilder()
          .setStart(0).setEnd(max64).build()).getEntriesCount());
      for (long end : new long[] {max63, two63, max64}) {
        assertEquals(0, c.audit().getEntries(GetEntriesRequest.newBuilder()
            .setStart(size).setEnd(end).build()).getEntriesCount());
      }
      assertEquals(0, c.audit().getEntries(GetEntriesRequest.newBuilder()
          .setStart(0).setEnd(0).build()).getEntriesCount());
      for (long start : new long[] {max63, two63, max64}) {
        String m = assertCode(Status.Code.OUT_OF_RANGE, () -> c.audit().getEntries(
            GetEntriesRequest.newBuilder().setStart(start).setEnd(max64).build()));
        assertTrue(m.contains("start " + Long.toUnsignedString(start) + " is beyond"), m);
      }
      assertCode(Status.Code.INVALID_ARGUMENT, () -> c.audit().getEntries(
          GetEntriesRequest.newBuilder().setStart(max64).setEnd(two63).build()));
      assertCode(Status.Code.INVALID_ARGUMENT, () -> c.audit().getEntries(
          GetEntriesRequest.newBuilder().setStart(two63).setEnd(max63).build()));

      // Consistency: 0 <= first <= second; second beyond the tree is OUT_OF_RANGE.
      c.audit().getConsistencyProof(GetConsistencyProofRequest.newBuilder()
          .setFirst(0).setSecond(size).build());
      for (long second : new long[] {max63, two63, max64}) {
        String m = assertCode(Status.Code.OUT_OF_RANGE, () -> c.audit().getConsistencyProof(
            GetConsistencyProofRequest.newBuilder().setFirst(1).setSecond(second).build()));
        assertTrue(m.contains("second " + Long.toUnsignedString(second) + " is beyond"), m);
      }
      assertCode(Status.Code.INVALID_ARGUMENT, () -> c.audit().getConsistencyProof(
          GetConsistencyProofRequest.newBuilder().setFirst(max64).setSecond(two63).build()));
      assertCode(Status.Code.INVALID_ARGUMENT, () -> c.audit().getConsistencyProof(
          GetConsistencyProofRequest.newBuilder().setFirst(two63).setSecond(0).build()));

      // Inclusion: 0 <= index < tree_size; tree_size beyond the tree is OUT_OF_RANGE.
      c.audit().getInclusionProof(GetInclusionProofRequest.newBuilder()
          .setIndex(0).setTreeSize(size).build());
      for (long treeSize : new long[] {max63, two63, max64}) {
        String m = assertCode(Status.Code.OUT_OF_RANGE, () -> c.audit().getInclusionProof(
            GetInclusionProofRequest.newBuilder().setIndex(0).setTreeSize(treeSize).build()));
        assertTrue(m.contains("tree_size " + Long.toUnsignedString(treeSize) + " is beyond"),
            m);
      }
      for (long index : new long[] {max63, two63, max64}) {
        assertCode(Status.Code.INVALID_ARGUMENT, () -> c.audit().getInclusionProof(
            GetInclusionProofRequest.newBuilder().setIndex(index).setTreeSize(size).build()));
      }
      assertCode(Status.Code.INVALID_ARGUMENT, () -> c.audit().getInclusionProof(
          GetInclusionProofRequest.newBuilder().setIndex(0).setTreeSize(0).build()));
      assertCode(Status.Code.OUT_OF_RANGE, () -> c.audit().getInclusionProof(
          GetInclusionProofRequest.newBuilder().setIndex(max63).setTreeSize(two63).build()));
    }
  }

  @Test
  void submittersMayOnlyFetchHeadsAndInclusionProofs() throws Exception {
    for (Path p : List.of(platform, ngo)) {
      try (FederationClient c = client(p)) {
        head(c);
        assertCode(Status.Code.PERMISSION_DENIED, () -> c.audit().getEntries(
            GetEntriesRequest.newBuilder().setStart(0).setEnd(1).build()));
        assertCode(Status.Code.PERMISSION_DENIED, () -> c.audit().getConsistencyProof(
            GetConsistencyProofRequest.newBuilder().setFirst(1).setSecond(2).build()));
      }
    }
  }

  @Test
  void auditVerifyChecksTheWholeLogAndKeepsTheHead() throws Exception {
    String state = path("audit-state");
    String first = ok("audit", "verify", "--profile", auditor.toString(), "--state", state);
    assertTrue(first.contains("first audit"), first);
    assertTrue(first.contains("2 receipts, 1 transcripts, 2 members, 1 scopes, 1 key epochs"),
        first);
    String second = ok("audit", "verify", "--profile", auditor.toString(), "--state", state);
    assertTrue(second.contains("verified from size 7"), second);
    assertTrue(second.contains("0 receipts, 0 transcripts"), "incremental: " + second);
    String denied = fail("audit", "verify", "--profile", platform.toString(), "--state",
        path("platform-state"));
    assertTrue(denied.contains("PERMISSION_DENIED"), denied);
  }

  @Test
  void auditReplayRecomputesTheRun() throws Exception {
    String out = ok("audit", "verify", "--profile", auditor.toString(), "--state",
        path("replay-state"), "--replay");
    assertTrue(out.contains("1 runs recomputed, every result digest and count agrees"), out);
    // Token sets are streamed to auditors only.
    for (Path p : List.of(platform, ngo, operator)) {
      try (FederationClient c = client(p)) {
        assertCode(Status.Code.PERMISSION_DENIED, () -> c.replay().getSubmissionRecords(
            org.blindmatch.proto.v1.GetSubmissionRecordsRequest.newBuilder()
                .setSubmitter("blindmatch://test/platform/platform").setSubmissionId("r1")
                .build()).hasNext());
      }
    }
    try (FederationClient c = client(auditor)) {
      assertCode(Status.Code.NOT_FOUND, () -> c.replay().getSubmissionRecords(
          org.blindmatch.proto.v1.GetSubmissionRecordsRequest.newBuilder()
              .setSubmitter("blindmatch://test/platform/platform").setSubmissionId("nope")
              .build()).hasNext());
    }
  }

  @Test
  void auditVerifyRefusesAForkedLog() throws Exception {
    // A head the clearinghouse signed for a different log of size 2, shown to this auditor
    // earlier: a fork.
    NodeSigner ch = NodeSigner.of(EncryptedKeysetFile.read(
        dir.resolve("pki/clearinghouse.signing.json"), NodeSigner.PURPOSE,
        TestFederation.PASS.toCharArray()));
    org.blindmatch.crypto.merkle.StreamingMerkleRoot other =
        new org.blindmatch.crypto.merkle.StreamingMerkleRoot();
    other.addLeaf(new byte[] {1}, 0, 1);
    other.addLeaf(new byte[] {2}, 0, 1);
    AuditState kept = AuditState.resumedAt(TreeHeads.sign(ch, TreeHead.newBuilder()
        .setTreeSize(2).setRootHash(ByteString.copyFrom(other.root())).build()),
        2, other.frontier());
    Path state = dir.resolve("forked-state");
    kept.save(state);
    byte[] before = Files.readAllBytes(state.resolve(AuditState.FILE));
    String e = fail("audit", "verify", "--profile", auditor.toString(), "--state",
        state.toString());
    assertTrue(e.contains("not consistent with the kept tree head of size 2"), e);
    assertArrayEquals(before, Files.readAllBytes(state.resolve(AuditState.FILE)),
        "a failed audit keeps the old state");
  }

  // ---- helpers ----

  private TreeHead head(FederationClient c) throws Exception {
    return TreeHeads.verify(keyset,
        c.audit().getSignedTreeHead(GetSignedTreeHeadRequest.getDefaultInstance()));
  }

  /** Entries [start, end), page by page. */
  private static List<byte[]> entries(FederationClient c, long start, long end) {
    List<byte[]> out = new ArrayList<>();
    while (true) {
      var page = c.audit().getEntries(GetEntriesRequest.newBuilder()
          .setStart(start + out.size()).setEnd(end).build()).getEntriesList();
      if (page.isEmpty()) {
        return out;
      }
      page.forEach(b -> out.add(b.toByteArray()));
    }
  }

  private LogPosition position(String file) throws Exception {
    return LogPosition.parseFrom(Files.readAllBytes(dir.resolve(file)));
  }

  private static FederationClient client(Path profile) throws Exception {
    return FederationClient.connect(NodeProfile.load(profile), m -> { });
  }

  private String path(String name) {
    return dir.resolve(name).toString();
  }

  /** Asserts the call fails with {@code code}; returns the status description. */
  private static String assertCode(Status.Code code, Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    return String.valueOf(e.getStatus().getDescription());
  }
}
