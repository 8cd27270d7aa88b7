package org.blindmatch.client.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.List;
import java.util.function.UnaryOperator;
import org.blindmatch.client.tokenize.InputException;
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
import org.blindmatch.proto.v1.ScopePublication;
import org.junit.jupiter.api.Test;

/** Each entry check on hand-made entries: what passes, and the message for what fails. */
class LogEntryCheckerTest {
  static final byte[] SCOPE = new byte[32];
  final NodeSigner clearinghouse = signer();
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

  @Test
  void aReceiptMustNameALoggedScopeAndKeyEpoch() throws Exception {
    AuditState state = new AuditState();
    check(state, 0, receipt("r1", KeyMode.KEY_MODE_HMAC, 5, clearinghouse));
    InputException e = assertThrows(InputException.class,
        () -> LogEntryChecker.requireNothingPending(state));
    assertEquals("log entry 0 refers to scope " + "00".repeat(32) + ", which the log does not "
        + "hold", e.getMessage());
    check(state, 1, LogEntry.newBuilder().setScope(ScopePublication.newBuilder()
        .setScopeId("s").setScopeDigest(ByteString.copyFrom(SCOPE))).build());
    e = assertThrows(InputException.class, () -> LogEntryChecker.requireNothingPending(state));
    assertEquals("log entry 0 refers to hmac key epoch 5 of scope " + "00".repeat(32)
        + ", which the log does not hold", e.getMessage());
    // Logged later (a log that predates key epoch entries) is accepted.
    check(state, 2, LogEntry.newBuilder().setKeyEpoch(KeyEpoch.newBuilder()
        .setMode(KeyMode.KEY_MODE_HMAC).setKeyId(5).setScopeDigest(ByteString.copyFrom(SCOPE)))
        .build());
    LogEntryChecker.requireNothingPending(state);
  }

  @Test
  void receiptsMustBeSignedByTheClearinghouseAndLoggedOnce() throws Exception {
    AuditState state = new AuditState();
    check(state, 0, receipt("r1", KeyMode.KEY_MODE_HMAC, 5, clearinghouse));
    InputException twice = assertThrows(InputException.class,
        () -> check(state, 1, receipt("r1", KeyMode.KEY_MODE_HMAC, 5, clearinghouse)));
    assertEquals("log entry 1: receipt: submission r1 of blindmatch://test/platform/p is "
        + "already logged at entry 0", twice.getMessage());
    InputException forged = assertThrows(InputException.class,
        () -> check(state, 1, receipt("r2", KeyMode.KEY_MODE_HMAC, 5, signer())));
    assertEquals("log entry 1: receipt: the signature does not verify against the "
        + "clearinghouse's published key", forged.getMessage());
  }

  @Test
  void aPageReportsTheLowestFailingEntryWhateverItsCheck() throws Exception {
    LogEntry scope = LogEntry.newBuilder().setScope(ScopePublication.newBuilder()
        .setScopeId("s").setScopeDigest(ByteString.copyFrom(SCOPE))).build();
    LogEntry badScope = LogEntry.newBuilder().setScope(ScopePublication.newBuilder()
        .setScopeId("s")).build();
    List<ByteString> page = List.of(scope.toByteString(),
        receipt("r1", KeyMode.KEY_MODE_HMAC, 5, clearinghouse).toByteString(),
        badScope.toByteString(),
        receipt("r2", KeyMode.KEY_MODE_HMAC, 5, signer()).toByteString());
    InputException e = assertThrows(InputException.class, () -> checker.checkPage(page, 10,
        new AuditState(), new LogEntryChecker.Counts()));
    assertTrue(e.getMessage().startsWith("log entry 12: scope publication"), e.getMessage());
    InputException forged = assertThrows(InputException.class, () -> checker.checkPage(
        List.of(page.get(0), page.get(1), page.get(3)), 10, new AuditState(),
        new LogEntryChecker.Counts()));
    assertEquals("log entry 12: receipt: the signature does not verify against the "
        + "clearinghouse's published key", forged.getMessage());
  }

  @Test
  void membersMustBeOfThisFederationWithTheirOwnRole() throws Exception {
    Member m = Member.newBuilder().setIdentity("blindmatch://test/ngo/n").setRole("ngo")
        .setSigningKeysetSha256(ByteString.copyFrom(new byte[32]))
        .setCertificateSha256(ByteString.copyFrom(new byte[32])).build();
    check(new AuditState(), 0, LogEntry.newBuilder().setMember(m).build());
    assertFails("log entry 1: member: role 'auditor' is not the role of blindmatch://test/ngo/n",
        LogEntry.newBuilder().setMember(m.toBuilder().setRole("auditor")).build());
    assertFails("log entry 1: member: blindmatch://other/ngo/n is not of federation test",
        LogEntry.newBuilder().setMember(m.toBuilder().setIdentity("blindmatch://other/ngo/n"))
            .build());
  }

  // ---- helpers ----

  private void check(AuditState state, long index, LogEntry entry) throws InputException {
    checker.check(entry.toByteString(), index, state, new LogEntryChecker.Counts());
  }

  private void assertFails(String message, LogEntry entry) {
    InputException e = assertThrows(InputException.class, () -> check(new AuditState(), 1,
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

  private static LogEntry receipt(String id, KeyMode mode, int keyId, NodeSigner signer)
      throws Exception {
    byte[] body = ReceiptBody.newBuilder().setCommitment(Commitment.newBuilder()
        .setSubmissionId(id).setSubmitter("blindmatch://test/platform/p").setKeyMode(mode)
        .setKeyId(keyId).setScopeDigest(ByteString.copyFrom(SCOPE)).setRecordCount(1)
        .setMerkleRoot(ByteString.copyFrom(new byte[32]))).build().toByteArray();
    return LogEntry.newBuilder().setReceipt(Receipt.newBuilder()
        .setBody(ByteString.copyFrom(body)).setSignature(ByteString.copyFrom(signer.sign(body))))
        .build();
  }

  private static LogEntryChecker checker(NodeSigner clearinghouse) {
    try {
      return new LogEntryChecker(clearinghouse.publicKeysetJson(), "test");
    } catch (InputException e) {
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
