package org.blindmatch.cli.federation;

import static org.blindmatch.cli.federation.FederationTests.fail;
import static org.blindmatch.cli.federation.FederationTests.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.blindmatch.core.claims.Transcripts;
import org.blindmatch.core.claims.TreeHeads;
import org.blindmatch.crypto.hash.Sha256;
import org.blindmatch.crypto.keys.EncryptedKeysetFile;
import org.blindmatch.crypto.merkle.StreamingMerkleRoot;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.LogEntry;
import org.blindmatch.proto.v1.RecipientDigest;
import org.blindmatch.proto.v1.Results;
import org.blindmatch.proto.v1.RunTranscript;
import org.blindmatch.proto.v1.SignedTranscript;
import org.blindmatch.proto.v1.SignedTreeHead;
import org.blindmatch.proto.v1.TreeHead;
import org.blindmatch.server.clearinghouse.ClearinghouseServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Results rows changed in the clearinghouse's store, against a real server over mutual TLS:
 * {@code results get} refuses results that are not the caller's or not of its role's shape
 * (issue 19.3), even when the operator, who holds the signing key, re-signs the transcript
 * and re-seals the log so that every digest and proof checks out. (A transcript changed in
 * the store but not in the log stops the server at start-up; a served transcript without a
 * valid log position is refused by the client: ResultsVerificationTest.)
 *
 * <p>The fixture: platforms A (A-1 matches) and B (B-1 matches), an NGO, one run.
 */
class ResultsTamperTest {
  static final String A = "blindmatch://test/platform/platform-a";
  static final String B = "blindmatch://test/platform/platform-b";
  static final String NGO = "blindmatch://test/ngo/ngo";

  @TempDir Path dir;
  TestFederation fed;
  Path platformA;
  Path ngo;
  String runId;

  @BeforeEach
  void federationWithOneRun() throws Exception {
    fed = new TestFederation(dir, 1, false);
    platformA = fed.node(Role.PLATFORM, "platform-a");
    Path platformB = fed.node(Role.PLATFORM, "platform-b");
    ngo = fed.node(Role.NGO, "ngo");
    Path operator = fed.node(Role.CLEARINGHOUSE, "operator");
    Files.writeString(dir.resolve("a.csv"),
        "record_id,ip,timestamp\nA-1,45.77.12.9,2026-03-03T08:30:00Z\n");
    Files.writeString(dir.resolve("b.csv"),
        "record_id,ip,timestamp\nB-1,45.77.12.9,2026-03-03T09:30:00Z\n");
    Files.writeString(dir.resolve("w.csv"),
        "label,ip,start,end\nBavet,45.77.12.9,2026-03-03T00:00:00Z,2026-03-03T23:59:59Z\n");
    FederationTests.tokenize(fed, "--reports", "a.csv", "a.bmt");
    FederationTests.tokenize(fed, "--reports", "b.csv", "b.bmt");
    FederationTests.tokenize(fed, "--watchlist", "w.csv", "w.bmt");
    try (ClearinghouseServer server = fed.startClearinghouse()) {
      ok("submit", "--profile", platformA.toString(), "--tokens", path("a.bmt"), "--id", "a1");
      ok("submit", "--profile", platformB.toString(), "--tokens", path("b.bmt"), "--id", "b1");
      ok("submit", "--profile", ngo.toString(), "--tokens", path("w.bmt"), "--id", "w1");
      ok("match", "run", "--profile", operator.toString(), "--scope", "test-scope");
      runId = RunIds.only(dir);
      // Untampered, both check out.
      ok("results", "get", "--profile", platformA.toString(), "--map", path("a.bmt.map.csv"));
      ok("results", "get", "--profile", ngo.toString(), "--map", path("w.bmt.map.csv"));
    }
  }

  @Test
  void anotherPlatformsResultsSwappedInAreRefused() throws Exception {
    try (Connection db = fed.tamperableMetadata()) {
      setResults(db, A, results(db, B).toByteArray());
    }
    try (ClearinghouseServer server = fed.startClearinghouse()) {
      String e = fail("results", "get", "--profile", platformA.toString(), "--run", runId,
          "--map", path("a.bmt.map.csv"));
      assertTrue(e.contains("run " + runId + ": results refused: the results served are "
          + "addressed to " + B), e);
    }
  }

  @Test
  void anotherPlatformsRowsReaddressedAndResignedAreRefused() throws Exception {
    // The key holder's version: B's rows addressed to A, the transcript re-signed over them.
    try (Connection db = fed.tamperableMetadata()) {
      Results forged = results(db, B).toBuilder().setRecipient(A).build();
      setResults(db, A, forged.toByteArray());
      resign(db, A, forged);
    }
    try (ClearinghouseServer server = fed.startClearinghouse()) {
      String e = fail("results", "get", "--profile", platformA.toString(), "--run", runId,
          "--unresolved");
      assertTrue(e.contains("results refused: a result row names submission b1, which is not "
          + "one of your report submissions in this run"), e);
    }
  }

