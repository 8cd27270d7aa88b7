package org.blindmatch.client.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.blindmatch.core.claims.Transcripts;
import org.blindmatch.core.claims.Receipts;
import org.blindmatch.core.claims.Commitments;
import org.blindmatch.core.match.MatchRun;
import com.google.protobuf.ByteString;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.List;
import java.util.function.UnaryOperator;
import org.blindmatch.crypto.hash.Sha256;
import org.blindmatch.crypto.merkle.StreamingMerkleRoot;
import org.blindmatch.crypto.oprf.KeyPair;
import org.blindmatch.crypto.oprf.KeyShare;
import org.blindmatch.crypto.oprf.ShamirSharing;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.Commitment;
import org.blindmatch.proto.v1.KeyEpoch;
import org.blindmatch.proto.v1.KeyMode;
import org.blindmatch.proto.v1.KeyholderShare;
import org.blindmatch.proto.v1.LogEntry;
import org.blindmatch.proto.v1.Member;
import org.blindmatch.proto.v1.OprfEpoch;
import org.blindmatch.proto.v1.Receipt;
import org.blindmatch.proto.v1.ReceiptBody;
import org.blindmatch.proto.v1.RecipientDigest;
import org.blindmatch.proto.v1.RunInput;
import org.blindmatch.proto.v1.RunTranscript;
import org.blindmatch.proto.v1.ScopePublication;
import org.blindmatch.proto.v1.SignedTranscript;
import org.blindmatch.proto.v1.TierTotals;
import org.junit.jupiter.api.Test;

/** Each entry check on hand-made entries: what passes, and the message for what fails. */
class LogEntryCheckerTest {
  static final byte[] SCOPE = new byte[32];
  static final String PLATFORM = "blindmatch://test/platform/p";
  final NodeSigner clearinghouse = signer();
  final NodeSigner platform = signer();
  final LogEntryChecker checker = checker(clearinghouse);

  @Test
  void aWellFormedOprfEpochPassesAndAMalformedOneIsNamed() throws Exception {
    KeyEpoch good = oprfEpoch(2, 3);
    AuditState state = new AuditState();
    check(state, 0, LogEntry.newBuilder().setKeyEpoch(good).build());
    assertTrue(state.logged.contains("key-epoch/oprf/7/" + "00".repeat(32)));

    assertFails("log entry 1: key epoch: threshold 4 of 3 shares",
        epoch(good, o -> o.toBuilder().setThreshold(4).build()));
    assertFails("log entry 1: key epoch: share 2 names 'blindmatch://test/ngo/n', not a "
        + "keyholder identity", epoch(good, o -> o.toBuilder().setKeyholders(1,
            o.getKeyholders(1).toBuilder().setKeyholder("blindmatch://test/ngo/n")).build()));
    assertFails("log entry 1: key epoch: share index 1 is out of range or repeated",
        epoch(good, o -> o.toBuilder().setKeyholders(1,
            o.getKeyholders(1).toBuilder().setIndex(1)).build()));
    assertFails("log entry 1: key epoch: share 3 public key is not a P-256 point",
        epoch(good, o -> o.toBuilder().setKeyholders(2, o.getKeyholders(2).toBuilder()
            .setPublicKey(ByteString.copyFrom(new byte[33]))).build()));
    // Share keys of another key: each a valid point, but they do not interpolate to it.
    KeyEpoch other = oprfEpoch(2, 3);
    assertFails("log entry 1: key epoch: the combined public key is not the one the share "
        + "public keys interpolate to", epoch(good, o -> o.toBuilder()
            .setCombinedPublicKey(other.getOprf().getCombinedPublicKey()).build()));
    assertFails("log entry 1: key epoch: an hmac epoch with oprf key shares",
        LogEntry.newBuilder().setKeyEpoch(good.toBuilder().setMode(KeyMode.KEY_MODE_HMAC))
            .build());
  }

