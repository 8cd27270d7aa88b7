package org.blindmatch.cli.federation;

import org.blindmatch.core.claims.Transcripts;
import org.blindmatch.core.claims.Receipts;
import org.blindmatch.core.claims.Commitments;
import org.blindmatch.client.audit.AuditState;
import org.blindmatch.server.config.ConfigException;
import static org.blindmatch.cli.federation.FederationTests.fail;
import static org.blindmatch.cli.federation.FederationTests.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.blindmatch.crypto.hash.Sha256;
import org.blindmatch.crypto.keys.EncryptedKeysetFile;
import org.blindmatch.crypto.merkle.StreamingMerkleRoot;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.Commitment;
import org.blindmatch.proto.v1.LogEntry;
import org.blindmatch.proto.v1.Receipt;
import org.blindmatch.proto.v1.ReceiptBody;
import org.blindmatch.proto.v1.RecipientDigest;
import org.blindmatch.proto.v1.Results;
import org.blindmatch.proto.v1.RunTranscript;
import org.blindmatch.proto.v1.SignedTranscript;
import org.blindmatch.proto.v1.SignedTreeHead;
import org.blindmatch.proto.v1.TreeHead;
import org.blindmatch.proto.v1.TierTotals;
import org.blindmatch.server.clearinghouse.ClearinghouseServer;
import org.blindmatch.core.claims.TreeHeads;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tampering with the clearinghouse's stored log against a real server over mutual TLS. Without
 * the signing key (a database administrator, a tampered backup), any change to the log makes
 * the server refuse to start: it seals every append with a signed head and checks the store
 * against it. The operator, who holds the key, can change the store and re-seal it ({@link
 * #reseal}); each such change is caught by {@code audit verify} with a message naming the entry
 * and the failed check.
 *
 * <p>Every test starts from the same log: 0 scope, 1 key epoch, 2 platform member, 3 platform
 * receipt, 4 NGO member, 5 NGO receipt, 6 run transcript; an auditor verified it (size 7) and
 * kept its state.
 */
class LogTamperTest {
  static final String PLATFORM = "blindmatch://test/platform/platform-a";

  @TempDir Path dir;
  TestFederation fed;
  Path platform;
  Path operator;
  Path auditor;
  Path kept;
  String runId;

  @BeforeEach
  void federationWithOneRun() throws Exception {
    fed = new TestFederation(dir, 1, false);
    platform = fed.node(Role.PLATFORM, "platform-a");
    Path ngo = fed.node(Role.NGO, "ngo");
    operator = fed.node(Role.CLEARINGHOUSE, "operator");
    auditor = fed.node(Role.AUDITOR, "auditor");
    Files.writeString(dir.resolve("a.csv"),
        "record_id,ip,timestamp\nA-1,45.77.12.9,2026-03-03T08:30:00Z\n");
    Files.writeString(dir.resolve("w.csv"),
        "label,ip,start,end\nBavet,45.77.12.9,2026-03-03T00:00:00Z,2026-03-03T23:59:59Z\n");
    FederationTests.tokenize(fed, "--reports", "a.csv", "a.bmt");
    FederationTests.tokenize(fed, "--watchlist", "w.csv", "w.bmt");
    kept = dir.resolve("kept-state");
    try (ClearinghouseServer server = fed.startClearinghouse()) {
      ok("submit", "--profile", platform.toString(), "--tokens", path("a.bmt"), "--id", "a1");
      ok("submit", "--profile", ngo.toString(), "--tokens", path("w.bmt"), "--id", "w1");
      String run = ok("match", "run", "--profile", operator.toString(), "--scope",
          "test-scope");
      String out = ok("audit", "verify", "--profile", auditor.toString(), "--state",
          kept.toString(), "--replay");
      assertTrue(out.contains("size 7") && out.contains("1 runs recomputed"), out);
      try (Connection db = fed.tamperableMetadata()) {
        runId = string(db, "SELECT key FROM records WHERE kind = 'transcript'");
      }
      assertTrue(run.contains(runId), run);
    }
  }

  @Test
  void anEntryAlteredWithoutTheKeyIsRefusedAtStart() throws Exception {
    byte[] before = Files.readAllBytes(kept.resolve(AuditState.FILE));
    try (Connection db = fed.tamperableMetadata()) {
      byte[] entry = entry(db, 3);
      entry[entry.length - 1] ^= 1;
      replace(db, 3, entry);
    }
    assertRefusedAtStart("the stored log (7 entries, root ");
    assertTrue(Arrays.equals(before, Files.readAllBytes(kept.resolve(AuditState.FILE))),
        "the auditor's kept state is untouched");
  }

  @Test
  void anAlteredReceiptTheOperatorResealedIsRefusedAtStart() throws Exception {
    // Re-sealing covers the log, but the committed receipt no longer matches its entry.
    try (Connection db = fed.tamperableMetadata()) {
      byte[] entry = entry(db, 3);
      entry[entry.length - 1] ^= 1;
      replace(db, 3, entry);
    }
    reseal();
    assertRefusedAtStart("receipt/");
  }

  @Test
  void entriesAppendedWithoutTheKeyAreRefusedAtStart() throws Exception {
    // What the append-only triggers allow (the next indices): a member with the intruder's
    // key, a receipt it signed, and a run using it, each with a signature of its own.
    NodeSigner intruder = NodeSigner.of(NodeSigner.generate());
    String ghost = "blindmatch://test/platform/ghost";
    try (Connection db = DriverManager.getConnection(
        "jdbc:sqlite:" + dir.resolve("data/meta.sqlite"))) {
      String keyset = intruder.publicKeysetJson();
      LogEntry member = LogEntry.newBuilder().setMember(org.blindmatch.proto.v1.Member
          .newBuilder().setIdentity(ghost).setRole("platform").setSigningKeyset(keyset)
          .setSigningKeysetSha256(ByteString.copyFrom(NodeSigner.fingerprint(keyset)))).build();
      ReceiptBody real = ReceiptBody.parseFrom(LogEntry.parseFrom(entry(db, 3)).getReceipt()
          .getBody());
      Commitment c = real.getCommitment().toBuilder().setSubmitter(ghost)
          .setSubmissionId("g1").build();
      byte[] signature = Commitments.sign(intruder, c).getSignature().toByteArray();
      ReceiptBody body = real.toBuilder().setCommitment(c).setCommitmentSignatureSha256(
          ByteString.copyFrom(Sha256.digest(signature))).build();
      LogEntry receipt = LogEntry.newBuilder().setReceipt(Receipts.sign(intruder, body))
          .setCommitmentSignature(ByteString.copyFrom(signature)).build();
      int idx = 7;
      for (LogEntry e : new LogEntry[] {member, receipt}) {
        try (PreparedStatement p = db.prepareStatement(
            "INSERT INTO log_entries (idx, entry_key, entry) VALUES (?, ?, ?)")) {
          p.setInt(1, idx);
          p.setString(2, "forged/" + idx++);
          p.setBytes(3, e.toByteArray());
          p.executeUpdate();
        }
      }
    }
    assertRefusedAtStart("the stored log (9 entries, root ");
  }

  @Test
  void aDeletedLogIsRefusedAtStart() throws Exception {
    try (Connection db = fed.tamperableMetadata(); Statement s = db.createStatement()) {
      s.execute("DELETE FROM log_entries");
      s.execute("DELETE FROM records WHERE kind = 'log-seal'");
    }
    assertRefusedAtStart("the log is empty but the store holds committed submissions or runs");
  }

  @Test
  void aRetriedCommitOverAReceiptChangedInTheStoreIsRefused() throws Exception {
    // While the server runs, someone without the key rewrites the stored receipt; a retried
    // commit must not log it.
    try (ClearinghouseServer server = fed.startClearinghouse()) {
      try (Connection db = fed.tamperableMetadata(); PreparedStatement p = db.prepareStatement(
          "UPDATE submissions SET receipt = ? WHERE submission_id LIKE '%.a1'")) {
        Receipt stored = Receipt.parseFrom(bytes(db,
            "SELECT receipt FROM submissions WHERE submission_id LIKE '%.a1'"));
        ReceiptBody body = ReceiptBody.parseFrom(stored.getBody()).toBuilder()
            .setExpiresAt(4_102_444_800L).build();
        p.setBytes(1, stored.toBuilder().setBody(body.toByteString()).build().toByteArray());
        assertEquals(1, p.executeUpdate());
      }
      String e = fail("submit", "--profile", platform.toString(), "--tokens", path("a.bmt"),
          "--id", "a1", "--receipt", path("again.receipt"));
      assertTrue(e.contains("DATA_LOSS") && e.contains("is not signed by this clearinghouse's "
          + "key"), e);
      ok("audit", "verify", "--profile", auditor.toString(), "--state", kept.toString());
    }
  }

  @Test
  void aRunRefusesASubmissionItsSignedReceiptDoesNotCover() throws Exception {
    try (ClearinghouseServer server = fed.startClearinghouse()) {
      try (Connection db = fed.tamperableMetadata(); Statement s = db.createStatement()) {
        assertEquals(1, s.executeUpdate("UPDATE submissions SET merkle_root = zeroblob(32) "
            + "WHERE submission_id LIKE '%.a1'"));
      }
      String e = fail("match", "run", "--profile", operator.toString(), "--scope",
          "test-scope");
      assertTrue(e.contains("DATA_LOSS: cannot run: ") && e.contains("the stored receipt of "
          + "submission") && e.contains("commits to other submitter, role, scope, key id, "
          + "record count or Merkle root"), e);
      ok("audit", "verify", "--profile", auditor.toString(), "--state", kept.toString());
    }
  }

  @Test
  void aTranscriptStoredWithoutTheKeyIsNotLogged() throws Exception {
    // The server logs stored transcripts a crash kept out of the log; one it did not sign is
    // refused instead.
    RunTranscript t = RunTranscript.newBuilder().setRunId("fabricated").build();
    try (Connection db = fed.tamperableMetadata(); PreparedStatement p = db.prepareStatement(
        "INSERT INTO records (kind, key, value) VALUES ('transcript', 'fabricated', ?)")) {
      p.setBytes(1, Transcripts.sign(NodeSigner.of(NodeSigner.generate()), t).toByteArray());
      p.executeUpdate();
    }
    assertRefusedAtStart("the stored transcript of run fabricated is not signed by this "
        + "clearinghouse's key");
  }

  @Test
  void anAlteredEntryTheServerServesIsCaughtByTheAuditor() throws Exception {
    // The server does not re-derive member entries at start, so once the operator re-seals
    // it, it serves this log.
    try (Connection db = fed.tamperableMetadata()) {
      LogEntry member = LogEntry.parseFrom(entry(db, 2));
      byte[] fp = member.getMember().getSigningKeysetSha256().toByteArray();
      fp[0] ^= 1;
      replace(db, 2, member.toBuilder().setMember(member.getMember().toBuilder()
          .setSigningKeysetSha256(ByteString.copyFrom(fp))).build().toByteArray());
    }
    reseal();
    try (ClearinghouseServer server = fed.startClearinghouse()) {
      String e = fail("audit", "verify", "--profile", auditor.toString(), "--state",
          kept.toString());
      assertTrue(e.contains("not consistent with the kept tree head of size 7"), e);
    }
  }

  @Test
  void aRemovedEntryIsCaught() throws Exception {
    // Remove the NGO's receipt (5) and close the gap; the server re-logs the committed
    // receipt at the end when it starts, so the run's input now comes after the run.
    try (Connection db = fed.tamperableMetadata(); Statement s = db.createStatement()) {
      s.execute("DELETE FROM log_entries WHERE idx = 5");
      shift(s, 6, -1);
    }
    reseal();
    try (ClearinghouseServer server = fed.startClearinghouse()) {
      String withState = fail("audit", "verify", "--profile", auditor.toString(), "--state",
          kept.toString());
      assertTrue(withState.contains("not consistent with the kept tree head of size 7"),
          withState);
      String fresh = fail("audit", "verify", "--profile", auditor.toString(), "--state",
          path("fresh"));
      assertTrue(fresh.contains("log entry 5 (run " + runId + "): used input w1 of "
          + "blindmatch://test/ngo/ngo, which has no earlier logged receipt"), fresh);
    }
  }

  @Test
  void anInsertedEntryIsCaught() throws Exception {
    // A second copy of the platform's receipt, inserted at 4 under another key.
    try (Connection db = fed.tamperableMetadata(); Statement s = db.createStatement()) {
      byte[] receipt = entry(db, 3);
      shift(s, 4, 1);
      try (PreparedStatement p = db.prepareStatement(
          "INSERT INTO log_entries (idx, entry_key, entry) VALUES (4, 'receipt/copy', ?)")) {
        p.setBytes(1, receipt);
        p.executeUpdate();
      }
    }
    reseal();
    try (ClearinghouseServer server = fed.startClearinghouse()) {
      String withState = fail("audit", "verify", "--profile", auditor.toString(), "--state",
          kept.toString());
      assertTrue(withState.contains("not consistent with the kept tree head of size 7"),
          withState);
      String fresh = fail("audit", "verify", "--profile", auditor.toString(), "--state",
          path("fresh"));
      assertTrue(fresh.contains("log entry 4: receipt: submission a1 of " + PLATFORM
          + " is already logged at entry 3"), fresh);
    }
  }

  @Test
  void aTruncatedAndRegrownLogIsCaught() throws Exception {
    // Drop the run (log entry, transcript and results) and run again: the same size, a
    // different last entry.
    try (Connection db = fed.tamperableMetadata(); Statement s = db.createStatement()) {
      s.execute("DELETE FROM log_entries WHERE idx = 6");
      s.execute("DELETE FROM records WHERE kind IN ('transcript', 'results')");
    }
    reseal();
    try (ClearinghouseServer server = fed.startClearinghouse()) {
      ok("match", "run", "--profile", operator.toString(), "--scope", "test-scope");
      String e = fail("audit", "verify", "--profile", auditor.toString(), "--state",
          kept.toString());
      assertTrue(e.contains("not consistent with the kept tree head of size 7"), e);
    }
  }

  @Test
  void aTranscriptWhoseCountsDisagreeWithTheTokensIsCaughtByReplay() throws Exception {
    // The operator, holding the signing key, re-signs the run with fewer matched records.
    resignTranscript(t -> {
      RunTranscript.Builder b = t.toBuilder();
      TierTotals first = b.getTotals(0);
      b.setTotals(0, first.toBuilder().setMatchedRecords(first.getMatchedRecords() - 1));
      return b.build();
    });
    try (ClearinghouseServer server = fed.startClearinghouse()) {
      // Signed, logged and internally plausible: only recomputing the join shows the lie.
      ok("audit", "verify", "--profile", auditor.toString(), "--state", path("fresh"));
      String e = fail("audit", "verify", "--profile", auditor.toString(), "--state",
          path("fresh-replay"), "--replay");
      assertTrue(e.contains("log entry 6 (run " + runId + "): replay: tier ")
          && e.contains("matched_records is 0 in the transcript but 1 recomputed"), e);
    }
  }

  @Test
  void aResultDigestThatDoesNotMatchWhatWasComputedIsCaughtByReplay() throws Exception {
    // The platform is given results without its match, and the signed transcript carries the
    // digest of what it was given, so the platform's own check passes.
    Results given;
    int realMatches;
    try (Connection db = fed.tamperableMetadata()) {
      Results real = Results.parseFrom(bytes(db, "SELECT value FROM records WHERE kind = "
          + "'results' AND key = '" + runId + "|" + PLATFORM + "'"));
      realMatches = real.getRecordMatchesCount();
      assertEquals(2, realMatches, "one record matched in both tiers");
      given = real.toBuilder().clearRecordMatches().build();
      try (Statement s = db.createStatement(); PreparedStatement p = db.prepareStatement(
          "UPDATE records SET value = ? WHERE kind = 'results' AND key = ?")) {
        p.setBytes(1, given.toByteArray());
        p.setString(2, runId + "|" + PLATFORM);
        assertEquals(1, p.executeUpdate());
      }
    }
    byte[] digest = Sha256.digest(given.toByteArray());
    resignTranscript(t -> {
      RunTranscript.Builder b = t.toBuilder();
      for (int i = 0; i < b.getRecipientsCount(); i++) {
        if (b.getRecipients(i).getRecipient().equals(PLATFORM)) {
          b.setRecipients(i, RecipientDigest.newBuilder().setRecipient(PLATFORM)
              .setResultsSha256(ByteString.copyFrom(digest)));
        }
      }
      return b.build();
    });
    try (ClearinghouseServer server = fed.startClearinghouse()) {
      String results = ok("results", "get", "--profile", platform.toString(), "--run", runId);
      assertTrue(results.strip().lines().count() <= 1,
          "the platform's verified results show no match: " + results);
      String e = fail("audit", "verify", "--profile", auditor.toString(), "--state",
          path("fresh"), "--replay");
      assertTrue(e.contains("log entry 6 (run " + runId + "): replay: the result digest for "
          + "recipient " + PLATFORM + " is " + java.util.HexFormat.of().formatHex(digest)
          + " but the recomputed results hash to ") && e.contains("(" + realMatches + " record matches"), e);
    }
  }

  @Test
  void aSubmissionTheOperatorInventedIsCaught() throws Exception {
    // The operator holds the clearinghouse's signing key, so it can sign a receipt for a
    // submission the platform never made and append it; it cannot sign the platform's
    // commitment. Both an incremental and a from-scratch audit name the entry.
    NodeSigner ch = clearinghouseSigner();
    try (Connection db = fed.tamperableMetadata()) {
      LogEntry real = LogEntry.parseFrom(entry(db, 3));
      ReceiptBody body = ReceiptBody.parseFrom(real.getReceipt().getBody());
      Commitment invented = body.getCommitment().toBuilder().setSubmissionId("invented")
          .build();
      byte[] signature = Commitments.sign(NodeSigner.of(NodeSigner.generate()), invented)
          .getSignature().toByteArray();
      ReceiptBody forgedBody = body.toBuilder().setCommitment(invented)
          .setCommitmentSignatureSha256(ByteString.copyFrom(Sha256.digest(signature)))
          .build();
      byte[] entry = LogEntry.newBuilder().setReceipt(Receipts.sign(ch, forgedBody))
          .setCommitmentSignature(ByteString.copyFrom(signature)).build().toByteArray();
      try (PreparedStatement p = db.prepareStatement(
          "INSERT INTO log_entries (idx, entry_key, entry) VALUES (7, 'receipt/invented', ?)")) {
        p.setBytes(1, entry);
        p.executeUpdate();
      }
    }
    reseal();
    String expected = "log entry 7: receipt: the submitter's signature over the commitment "
        + "does not verify against the signing key its member entry logged: the submitter did "
        + "not make this commitment";
    try (ClearinghouseServer server = fed.startClearinghouse()) {
      String withState = fail("audit", "verify", "--profile", auditor.toString(), "--state",
          kept.toString());
      assertTrue(withState.contains(expected), withState);
      String fresh = fail("audit", "verify", "--profile", auditor.toString(), "--state",
          path("fresh"));
      assertTrue(fresh.contains(expected), fresh);
    }
  }

  // ---- helpers ----

  private NodeSigner clearinghouseSigner() throws Exception {
    return NodeSigner.of(EncryptedKeysetFile.read(
        dir.resolve("pki/clearinghouse.signing.json"), NodeSigner.PURPOSE,
        TestFederation.PASS.toCharArray()));
  }

  /** Replaces the run's transcript, signed with the clearinghouse's key, in store and log. */
  private void resignTranscript(UnaryOperator<RunTranscript> change) throws Exception {
    NodeSigner ch = clearinghouseSigner();
    try (Connection db = fed.tamperableMetadata()) {
      SignedTranscript old = LogEntry.parseFrom(entry(db, 6)).getTranscript();
      SignedTranscript signed = Transcripts.sign(ch,
          change.apply(RunTranscript.parseFrom(old.getTranscript())));
      replace(db, 6, LogEntry.newBuilder().setTranscript(signed).build().toByteArray());
      try (PreparedStatement p = db.prepareStatement(
          "UPDATE records SET value = ? WHERE kind = 'transcript' AND key = ?")) {
        p.setBytes(1, signed.toByteArray());
        p.setString(2, runId);
        assertEquals(1, p.executeUpdate());
      }
    }
    reseal();
  }

  /**
   * What only the key's holder can do: seal the changed log with a head signed over it, as
   * the server does on every append, so that the server serves it.
   */
  private void reseal() throws Exception {
    try (Connection db = fed.tamperableMetadata()) {
      StreamingMerkleRoot root = new StreamingMerkleRoot();
      try (Statement s = db.createStatement();
          ResultSet r = s.executeQuery("SELECT entry FROM log_entries ORDER BY idx")) {
        while (r.next()) {
          byte[] e = r.getBytes(1);
          root.addLeaf(e, 0, e.length);
        }
      }
      TreeHead old = TreeHead.parseFrom(SignedTreeHead.parseFrom(bytes(db,
          "SELECT value FROM records WHERE kind = 'log-seal'")).getTreeHead());
      SignedTreeHead seal = TreeHeads.sign(clearinghouseSigner(), old.toBuilder()
          .setTreeSize(root.size()).setRootHash(ByteString.copyFrom(root.root())).build());
      try (PreparedStatement p = db.prepareStatement(
          "UPDATE records SET value = ? WHERE kind = 'log-seal'")) {
        p.setBytes(1, seal.toByteArray());
        assertEquals(1, p.executeUpdate());
      }
    }
  }

  private void assertRefusedAtStart(String reason) {
    ConfigException refused =
        assertThrows(ConfigException.class, fed::startClearinghouse);
    assertTrue(refused.getMessage().contains("transparency log")
        && refused.getMessage().contains(reason), refused.getMessage());
  }

  private static byte[] entry(Connection db, int idx) throws Exception {
    return bytes(db, "SELECT entry FROM log_entries WHERE idx = " + idx);
  }

  private static void replace(Connection db, int idx, byte[] entry) throws Exception {
    try (PreparedStatement p = db.prepareStatement(
        "UPDATE log_entries SET entry = ? WHERE idx = ?")) {
      p.setBytes(1, entry);
      p.setInt(2, idx);
      assertEquals(1, p.executeUpdate());
    }
  }

  /** Moves entries from {@code from} on by {@code by} (through a disjoint range). */
  private static void shift(Statement s, int from, int by) throws Exception {
    s.execute("UPDATE log_entries SET idx = idx + 1000000 WHERE idx >= " + from);
    s.execute("UPDATE log_entries SET idx = idx - 1000000 + (" + by + ") WHERE idx >= 1000000");
  }

  private static byte[] bytes(Connection db, String sql) throws Exception {
    try (Statement s = db.createStatement(); ResultSet r = s.executeQuery(sql)) {
      assertTrue(r.next(), sql);
      return r.getBytes(1);
    }
  }

  private static String string(Connection db, String sql) throws Exception {
    try (Statement s = db.createStatement(); ResultSet r = s.executeQuery(sql)) {
      assertTrue(r.next(), sql);
      return r.getString(1);
    }
  }

  private String path(String name) {
    return dir.resolve(name).toString();
  }
}