  @Test
  void recordLevelRowsServedToTheNgoAreRefused() throws Exception {
    try (Connection db = fed.tamperableMetadata()) {
      Results forged = results(db, A).toBuilder().setRecipient(NGO).build();
      setResults(db, NGO, forged.toByteArray());
      resign(db, NGO, forged);
    }
    try (ClearinghouseServer server = fed.startClearinghouse()) {
      String e = fail("results", "get", "--profile", ngo.toString(), "--run", runId,
          "--map", path("w.bmt.map.csv"));
      assertTrue(e.contains("results refused: an NGO's results carry record-level rows or "
          + "totals; an NGO receives per-label aggregates only"), e);
    }
  }

  // ---- helpers ----

  /** The run id, read from the store (one run). */
  static final class RunIds {
    static String only(Path dir) throws Exception {
      try (Connection db = DriverManager.getConnection(
          "jdbc:sqlite:" + dir.resolve("data/meta.sqlite"));
          Statement s = db.createStatement();
          ResultSet r = s.executeQuery("SELECT key FROM records WHERE kind = 'transcript'")) {
        assertTrue(r.next());
        return r.getString(1);
      }
    }
  }

  private Results results(Connection db, String recipient) throws Exception {
    try (PreparedStatement p = db.prepareStatement(
        "SELECT value FROM records WHERE kind = 'results' AND key = ?")) {
      p.setString(1, runId + "|" + recipient);
      try (ResultSet r = p.executeQuery()) {
        assertTrue(r.next(), recipient);
        return Results.parseFrom(r.getBytes(1));
      }
    }
  }

  private void setResults(Connection db, String recipient, byte[] value) throws Exception {
    try (PreparedStatement p = db.prepareStatement(
        "UPDATE records SET value = ? WHERE kind = 'results' AND key = ?")) {
      p.setBytes(1, value);
      p.setString(2, runId + "|" + recipient);
      assertEquals(1, p.executeUpdate());
    }
  }

  /**
   * What only the signing key's holder can do: the transcript re-signed with {@code
   * recipient}'s digest over {@code given}, replaced in store and log, the log re-sealed.
   */
  private void resign(Connection db, String recipient, Results given) throws Exception {
    NodeSigner ch = signer();
    int idx;
    SignedTranscript old;
    try (Statement s = db.createStatement(); ResultSet r = s.executeQuery(
        "SELECT idx, entry FROM log_entries WHERE entry_key LIKE 'transcript/%'")) {
      assertTrue(r.next());
      idx = r.getInt(1);
      old = LogEntry.parseFrom(r.getBytes(2)).getTranscript();
    }
    RunTranscript.Builder t = RunTranscript.parseFrom(old.getTranscript()).toBuilder();
    for (int i = 0; i < t.getRecipientsCount(); i++) {
      if (t.getRecipients(i).getRecipient().equals(recipient)) {
        t.setRecipients(i, RecipientDigest.newBuilder().setRecipient(recipient)
            .setResultsSha256(ByteString.copyFrom(Sha256.digest(given.toByteArray()))));
      }
    }
    SignedTranscript signed = Transcripts.sign(ch, t.build());
    try (PreparedStatement p = db.prepareStatement(
        "UPDATE log_entries SET entry = ? WHERE idx = ?")) {
      p.setBytes(1, LogEntry.newBuilder().setTranscript(signed).build().toByteArray());
      p.setInt(2, idx);
      assertEquals(1, p.executeUpdate());
    }
    try (PreparedStatement p = db.prepareStatement(
        "UPDATE records SET value = ? WHERE kind = 'transcript' AND key = ?")) {
      p.setBytes(1, signed.toByteArray());
      p.setString(2, runId);
      assertEquals(1, p.executeUpdate());
    }
    StreamingMerkleRoot root = new StreamingMerkleRoot();
    try (Statement s = db.createStatement();
        ResultSet r = s.executeQuery("SELECT entry FROM log_entries ORDER BY idx")) {
      while (r.next()) {
        byte[] e = r.getBytes(1);
        root.addLeaf(e, 0, e.length);
      }
    }
    TreeHead oldHead = TreeHead.parseFrom(SignedTreeHead.parseFrom(bytes(db,
        "SELECT value FROM records WHERE kind = 'log-seal'")).getTreeHead());
    SignedTreeHead seal = TreeHeads.sign(ch, oldHead.toBuilder().setTreeSize(root.size())
        .setRootHash(ByteString.copyFrom(root.root())).build());
    try (PreparedStatement p = db.prepareStatement(
        "UPDATE records SET value = ? WHERE kind = 'log-seal'")) {
      p.setBytes(1, seal.toByteArray());
      assertEquals(1, p.executeUpdate());
    }
  }

  private NodeSigner signer() throws Exception {
    return NodeSigner.of(EncryptedKeysetFile.read(
        dir.resolve("pki/clearinghouse.signing.json"), NodeSigner.PURPOSE,
        TestFederation.PASS.toCharArray()));
  }

  private static byte[] bytes(Connection db, String sql) throws Exception {
    try (Statement s = db.createStatement(); ResultSet r = s.executeQuery(sql)) {
      assertTrue(r.next(), sql);
      return r.getBytes(1);
    }
  }

  private String path(String name) {
    return dir.resolve(name).toString();
  }
}