  /**
   * The uint32 fields of key epoch and scope entries at 0, 2^31-1, 2^31, 2^32-1: key ids and
   * k are accepted and named unsigned; threshold, share count and share index outside their
   * ranges are refused naming the value unsigned (never negative, never an exception).
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {0, Integer.MAX_VALUE,
      Integer.MIN_VALUE, -1})
  void keyEpochAndScopeNumbersAreUnsigned(int edge) throws Exception {
    String u = Integer.toUnsignedString(edge);
    AuditState state = new AuditState();
    check(state, 0, LogEntry.newBuilder().setKeyEpoch(KeyEpoch.newBuilder()
        .setMode(KeyMode.KEY_MODE_HMAC).setKeyId(edge).setScopeDigest(ByteString.copyFrom(SCOPE)))
        .build());
    assertTrue(state.logged.contains("key-epoch/hmac/" + u + "/" + "00".repeat(32)),
        state.logged.toString());
    KeyEpoch good = oprfEpoch(2, 3);
    check(state, 1, LogEntry.newBuilder().setKeyEpoch(good.toBuilder().setKeyId(edge)).build());
    assertTrue(state.logged.contains("key-epoch/oprf/" + u + "/" + "00".repeat(32)));
    check(state, 2, LogEntry.newBuilder().setScope(ScopePublication.newBuilder()
        .setScopeId("s").setScopeDigest(ByteString.copyFrom(SCOPE)).setKThreshold(edge))
        .build());

    assertFails("log entry 1: key epoch: threshold " + u + " of 3 shares with 3 keyholders "
        + "is not valid", epoch(good, o -> o.toBuilder().setThreshold(edge).build()));
    assertFails("log entry 1: key epoch: threshold 2 of " + u + " shares with 3 keyholders "
        + "is not valid", epoch(good, o -> o.toBuilder().setShares(edge).build()));
    assertFails("log entry 1: key epoch: share index " + u + " is out of range or repeated",
        epoch(good, o -> o.toBuilder().setKeyholders(0,
            o.getKeyholders(0).toBuilder().setIndex(edge)).build()));
  }

  @Test
  void aReceiptMustNameALoggedScopeAndKeyEpoch() throws Exception {
    AuditState state = withPlatform();
    check(state, 0, receipt("r1", KeyMode.KEY_MODE_HMAC, 5, clearinghouse));
    AuditException e = assertThrows(AuditException.class,
        () -> LogEntryChecker.requireNothingPending(state));
    assertEquals("log entry 0 refers to scope " + "00".repeat(32) + ", which the log does not "
        + "hold", e.getMessage());
    check(state, 1, LogEntry.newBuilder().setScope(ScopePublication.newBuilder()
        .setScopeId("s").setScopeDigest(ByteString.copyFrom(SCOPE))).build());
    e = assertThrows(AuditException.class, () -> LogEntryChecker.requireNothingPending(state));
    assertEquals("log entry 0 refers to hmac key epoch 5 of scope " + "00".repeat(32)
        + ", which the log does not hold", e.getMessage());
    // Logged later (a log that predates key epoch entries) is accepted.
    check(state, 2, LogEntry.newBuilder().setKeyEpoch(KeyEpoch.newBuilder()
        .setMode(KeyMode.KEY_MODE_HMAC).setKeyId(5).setScopeDigest(ByteString.copyFrom(SCOPE)))
        .build());
    LogEntryChecker.requireNothingPending(state);
  }

  @Test
  void aSubmissionIsLoggedOnce() throws Exception {
    AuditState state = withPlatform();
    check(state, 0, receipt("r1", KeyMode.KEY_MODE_HMAC, 5, clearinghouse));
    AuditException twice = assertThrows(AuditException.class,
        () -> check(state, 1, receipt("r1", KeyMode.KEY_MODE_HMAC, 5, clearinghouse)));
    assertEquals("log entry 1: receipt: submission r1 of blindmatch://test/platform/p is "
        + "already logged at entry 0", twice.getMessage());
    AuditException body = assertThrows(AuditException.class, () -> check(state, 2,
        LogEntry.newBuilder().setReceipt(Receipt.newBuilder().setBody(
            ByteString.copyFromUtf8("not a body"))).build()));
    assertEquals("log entry 2: receipt: the body does not parse", body.getMessage());
  }

  @Test
  void aTranscriptMustBeSignedByTheClearinghouse() throws Exception {
    SignedTranscript t = Transcripts.sign(signer(),
        RunTranscript.newBuilder().setRunId("run-1").build());
    AuditException forged = assertThrows(AuditException.class, () -> check(new AuditState(), 4,
        LogEntry.newBuilder().setTranscript(t).build()));
    assertEquals("log entry 4 (run run-1): transcript: the signature does not verify against "
        + "the clearinghouse's published key", forged.getMessage());
  }

  @Test
  void aPageReportsTheLowestFailingEntryWhateverItsCheck() throws Exception {
    LogEntry scope = LogEntry.newBuilder().setScope(ScopePublication.newBuilder()
        .setScopeId("s").setScopeDigest(ByteString.copyFrom(SCOPE))).build();
    LogEntry badScope = LogEntry.newBuilder().setScope(ScopePublication.newBuilder()
        .setScopeId("s")).build();
    // The platform's member entry in the same page, before its receipt, is what the receipt's
    // commitment signature is checked against.
    List<ByteString> page = List.of(member(PLATFORM, "platform", platform).toByteString(),
        receipt("r1", KeyMode.KEY_MODE_HMAC, 5, clearinghouse).toByteString(),
        badScope.toByteString(),
        receipt("r2", KeyMode.KEY_MODE_HMAC, 5, clearinghouse, signer()).toByteString());
    AuditException e = assertThrows(AuditException.class, () -> checker.checkPage(page, 10,
        new AuditState(), new LogEntryChecker.Counts()));
    assertTrue(e.getMessage().startsWith("log entry 12: scope publication"), e.getMessage());
    AuditException forged = assertThrows(AuditException.class, () -> checker.checkPage(
        List.of(page.get(0), page.get(1), page.get(3)), 10, new AuditState(),
        new LogEntryChecker.Counts()));
    checker.checkPage(List.of(scope.toByteString(), page.get(0), page.get(1)), 10,
        new AuditState(), new LogEntryChecker.Counts());
    assertTrue(forged.getMessage().startsWith("log entry 12: receipt: the submitter's "
        + "signature over the commitment does not verify"), forged.getMessage());
  }

  @Test
  void aReceiptMustCarryItsSubmittersSignatureUnderTheKeyItsMemberEntryLogged()
      throws Exception {
    // The operator holds the clearinghouse key and can sign any receipt body, but not the
    // submitter's commitment: an invented submission is caught.
    AuditException invented = assertThrows(AuditException.class, () -> check(withPlatform(), 1,
        receipt("r1", KeyMode.KEY_MODE_HMAC, 5, clearinghouse, signer())));
    assertEquals("log entry 1: receipt: the submitter's signature over the commitment does "
        + "not verify against the signing key its member entry logged: the submitter did not "
        + "make this commitment", invented.getMessage());
    AuditException noMember = assertThrows(AuditException.class, () -> check(new AuditState(),
        1, receipt("r1", KeyMode.KEY_MODE_HMAC, 5, clearinghouse)));
    assertEquals("log entry 1: receipt: no member entry before it logs a signing key for "
        + PLATFORM, noMember.getMessage());
    LogEntry good = receipt("r1", KeyMode.KEY_MODE_HMAC, 5, clearinghouse);
    AuditException missing = assertThrows(AuditException.class, () -> check(withPlatform(), 1,
        good.toBuilder().clearCommitmentSignature().build()));
    assertEquals("log entry 1: receipt: the entry does not carry the submitter's commitment "
        + "signature", missing.getMessage());
    LogEntry other = receipt("r2", KeyMode.KEY_MODE_HMAC, 5, clearinghouse);
    AuditException swapped = assertThrows(AuditException.class, () -> check(withPlatform(), 1,
        good.toBuilder().setCommitmentSignature(other.getCommitmentSignature()).build()));
    assertTrue(swapped.getMessage().startsWith("log entry 1: receipt: the submitter's "
        + "commitment signature is not the one the receipt names"), swapped.getMessage());
  }

  @Test
  void aReceiptIsCheckedUnderAKeyLoggedOnThePreviousPage() throws Exception {
    // LogPages prepares page k+1 (verifying what it can) while page k is checked, with the
    // keys known before page k: a key page k logs is only known when page k+1 is applied.
    List<LogEntry> log = List.of(member(PLATFORM, "platform", platform),
        receipt("r1", KeyMode.KEY_MODE_HMAC, 5, clearinghouse),
        receipt("r2", KeyMode.KEY_MODE_HMAC, 5, clearinghouse));
    LogPages.Source onePerPage = (from, to) -> List.of(log.get((int) from).toByteString());
    AuditState state = new AuditState();
    LogEntryChecker.Counts counts = new LogEntryChecker.Counts();
    StreamingMerkleRoot tree = new StreamingMerkleRoot();
    LogPages.check(onePerPage, 3, checker, state, counts, tree, (run, index) -> { });
    assertEquals(2, counts.receipts());
    assertEquals(3, tree.size());

    List<LogEntry> forged = List.of(log.get(0), log.get(1),
        receipt("r2", KeyMode.KEY_MODE_HMAC, 5, clearinghouse, signer()));
    AuditException e = assertThrows(AuditException.class, () -> LogPages.check(
        (from, to) -> List.of(forged.get((int) from).toByteString()), 3, checker,
        new AuditState(), new LogEntryChecker.Counts(), new StreamingMerkleRoot(),
        (run, index) -> { }));
    assertTrue(e.getMessage().startsWith("log entry 2: receipt: the submitter's signature"),
        e.getMessage());
  }

  @Test
  void aMemberLogsItsOneSigningKeyAndTheStateKeepsIt(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) throws Exception {
    LogEntry m = member(PLATFORM, "platform", platform);
    assertFails("log entry 1: member: the signing keyset is not the one signing_keyset_sha256 "
        + "names", m.toBuilder().setMember(m.getMember().toBuilder()
            .setSigningKeyset(signer().publicKeysetJson())).build());
    AuditState state = withPlatform();
    check(state, 1, m); // the same node again (e.g. a new certificate): fine
    AuditException second = assertThrows(AuditException.class,
        () -> check(state, 2, member(PLATFORM, "platform", signer())));
    assertEquals("log entry 2: member: " + PLATFORM + " already has a different signing key in "
        + "the log (a node registers one signing key)", second.getMessage());
    // An incremental audit resumes with the logged keys.
    state.head = org.blindmatch.proto.v1.SignedTreeHead.newBuilder()
        .setSignature(ByteString.copyFrom(new byte[] {1})).build();
    state.save(dir);
    AuditState resumed = AuditState.load(dir);
    check(resumed, 3, receipt("r1", KeyMode.KEY_MODE_HMAC, 5, clearinghouse));
  }

  @Test
  void membersMustBeOfThisFederationWithTheirOwnRole() throws Exception {
    Member m = member("blindmatch://test/ngo/n", "ngo", platform).getMember();
    check(new AuditState(), 0, LogEntry.newBuilder().setMember(m).build());
    assertFails("log entry 1: member: role \"auditor\" is not the role of "
        + "\"blindmatch://test/ngo/n\"",
        LogEntry.newBuilder().setMember(m.toBuilder().setRole("auditor")).build());
    assertFails("log entry 1: member: blindmatch://other/ngo/n is not of federation test",
        LogEntry.newBuilder().setMember(m.toBuilder().setIdentity("blindmatch://other/ngo/n"))
            .build());
  }

  // ---- helpers ----

  /**
   * Transcript totals are uint64 (tiers uint32): a count of 2^63 or more is negative as a Java
   * long and must not pass a bound because of it; the message prints it unsigned.
   */
  @Test
  void transcriptCountsAreBoundedAsUnsigned() throws Exception {
    AuditState state = withPlatform();
    check(state, 1, receipt("r1", KeyMode.KEY_MODE_HMAC, 5, clearinghouse));
    RunTranscript.Builder ok = RunTranscript.newBuilder().setRunId("run-1")
        .setScopeDigest(ByteString.copyFrom(SCOPE))
        .addReportInputs(RunInput.newBuilder().setSubmissionId("r1").setSubmitter(PLATFORM)
            .setMerkleRoot(ByteString.copyFrom(new byte[32])).setRecordCount(1).setKeyId(5))
        .addRecipients(RecipientDigest.newBuilder().setRecipient(PLATFORM)
            .setResultsSha256(ByteString.copyFrom(new byte[32])))
        .addRecipients(RecipientDigest.newBuilder().setRecipient(MatchRun.OPERATOR)
            .setResultsSha256(ByteString.copyFrom(new byte[32])));
    TierTotals one = TierTotals.newBuilder().setTier(0).setMatchedRecords(1)
        .setMatchedEvents(1).setSubmitters(1).build();
    check(state, 2, transcript(ok.clone().addTotals(one)));
    for (long big : new long[] {Long.MAX_VALUE, Long.MIN_VALUE, -1L}) {
      String u = Long.toUnsignedString(big);
      assertTrue(refused(state, ok.clone().addTotals(one.toBuilder().setMatchedEvents(big)))
          .contains(u + " matched events"), u);
      assertTrue(refused(state, ok.clone().addTotals(one.toBuilder().setMatchedRecords(big)))
          .contains(u + " matched records"), u);
      assertTrue(refused(state, ok.clone().addTotals(one.toBuilder().setSubmitters(big)))
          .contains(u + " submitters matched"), u);
      assertTrue(refused(state, ok.clone().addTotals(one.toBuilder().setMatchedLabels(big)))
          .contains(u + " matched labels"), u);
    }
    // Tiers ascend as uint32: 2^31 after 0 is fine for this check, 0 after 2^31 is not.
    check(state, 3, transcript(ok.clone().addTotals(one)
        .addTotals(one.toBuilder().setTier(Integer.MIN_VALUE))));
    assertTrue(refused(state, ok.clone().addTotals(one.toBuilder().setTier(-1))
        .addTotals(one)).contains("tier 0 totals: tiers are not strictly ascending"));
  }

