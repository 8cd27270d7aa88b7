package org.blindmatch.client.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.util.List;
import org.blindmatch.core.claims.Commitments;
import org.blindmatch.core.claims.Receipts;
import org.blindmatch.core.claims.Transcripts;
import org.blindmatch.core.match.MatchRun;
import org.blindmatch.crypto.hash.Sha256;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.Commitment;
import org.blindmatch.proto.v1.DifferencingOverride;
import org.blindmatch.proto.v1.DisclosureApplied;
import org.blindmatch.proto.v1.DpAccount;
import org.blindmatch.proto.v1.KeyMode;
import org.blindmatch.proto.v1.LogEntry;
import org.blindmatch.proto.v1.Member;
import org.blindmatch.proto.v1.ReceiptBody;
import org.blindmatch.proto.v1.RecipientDigest;
import org.blindmatch.proto.v1.RunInput;
import org.blindmatch.proto.v1.RunTranscript;
import org.blindmatch.proto.v1.ScopePublication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The auditor's disclosure checks on hand-made log entries: the privacy budget arithmetic, the
 * differencing guard recomputed from the logged runs, and the override's report.
 */
class LogEntryDisclosureTest {
  static final byte[] SCOPE = new byte[32];
  static final String P = "blindmatch://test/platform/p";
  static final String Q = "blindmatch://test/platform/q";
  final NodeSigner clearinghouse = signer();
  final NodeSigner p = signer();
  final NodeSigner q = signer();
  final LogEntryChecker checker;
  long index;

  LogEntryDisclosureTest() throws AuditException {
    checker = new LogEntryChecker(clearinghouse.publicKeysetJson(), "test");
  }

  @Test
  void theBudgetIsRecomputedFromTheLogAndARunPastItFails(@TempDir Path dir) throws Exception {
    AuditState state = log(scope(2, 1_000_000, 2_000_000));
    RunTranscript.Builder run = run(List.of("p1"), dp(1_000_000));
    LogEntryChecker.Counts counts = check(state, transcript(run, "run-1"));
    assertEquals(List.of("log entry " + (index - 1) + " (run run-1): noised (geometric, "
        + "epsilon 1, sensitivity 12); budget spent 1 of 2, remaining 1"),
        counts.disclosureNotes);
    assertTrue(refused(state, transcript(run(List.of("p1"), dp(1_000_000)), "run-x"))
        .contains("dp: the transcript states epsilon spent 1 but the log's runs of the scope "
            + "add up to 2"));
    // The state survives a save and load between audits.
    state.head = org.blindmatch.proto.v1.SignedTreeHead.newBuilder()
        .setTreeHead(ByteString.copyFromUtf8("a head")).build();
    state.save(dir);
    state = AuditState.load(dir);
    check(state, transcript(run(List.of("p1"), dp(2_000_000)), "run-2"));
    assertTrue(refused(state, transcript(run(List.of("p1"), dp(3_000_000)), "run-3"))
        .contains("dp: the run is past the privacy budget: the scope's earlier runs spent "
            + "epsilon 2 of 2 and this run costs 1"));
    assertTrue(refused(state, transcript(run(List.of("p1"), null), "run-4"))
        .contains("the scope requires differential privacy but the run released exact"));
  }

  @Test
  void aRunWithoutTheScopesDisclosureOrBelowItsThresholdsFails() throws Exception {
    AuditState state = log(scope(2, 0, 0));
    assertTrue(refused(state, transcript(run(List.of("p1"), null).clearDisclosure(), "r"))
        .contains("the run applied no disclosure control, but its scope was published with"));
    RunTranscript.Builder low = run(List.of("p1"), null);
    low.getDisclosureBuilder().setMinSubmitters(1);
    String lowMessage = refused(state, transcript(low, "r"));
    assertTrue(lowMessage.contains("the scope requires 3 and 2"), lowMessage);
    // A record threshold below the published max(k, min_records) is refused as well.
    RunTranscript.Builder lowK = run(List.of("p1"), null);
    lowK.setKThreshold(2).getDisclosureBuilder().setMinRecords(2);
    String lowKMessage = refused(state, transcript(lowK, "r"));
    assertTrue(lowKMessage.contains("the record threshold max(k, min_records) = 3"), lowKMessage);
  }

  @Test
  void theGuardIsRecomputedAndAnOverrideIsReported() throws Exception {
    AuditState state = log(scope(2, 0, 0));
    check(state, transcript(run(List.of("p1"), null), "run-1"));
    // The classic pair: the same input plus one submitter's.
    String e = refused(state, transcript(run(List.of("p1", "q1"), null), "run-2"));
    assertTrue(e.contains("differencing guard: the run's report inputs differ from those of "
        + "run run-1 by 1 submission(s) of 1 submitter(s), fewer than min_submitters 2, and "
        + "the transcript carries no override"), e);
    RunTranscript.Builder wrong = run(List.of("p1", "q1"), null).setDifferencingOverride(
        DifferencingOverride.newBuilder().setReason("board").addRuns("run-0"));
    assertTrue(refused(state, transcript(wrong, "run-2")).contains("differencing override: "
        + "it names runs [run-0] but the logged runs the guard refuses are [run-1]"));
    RunTranscript.Builder overridden = run(List.of("p1", "q1"), null).setDifferencingOverride(
        DifferencingOverride.newBuilder().setReason("board decision 7").addRuns("run-1"));
    LogEntryChecker.Counts counts = check(state, transcript(overridden, "run-2"));
    assertEquals(List.of("log entry " + (index - 1) + " (run run-2): differencing guard "
        + "OVERRIDDEN by the operator against run(s) run-1; reason: \"board decision 7\""),
        counts.disclosureNotes);
  }

