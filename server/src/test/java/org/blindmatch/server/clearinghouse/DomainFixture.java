package org.blindmatch.server.clearinghouse;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.blindmatch.core.claims.Checkpoints;
import org.blindmatch.core.claims.Commitments;
import org.blindmatch.crypto.sign.NoteKey;
import org.blindmatch.crypto.merkle.StreamingMerkleRoot;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.scope.Tier;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.crypto.time.BucketWidth;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.blindmatch.proto.v1.Chunk;
import org.blindmatch.proto.v1.CommitRequest;
import org.blindmatch.proto.v1.Commitment;
import org.blindmatch.proto.v1.KeyMode;
import org.blindmatch.proto.v1.SubmissionRole;
import org.blindmatch.proto.v1.UploadBegin;
import org.blindmatch.proto.v1.UploadRequest;
import org.blindmatch.server.log.TransparencyLog;
import org.blindmatch.server.metrics.ServerMetrics;
import org.blindmatch.server.store.MetadataLocation;
import org.blindmatch.server.store.StoreException;
import org.blindmatch.server.store.segment.SegmentSubmissionStore;

/**
 * A clearinghouse over an embedded store in a directory, with a two-tier scope, hmac key id
 * {@link #KEY_ID} and helpers that upload and commit as a submitter would. No gRPC.
 */
final class DomainFixture implements AutoCloseable {
  static final NodeIdentity CH = NodeIdentity.fromUri("blindmatch://test/clearinghouse/ch");
  static final NodeIdentity PLATFORM = NodeIdentity.fromUri("blindmatch://test/platform/p");
  static final NodeIdentity NGO = NodeIdentity.fromUri("blindmatch://test/ngo/n");
  static final int KEY_ID = 7;
  static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");

  final SegmentSubmissionStore store;
  final NodeSigner signer = newSigner();
  final NoteKey checkpointKey = newNoteKey();
  final Scope scope = new Scope("test-scope", List.of(
      new Tier("ip+hour", new BucketWidth(3600), 32, 64, 0, 744, 65536),
      new Tier("ip-only", BucketWidth.NONE, 24, 48, 0, 744, 65536)));
  final Clearinghouse ch;
  final ServerMetrics metrics = new ServerMetrics();
  final Submissions submissions;

  DomainFixture(Path dir) throws StoreException {
    store = SegmentSubmissionStore.open(dir, MetadataLocation.embedded());
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    TransparencyLog log = TransparencyLog.open(store, signer, checkpointKey,
        Checkpoints.origin(CH.federation()), CH.uri().toString(), clock);
    ch = new Clearinghouse(CH, store, store, store, store, scope, List.of(KEY_ID), Map.of(), 1,
        Duration.ofDays(1), signer, clock, log);
    submissions = new Submissions(ch, metrics, UploadQuotas.DEFAULTS);
  }

  static NoteKey newNoteKey() {
    try {
      return NoteKey.of(NoteKey.generate());
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  static NodeSigner newSigner() {
    try {
      return NodeSigner.of(NodeSigner.generate());
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** Registers a fresh signing key for {@code node} and returns it. */
  NodeSigner register(NodeIdentity node) throws Exception {
    NodeSigner key = newSigner();
    new Nodes(ch).register(node, null, key.publicKeysetJson());
    return key;
  }

  /** {@code n} sorted records with tiers 0 and 1, their bytes fixed by {@code seed}. */
  static byte[] records(int n, long seed) {
    byte[][] recs = new byte[n][TokenRecord.LENGTH];
    Random r = new Random(seed);
    for (int i = 0; i < n; i++) {
      r.nextBytes(recs[i]);
      recs[i][TokenRecord.TIER_OFFSET] = (byte) (i % 2);
    }
    Arrays.sort(recs, Arrays::compareUnsigned);
    byte[] out = new byte[n * TokenRecord.LENGTH];
    for (int i = 0; i < n; i++) {
      System.arraycopy(recs[i], 0, out, i * TokenRecord.LENGTH, TokenRecord.LENGTH);
    }
    return out;
  }

  static byte[] root(byte[] records) {
    StreamingMerkleRoot root = new StreamingMerkleRoot();
    for (int off = 0; off < records.length; off += TokenRecord.LENGTH) {
      root.addLeaf(records, off, TokenRecord.LENGTH);
    }
    return root.root();
  }

  static SubmissionRole roleOf(NodeIdentity node) {
    return node.role() == org.blindmatch.crypto.pki.Role.NGO
        ? SubmissionRole.SUBMISSION_ROLE_WATCHLIST : SubmissionRole.SUBMISSION_ROLE_REPORT;
  }

  UploadBegin begin(NodeIdentity node, String id, long records) {
    return UploadBegin.newBuilder().setSubmissionId(id).setRole(roleOf(node))
        .setKeyMode(KeyMode.KEY_MODE_HMAC).setScopeDigest(ByteString.copyFrom(scope.digest()))
        .setKeyId(KEY_ID).addTiers(0).addTiers(1).setRecordCount(records).build();
  }

  static UploadRequest beginRequest(UploadBegin begin) {
    return UploadRequest.newBuilder().setBegin(begin).build();
  }

  static UploadRequest chunk(long sequence, byte[] records, int from, int to) {
    return UploadRequest.newBuilder().setChunk(Chunk.newBuilder().setSequence(sequence)
        .setRecords(ByteString.copyFrom(records, from * TokenRecord.LENGTH,
            (to - from) * TokenRecord.LENGTH))).build();
  }

  /** Uploads {@code records} in one stream, two chunks. */
  Submissions.Upload upload(NodeIdentity node, String id, byte[] records) throws Exception {
    int n = records.length / TokenRecord.LENGTH;
    Submissions.Upload upload = submissions.upload(node);
    upload.accept(beginRequest(begin(node, id, n)));
    upload.accept(chunk(0, records, 0, n / 2));
    upload.accept(chunk(1, records, n / 2, n));
    return upload;
  }

  Commitment commitment(NodeIdentity node, String id, byte[] records, byte[] root) {
    return Commitment.newBuilder().setSubmissionId(id).setSubmitter(node.uri().toString())
        .setRole(roleOf(node)).setKeyMode(KeyMode.KEY_MODE_HMAC)
        .setScopeDigest(ByteString.copyFrom(scope.digest())).setKeyId(KEY_ID)
        .addTiers(0).addTiers(1).setRecordCount(records.length / TokenRecord.LENGTH)
        .setMerkleRoot(ByteString.copyFrom(root)).build();
  }

  CommitRequest signedCommit(NodeSigner key, NodeIdentity node, String id, byte[] records)
      throws Exception {
    return Commitments.sign(key, commitment(node, id, records, root(records)));
  }

  /** Registers, uploads and commits {@code records} as {@code node}. */
  void submit(NodeIdentity node, String id, byte[] records) throws Exception {
    NodeSigner key = register(node);
    upload(node, id, records);
    submissions.commit(node, signedCommit(key, node, id, records));
  }

  @Override
  public void close() throws StoreException {
    store.close();
  }
}