  /**
   * A run must apply the k its scope published: a transcript with another k_threshold than the
   * scope's latest publication before it is refused; one logged before any publication is
   * checked when the scope is first published; a republished k applies to later runs.
   */
  @Test
  void aTranscriptsKThresholdMustBeTheScopesPublishedK() throws Exception {
    RunTranscript.Builder run = RunTranscript.newBuilder()
        .setScopeDigest(ByteString.copyFrom(SCOPE))
        .addRecipients(RecipientDigest.newBuilder().setRecipient(MatchRun.OPERATOR)
            .setResultsSha256(ByteString.copyFrom(new byte[32])));
    AuditState state = new AuditState();
    check(state, 0, scope(5));
    check(state, 1, transcript(run.clone().setKThreshold(5)));
    AuditException e = assertThrows(AuditException.class,
        () -> check(state, 2, transcript(run.clone().setKThreshold(1))));
    assertTrue(e.getMessage().matches("log entry 2 \\(run run-\\d+\\): transcript: the run "
        + "suppressed below k_threshold 1, but the scope's latest publication before it sets "
        + "the record threshold max\\(k, min_records\\) = 5 \\(a run must apply the "
        + "published one\\)"), e.getMessage());
    // k is uint32: 2^32-1 is not -1 and not 5
    assertTrue(assertThrows(AuditException.class,
        () -> check(state, 2, transcript(run.clone().setKThreshold(-1)))).getMessage()
        .contains("k_threshold 4294967295"));
    check(state, 2, scope(3)); // the operator republished the scope with k = 3
    check(state, 3, transcript(run.clone().setKThreshold(3)));
    assertThrows(AuditException.class,
        () -> check(state, 4, transcript(run.clone().setKThreshold(5))));

    // Before any publication: checked when the scope is published.
    AuditState early = new AuditState();
    check(early, 0, transcript(run.clone().setKThreshold(2)));
    AuditException late = assertThrows(AuditException.class, () -> check(early, 1, scope(5)));
    assertEquals("log entry 1: scope publication: k = 5, but the run at log entry 0 "
        + "suppressed below k_threshold 2", late.getMessage());
    AuditState fine = new AuditState();
    check(fine, 0, transcript(run.clone().setKThreshold(2)));
    check(fine, 1, scope(2));
  }

