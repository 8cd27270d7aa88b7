package org.blindmatch.server.log;

import org.blindmatch.core.claims.LogPositions;
import org.blindmatch.core.claims.ClaimVerificationException;
import org.blindmatch.core.claims.TreeHeads;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.blindmatch.crypto.merkle.MerkleHash;
import org.blindmatch.crypto.merkle.MerkleProofException;
import org.blindmatch.crypto.merkle.MerkleVerifier;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.LogPosition;
import org.blindmatch.proto.v1.SignedTreeHead;
import org.blindmatch.proto.v1.TreeHead;
import org.blindmatch.server.store.segment.SegmentSubmissionStore;
import org.blindmatch.server.store.StoreConformance;
import org.blindmatch.server.store.StoreException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TransparencyLogTest extends StoreConformance {
  private static final String CH = "blindmatch://test/clearinghouse/ch";
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-03-01T10:00:00.250Z"), ZoneOffset.UTC);

  NodeSigner signer;

  @BeforeEach
  void key() throws GeneralSecurityException {
    signer = NodeSigner.of(NodeSigner.generate());
  }

  @Test
  void appendsAreConsecutiveAndIdempotentByKey() throws Exception {
    try (SegmentSubmissionStore store = open()) {
      TransparencyLog log = TransparencyLog.open(store, signer, CH, CLOCK);
      assertEquals(0, log.append("a", entry(0)));
      assertEquals(1, log.append("b", entry(1)));
      assertEquals(0, log.append("a", entry(0)), "same key and entry: no second append");
      assertEquals(2, log.size());
      StoreException conflict =
          assertThrows(StoreException.class, () -> log.append("a", entry(9)));
      assertEquals(StoreException.Kind.CONFLICT, conflict.kind());
      assertEquals(2, log.size());
      assertEquals(List.of("entry 0", "entry 1"), text(log.entries(0, 10)));
      assertEquals(List.of("entry 1"), text(log.entries(1, 2)));
      assertEquals(java.util.OptionalLong.of(1), log.indexOf("b"));
      assertEquals(java.util.OptionalLong.empty(), log.indexOf("c"));
    }
  }

  @Test
  void aRestartResumesTheSameTree() throws Exception {
    byte[] root;
    SignedTreeHead before;
    try (SegmentSubmissionStore store = open()) {
      TransparencyLog log = TransparencyLog.open(store, signer, CH, CLOCK);
      for (int i = 0; i < 37; i++) {
        log.append("k" + i, entry(i));
      }
      before = log.signedTreeHead();
      root = head(before).getRootHash().toByteArray();
    }
    try (SegmentSubmissionStore store = open()) {
      TransparencyLog log = TransparencyLog.open(store, signer, CH, CLOCK);
      assertEquals(37, log.size());
      TreeHead after = head(log.signedTreeHead());
      assertEquals(37, after.getTreeSize());
      assertArrayEquals(root, after.getRootHash().toByteArray());
      assertEquals(37, log.append("k37", entry(37)));
      MerkleVerifier.verifyConsistency(37, 38, root,
          head(log.signedTreeHead()).getRootHash().toByteArray(),
          log.consistencyProof(37, 38));
    }
  }

  @Test
  void proofsVerifyAgainstSignedHeads() throws Exception {
    try (SegmentSubmissionStore store = open()) {
      TransparencyLog log = TransparencyLog.open(store, signer, CH, CLOCK);
      TreeHead empty = head(log.signedTreeHead());
      assertEquals(0, empty.getTreeSize());
      assertArrayEquals(MerkleHash.emptyRoot(), empty.getRootHash().toByteArray());
      List<TreeHead> heads = new ArrayList<>();
      for (int i = 0; i < 13; i++) {
        log.append("k" + i, entry(i));
        heads.add(head(log.signedTreeHead()));
      }
      TreeHead last = heads.get(heads.size() - 1);
      for (int i = 0; i < 13; i++) {
        MerkleVerifier.verifyInclusion(MerkleHash.leafHash(entry(i)), i, 13,
            log.inclusionProof(i, 13), last.getRootHash().toByteArray());
      }
      for (TreeHead old : heads) {
        long m = old.getTreeSize();
        MerkleVerifier.verifyConsistency(m, 13, old.getRootHash().toByteArray(),
            last.getRootHash().toByteArray(), log.consistencyProof(m, 13));
      }
      assertEquals(CH, last.getClearinghouse());
      assertEquals(CLOCK.millis(), last.getTimestamp());
    }
  }

  @Test
  void positionsVerifyAndForgeriesDoNot() throws Exception {
    try (SegmentSubmissionStore store = open()) {
      TransparencyLog log = TransparencyLog.open(store, signer, CH, CLOCK);
      for (int i = 0; i < 5; i++) {
        log.append("k" + i, entry(i));
      }
      LogPosition position = log.position(3, entry(3));
      TreeHead head = LogPositions.verify(signer.publicKeysetJson(), position);
      assertEquals(5, head.getTreeSize());

      LogPosition otherEntry = position.toBuilder()
          .setEntry(ByteString.copyFrom(entry(4))).build();
      assertThrows(ClaimVerificationException.class,
          () -> LogPositions.verify(signer.publicKeysetJson(), otherEntry));
      LogPosition otherIndex = position.toBuilder().setIndex(2).build();
      assertThrows(ClaimVerificationException.class,
          () -> LogPositions.verify(signer.publicKeysetJson(), otherIndex));
      String stranger = NodeSigner.of(NodeSigner.generate()).publicKeysetJson();
      assertThrows(ClaimVerificationException.class,
          () -> LogPositions.verify(stranger, position));
    }
  }

  @Test
  void headSignaturesAreDomainSeparated() throws Exception {
    try (SegmentSubmissionStore store = open()) {
      TransparencyLog log = TransparencyLog.open(store, signer, CH, CLOCK);
      log.append("k", entry(0));
      SignedTreeHead signed = log.signedTreeHead();
      assertSame(signed, log.signedTreeHead(), "no re-signing while the tree is unchanged");
      TreeHeads.verify(signer.publicKeysetJson(), signed);
      // The signature is not over the bare TreeHead bytes, as receipts and transcripts are.
      assertThrows(GeneralSecurityException.class, () -> NodeSigner.verifier(
          signer.publicKeysetJson()).verify(signed.getTreeHead().toByteArray(),
          signed.getSignature().toByteArray()));
      TreeHead forged = head(signed).toBuilder().setTreeSize(2).build();
      assertThrows(ClaimVerificationException.class, () -> TreeHeads.verify(
          signer.publicKeysetJson(), signed.toBuilder().setTreeHead(forged.toByteString())
              .build()));
    }
  }

  @Test
  void theDatabaseRefusesGapsAndRewrites() throws Exception {
    try (SegmentSubmissionStore store = open()) {
      TransparencyLog.open(store, signer, CH, CLOCK).append("k", entry(0));
    }
    try (Connection c = rawConnection()) {
      c.setAutoCommit(true);
      refused(c, "INSERT INTO log_entries (idx, entry_key, entry) VALUES (5, 'gap', ?)",
          "log index must equal the number of entries");
      refused(c, "UPDATE log_entries SET entry = ?", "append-only");
      refused(c, "DELETE FROM log_entries WHERE entry <> ?", "append-only");
    }
    try (SegmentSubmissionStore store = open()) {
      assertEquals(List.of("entry 0"), text(store.logEntries(0, 10)));
    }
  }

  @Test
  void aLogChangedInTheStoreWithoutTheKeyIsRefusedAtOpen() throws Exception {
    try (SegmentSubmissionStore store = open()) {
      TransparencyLog log = TransparencyLog.open(store, signer, CH, CLOCK);
      for (int i = 0; i < 3; i++) {
        log.append("k" + i, entry(i));
      }
    }
    // An append the triggers allow (the next index), made by someone without the key.
    rawAppend(3, "forged", entry(3));
    try (SegmentSubmissionStore store = open()) {
      StoreException e = assertThrows(StoreException.class,
          () -> TransparencyLog.open(store, signer, CH, CLOCK));
      assertEquals(StoreException.Kind.CORRUPT, e.kind());
      assertTrue(e.getMessage().contains("the stored log (4 entries, root ")
          && e.getMessage().contains("is not the one this clearinghouse last signed (3 "
              + "entries, root ")
          && e.getMessage().contains("added, changed or removed outside the server"),
          e.getMessage());
    }
  }

  @Test
  void theSealMustBeThisClearinghousesAndPresent() throws Exception {
    try (SegmentSubmissionStore store = open()) {
      TransparencyLog.open(store, signer, CH, CLOCK).append("k", entry(0));
      NodeSigner other = NodeSigner.of(NodeSigner.generate());
      StoreException otherKey = assertThrows(StoreException.class,
          () -> TransparencyLog.open(store, other, CH, CLOCK));
      assertTrue(otherKey.getMessage().contains("the log's seal does not verify against "
          + "this clearinghouse's signing key"), otherKey.getMessage());
      StoreException otherName = assertThrows(StoreException.class,
          () -> TransparencyLog.open(store, signer, "blindmatch://test/clearinghouse/x", CLOCK));
      assertTrue(otherName.getMessage().contains("the log's seal names " + CH),
          otherName.getMessage());
    }
    try (Connection c = rawConnection()) {
      c.setAutoCommit(true);
      try (PreparedStatement ps = c.prepareStatement(
          "DELETE FROM records WHERE kind = 'log-seal'")) {
        assertEquals(1, ps.executeUpdate());
      }
    }
    try (SegmentSubmissionStore store = open()) {
      StoreException none = assertThrows(StoreException.class,
          () -> TransparencyLog.open(store, signer, CH, CLOCK));
      assertTrue(none.getMessage().contains("the log holds 1 entries but no seal"),
          none.getMessage());
    }
  }

  @Test
  void everyAppendSealsTheLogInTheSameTransaction() throws Exception {
    try (SegmentSubmissionStore store = open()) {
      TransparencyLog log = TransparencyLog.open(store, signer, CH, CLOCK);
      for (int i = 0; i < 4; i++) {
        log.append("k" + i, entry(i));
        assertEquals(log.signedTreeHead(), SignedTreeHead.parseFrom(store.logSeal().get()));
      }
      // Another writer's entry makes the next append fail, and roll back with its seal.
      rawAppend(4, "other", entry(4));
      assertThrows(IllegalStateException.class, () -> log.append("k5", entry(5)));
      assertEquals(5, store.logSize(), "the failed append left nothing");
      IllegalStateException again =
          assertThrows(IllegalStateException.class, () -> log.append("k6", entry(6)));
      assertTrue(again.getMessage().contains("another writer appended to this store; no more "
          + "appends until a restart"), again.getMessage());
      assertEquals(log.signedTreeHead(), SignedTreeHead.parseFrom(store.logSeal().get()));
      assertEquals(4, head(log.signedTreeHead()).getTreeSize());
    }
  }

  /** An append past the server, as the triggers allow it (the next index). */
  private void rawAppend(int idx, String key, byte[] entry) throws SQLException {
    try (Connection c = rawConnection(); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO log_entries (idx, entry_key, entry) VALUES (?, ?, ?)")) {
      c.setAutoCommit(true);
      ps.setInt(1, idx);
      ps.setString(2, key);
      ps.setBytes(3, entry);
      ps.executeUpdate();
    }
  }

  private static void refused(Connection c, String sql, String reason) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setBytes(1, new byte[] {0});
      SQLException e = assertThrows(SQLException.class, ps::executeUpdate, sql);
      assertTrue(e.getMessage().contains(reason), e.getMessage());
    }
  }

  private static byte[] entry(int i) {
    return ("entry " + i).getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> text(List<byte[]> entries) {
    return entries.stream().map(e -> new String(e, StandardCharsets.UTF_8)).toList();
  }

  private TreeHead head(SignedTreeHead signed) throws ClaimVerificationException {
    return TreeHeads.verify(signer.publicKeysetJson(), signed);
  }
}