  /** A state after members p and q, the scope publication and receipts p1 (p), q1 (q). */
  private AuditState log(ScopePublication scope) throws Exception {
    AuditState state = new AuditState();
    check(state, member(P, p));
    check(state, member(Q, q));
    check(state, LogEntry.newBuilder().setScope(scope).build());
    check(state, receipt("p1", P, p));
    check(state, receipt("q1", Q, q));
    return state;
  }

  private static ScopePublication scope(int minSubmitters, long perRun, long budget) {
    return ScopePublication.newBuilder().setScopeId("s")
        .setScopeDigest(ByteString.copyFrom(SCOPE)).setKThreshold(1).setMinRecords(3)
        .setMinSubmitters(minSubmitters).setDpEpsilonPerRunMicros(perRun)
        .setDpEpsilonBudgetMicros(budget).setDpSensitivity(perRun == 0 ? 0 : 12).build();
  }

  private static DpAccount dp(long spent) {
    return DpAccount.newBuilder().setMechanism("geometric").setEpsilonPerRunMicros(1_000_000)
        .setEpsilonBudgetMicros(2_000_000).setEpsilonSpentMicros(spent).setSensitivity(12)
        .build();
  }

  /** A run over the named receipts with min_records 3, min_submitters 2 and {@code dp}. */
  private static RunTranscript.Builder run(List<String> inputs, DpAccount dp) {
    RunTranscript.Builder t = RunTranscript.newBuilder()
        .setScopeDigest(ByteString.copyFrom(SCOPE)).setKThreshold(3);
    DisclosureApplied.Builder d = DisclosureApplied.newBuilder().setMinRecords(3)
        .setMinSubmitters(2);
    if (dp != null) {
      d.setDp(dp);
    }
    t.setDisclosure(d);
    for (String id : inputs) {
      String submitter = id.startsWith("p") ? P : Q;
      t.addReportInputs(RunInput.newBuilder().setSubmissionId(id).setSubmitter(submitter)
          .setMerkleRoot(ByteString.copyFrom(new byte[32])).setRecordCount(1).setKeyId(5));
      if (t.getRecipientsList().stream().noneMatch(r -> r.getRecipient().equals(submitter))) {
        t.addRecipients(RecipientDigest.newBuilder().setRecipient(submitter)
            .setResultsSha256(ByteString.copyFrom(new byte[32])));
      }
    }
    return t.addRecipients(RecipientDigest.newBuilder().setRecipient(MatchRun.OPERATOR)
        .setResultsSha256(ByteString.copyFrom(new byte[32])));
  }

  private LogEntry transcript(RunTranscript.Builder t, String runId) throws Exception {
    return LogEntry.newBuilder().setTranscript(Transcripts.sign(clearinghouse,
        t.setRunId(runId).build())).build();
  }

  private LogEntryChecker.Counts check(AuditState state, LogEntry entry)
      throws AuditException {
    LogEntryChecker.Counts counts = new LogEntryChecker.Counts();
    checker.check(entry.toByteString(), index++, state, counts);
    return counts;
  }

  private String refused(AuditState state, LogEntry entry) {
    return assertThrows(AuditException.class, () -> checker.check(entry.toByteString(), 99,
        state, new LogEntryChecker.Counts())).getMessage();
  }

  private LogEntry receipt(String id, String submitter, NodeSigner key)
      throws Exception {
    Commitment c = Commitment.newBuilder().setSubmissionId(id).setSubmitter(submitter)
        .setKeyMode(KeyMode.KEY_MODE_HMAC).setKeyId(5)
        .setScopeDigest(ByteString.copyFrom(SCOPE)).setRecordCount(1)
        .setMerkleRoot(ByteString.copyFrom(new byte[32])).build();
    byte[] sig = Commitments.sign(key, c).getSignature().toByteArray();
    ReceiptBody body = ReceiptBody.newBuilder().setCommitment(c)
        .setCommitmentSignatureSha256(ByteString.copyFrom(Sha256.digest(sig))).build();
    return LogEntry.newBuilder().setReceipt(Receipts.sign(clearinghouse, body))
        .setCommitmentSignature(ByteString.copyFrom(sig)).build();
  }

  private static LogEntry member(String identity, NodeSigner key) {
    return LogEntry.newBuilder().setMember(Member.newBuilder().setIdentity(identity)
        .setRole("platform").setSigningKeyset(key.publicKeysetJson())
        .setSigningKeysetSha256(ByteString.copyFrom(NodeSigner.fingerprint(
            key.publicKeysetJson())))
        .setCertificateSha256(ByteString.copyFrom(new byte[32]))).build();
  }

  private static NodeSigner signer() {
    try {
      return NodeSigner.of(NodeSigner.generate());
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }
}