  private static LogEntry scope(int k) {
    return LogEntry.newBuilder().setScope(ScopePublication.newBuilder().setScopeId("s")
        .setScopeDigest(ByteString.copyFrom(SCOPE)).setKThreshold(k)).build();
  }

  @Test
  void unsignedSumSaturates() {
    assertEquals(0, LogEntryChecker.unsignedSum(0, 0));
    assertEquals(Long.MIN_VALUE, LogEntryChecker.unsignedSum(Long.MAX_VALUE, 1));
    assertEquals(-1L, LogEntryChecker.unsignedSum(Long.MIN_VALUE, Long.MAX_VALUE));
    assertEquals(-1L, LogEntryChecker.unsignedSum(-1L, 1));
    assertEquals(-1L, LogEntryChecker.unsignedSum(Long.MIN_VALUE, Long.MIN_VALUE));
  }

  private int runs;

  /** {@code t} under a fresh run id, signed by the clearinghouse. */
  private LogEntry transcript(RunTranscript.Builder t) throws Exception {
    return LogEntry.newBuilder().setTranscript(Transcripts.sign(clearinghouse,
        t.setRunId("run-" + runs++).build())).build();
  }

  private String refused(AuditState state, RunTranscript.Builder t) throws Exception {
    LogEntry e = transcript(t);
    return assertThrows(AuditException.class, () -> check(state, 9, e)).getMessage();
  }

  private void check(AuditState state, long index, LogEntry entry) throws AuditException {
    checker.check(entry.toByteString(), index, state, new LogEntryChecker.Counts());
  }

  private void assertFails(String message, LogEntry entry) {
    AuditException e = assertThrows(AuditException.class, () -> check(new AuditState(), 1,
        entry));
    assertTrue(e.getMessage().startsWith(message), e.getMessage());
  }

  private static LogEntry epoch(KeyEpoch e, UnaryOperator<OprfEpoch> change) {
    return LogEntry.newBuilder().setKeyEpoch(e.toBuilder().setOprf(change.apply(e.getOprf())))
        .build();
  }

  private static KeyEpoch oprfEpoch(int t, int n) {
    SecureRandom random = new SecureRandom();
    BigInteger secret = KeyPair.generate(random).secretKey();
    List<KeyShare> shares = ShamirSharing.split(secret, t, n, random);
    OprfEpoch.Builder o = OprfEpoch.newBuilder().setThreshold(t).setShares(n)
        .setCombinedPublicKey(ByteString.copyFrom(KeyPair.of(secret).publicKey().encode()));
    for (KeyShare s : shares) {
      o.addKeyholders(KeyholderShare.newBuilder().setIndex(s.index())
          .setKeyholder("blindmatch://test/keyholder/k" + s.index())
          .setPublicKey(ByteString.copyFrom(s.publicKey().encode())));
    }
    return KeyEpoch.newBuilder().setMode(KeyMode.KEY_MODE_OPRF).setKeyId(7)
        .setScopeDigest(ByteString.copyFrom(SCOPE)).setOprf(o).build();
  }

  private LogEntry receipt(String id, KeyMode mode, int keyId, NodeSigner signer)
      throws Exception {
    return receipt(id, mode, keyId, signer, platform);
  }

  /** A receipt signed by {@code signer} of a commitment signed by {@code submitter}. */
  private static LogEntry receipt(String id, KeyMode mode, int keyId, NodeSigner signer,
      NodeSigner submitter) throws Exception {
    Commitment c = Commitment.newBuilder()
        .setSubmissionId(id).setSubmitter(PLATFORM).setKeyMode(mode)
        .setKeyId(keyId).setScopeDigest(ByteString.copyFrom(SCOPE)).setRecordCount(1)
        .setMerkleRoot(ByteString.copyFrom(new byte[32])).build();
    byte[] commitmentSignature = Commitments.sign(submitter, c).getSignature().toByteArray();
    ReceiptBody body = ReceiptBody.newBuilder().setCommitment(c)
        .setCommitmentSignatureSha256(ByteString.copyFrom(Sha256.digest(commitmentSignature)))
        .build();
    return LogEntry.newBuilder().setReceipt(Receipts.sign(signer, body))
        .setCommitmentSignature(ByteString.copyFrom(commitmentSignature))
        .build();
  }

  private static LogEntry member(String identity, String role, NodeSigner key) {
    return LogEntry.newBuilder().setMember(Member.newBuilder().setIdentity(identity)
        .setRole(role).setSigningKeyset(key.publicKeysetJson())
        .setSigningKeysetSha256(ByteString.copyFrom(NodeSigner.fingerprint(
            key.publicKeysetJson())))
        .setCertificateSha256(ByteString.copyFrom(new byte[32]))).build();
  }

  /** A state in which the platform's member entry (index 0 of the log) has been checked. */
  private AuditState withPlatform() throws AuditException {
    AuditState state = new AuditState();
    check(state, 0, member(PLATFORM, "platform", platform));
    return state;
  }

  private static LogEntryChecker checker(NodeSigner clearinghouse) {
    try {
      return new LogEntryChecker(clearinghouse.publicKeysetJson(), "test");
    } catch (AuditException e) {
      throw new AssertionError(e);
    }
  }

  private static NodeSigner signer() {
    try {
      return NodeSigner.of(NodeSigner.generate());
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }
}
