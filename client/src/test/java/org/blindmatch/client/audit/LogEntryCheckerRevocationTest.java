package org.blindmatch.client.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.blindmatch.core.claims.Commitments;
import org.blindmatch.core.claims.Receipts;
import org.blindmatch.crypto.hash.Sha256;
import org.blindmatch.crypto.pki.FederationCa;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.RevocationReason;
import org.blindmatch.crypto.pki.Revocations;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.Commitment;
import org.blindmatch.proto.v1.KeyMode;
import org.blindmatch.proto.v1.LogEntry;
import org.blindmatch.proto.v1.Member;
import org.blindmatch.proto.v1.ReceiptBody;
import org.blindmatch.proto.v1.RevocationList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revocation-list entries and member certificates in the log: only lists the federation CA
 * signed, each newer than the last; a submission committed after its submitter's certificate
 * was revoked is refused; a renewed certificate's member entry lets the member submit again.
 */
class LogEntryCheckerRevocationTest {
  static final String PLATFORM = "blindmatch://test/platform/p";
  final NodeSigner clearinghouse = NodeSignerFixture.signer();
  final NodeSigner platform = NodeSignerFixture.signer();
  final FederationCa ca = FederationCa.create("test", Duration.ofDays(2));
  final LogEntryChecker checker = checker(ca.certificate());

  @Test
  void aListTheCaDidNotSignMalformedOrReplayedIsRefused() throws Exception {
    FederationCa other = FederationCa.create("test", Duration.ofDays(2));
    FederationCa otherFederation = FederationCa.create("other", Duration.ofDays(2));
    AuditState state = new AuditState();
    assertFails(state, "log entry 1: revocation list: signature does not verify with the "
        + "federation CA's key", revocations(other, 1));
    assertFails(state, "log entry 1: revocation list: issued by",
        revocations(otherFederation, 1));
    assertFails(state, "log entry 1: revocation list: not an X.509 CRL",
        LogEntry.newBuilder().setRevocations(RevocationList.newBuilder()
            .setCrl(ByteString.copyFromUtf8("not a CRL"))).build());
    check(state, 1, revocations(ca, 2));
    assertFails(state, "log entry 1: revocation list: CRL number 1 is not newer than the list "
        + "already logged (number 2): a replayed list", revocations(ca, 1));
    assertFails(state, "log entry 1: revocation list: CRL number 2 is not newer",
        revocations(ca, 2));
    assertTrue(assertThrows(AuditException.class, () -> checker(null).check(
        revocations(ca, 3).toByteString(), 1, new AuditState(), new LogEntryChecker.Counts()))
        .getMessage().contains("no federation CA certificate"));
  }

  @Test
  void aSubmissionAfterRevocationIsRefusedAndARenewedMemberMaySubmit(@TempDir Path dir)
      throws Exception {
    NodeIdentity id = NodeIdentity.fromUri(PLATFORM);
    X509Certificate first = ca.issue(id, List.of(), List.of(), Duration.ofDays(1))
        .certificate();
    AuditState state = new AuditState();
    check(state, 0, member(first));
    Instant revokedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    check(state, 1, receipt("before", revokedAt.getEpochSecond() - 1));
    check(state, 2, LogEntry.newBuilder().setRevocations(RevocationList.newBuilder().setCrl(
        ByteString.copyFrom(ca.revocationList(List.of(new Revocations.Revoked(
            first.getSerialNumber(), revokedAt, RevocationReason.KEY_COMPROMISE)),
            BigInteger.ONE).encoded()))).build());
    AuditException e = assertThrows(AuditException.class,
        () -> check(state, 3, receipt("after", revokedAt.getEpochSecond())));
    assertEquals("log entry 3: receipt: submission after of " + PLATFORM + " was committed at "
        + revokedAt + ", after its certificate serial " + first.getSerialNumber().toString(16)
        + " was revoked at " + revokedAt + " (reason: key-compromise)", e.getMessage());

    // The state remembers the revocation across audits.
    state.head = org.blindmatch.proto.v1.SignedTreeHead.newBuilder()
        .setSignature(ByteString.copyFromUtf8("a head")).build();
    state.save(dir);
    AuditState kept = AuditState.load(dir);
    assertThrows(AuditException.class,
        () -> check(kept, 3, receipt("after", revokedAt.getEpochSecond())));

    X509Certificate renewed = ca.issue(id, List.of(), List.of(), Duration.ofDays(1))
        .certificate();
    check(kept, 3, member(renewed));
    check(kept, 4, receipt("after", revokedAt.getEpochSecond() + 5));
  }

  /**
   * The clearinghouse may load the CA's list after the CA signed it: a receipt logged before
   * the list's entry but committed after the revocation date is still refused, by its commit
   * time (and across a kept state); one committed before the revocation, or in its very second
   * (whole-second times cannot order them), is not.
   */
  @Test
  void aReceiptCommittedAfterTheRevocationDateIsRefusedEvenWhenTheListIsLoggedLater(
      @TempDir Path dir) throws Exception {
    NodeIdentity id = NodeIdentity.fromUri(PLATFORM);
    X509Certificate cert = ca.issue(id, List.of(), List.of(), Duration.ofDays(1))
        .certificate();
    Instant revokedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    LogEntry list = LogEntry.newBuilder().setRevocations(RevocationList.newBuilder().setCrl(
        ByteString.copyFrom(ca.revocationList(List.of(new Revocations.Revoked(
            cert.getSerialNumber(), revokedAt, RevocationReason.KEY_COMPROMISE)),
            BigInteger.ONE).encoded()))).build();

    AuditState early = new AuditState();
    check(early, 0, member(cert));
    check(early, 1, receipt("before", revokedAt.getEpochSecond() - 1));
    check(early, 2, list); // committed before the revocation date: fine

    AuditState sameSecond = new AuditState();
    check(sameSecond, 0, member(cert));
    check(sameSecond, 1, receipt("same-second", revokedAt.getEpochSecond()));
    check(sameSecond, 2, list); // cannot be ordered against the revocation: it stands

    AuditState late = new AuditState();
    check(late, 0, member(cert));
    check(late, 1, receipt("before", revokedAt.getEpochSecond() - 1));
    check(late, 2, receipt("after", revokedAt.getEpochSecond() + 60));
    check(late, 3, receipt("before-again", revokedAt.getEpochSecond() - 30));
    late.head = org.blindmatch.proto.v1.SignedTreeHead.newBuilder()
        .setSignature(ByteString.copyFromUtf8("a head")).build();
    late.save(dir);
    AuditState kept = AuditState.load(dir);
    AuditException e = assertThrows(AuditException.class, () -> check(kept, 4, list));
    assertEquals("log entry 4: revocation list: certificate serial "
        + cert.getSerialNumber().toString(16) + " was revoked at " + revokedAt
        + " (reason: key-compromise), but the receipt at log entry 2 was committed under that "
        + "certificate at " + revokedAt.plusSeconds(60) + ", after the revocation: the "
        + "clearinghouse accepted a revoked member's submission (it loaded this list late, "
        + "or ignored it)", e.getMessage());
  }

  @Test
  void aMemberCertificateMustBeTheCasAndTheOneItsFingerprintNames() throws Exception {
    NodeIdentity id = NodeIdentity.fromUri(PLATFORM);
    FederationCa other = FederationCa.create("test", Duration.ofDays(2));
    X509Certificate foreign = other.issue(id, List.of(), List.of(), Duration.ofDays(1))
        .certificate();
    assertFails(new AuditState(), "log entry 1: member: the certificate is not one the "
        + "federation CA issued for " + PLATFORM, member(foreign));
    X509Certificate mine = ca.issue(id, List.of(), List.of(), Duration.ofDays(1))
        .certificate();
    LogEntry wrongSha = member(mine).toBuilder().setMember(member(mine).getMember().toBuilder()
        .setCertificateSha256(ByteString.copyFrom(new byte[32]))).build();
    assertFails(new AuditState(), "log entry 1: member: the certificate is not the one "
        + "certificate_sha256 names", wrongSha);
  }

  private void check(AuditState state, long index, LogEntry entry) throws AuditException {
    checker.check(entry.toByteString(), index, state, new LogEntryChecker.Counts());
  }

  private void assertFails(AuditState state, String message, LogEntry entry) {
    AuditException e = assertThrows(AuditException.class, () -> check(state, 1, entry));
    assertTrue(e.getMessage().startsWith(message), e.getMessage());
  }

  private static LogEntry revocations(FederationCa ca, long number) throws Exception {
    return LogEntry.newBuilder().setRevocations(RevocationList.newBuilder().setCrl(
        ByteString.copyFrom(ca.revocationList(List.of(), BigInteger.valueOf(number))
            .encoded()))).build();
  }

  private LogEntry member(X509Certificate cert) throws Exception {
    return LogEntry.newBuilder().setMember(Member.newBuilder().setIdentity(PLATFORM)
        .setRole("platform").setSigningKeyset(platform.publicKeysetJson())
        .setSigningKeysetSha256(ByteString.copyFrom(NodeSigner.fingerprint(
            platform.publicKeysetJson())))
        .setCertificateSha256(ByteString.copyFrom(Sha256.digest(cert.getEncoded())))
        .setCertificate(ByteString.copyFrom(cert.getEncoded()))).build();
  }

  private LogEntry receipt(String id, long committedAt) throws Exception {
    Commitment c = Commitment.newBuilder()
        .setSubmissionId(id).setSubmitter(PLATFORM).setKeyMode(KeyMode.KEY_MODE_HMAC)
        .setKeyId(5).setScopeDigest(ByteString.copyFrom(new byte[32])).setRecordCount(1)
        .setMerkleRoot(ByteString.copyFrom(new byte[32])).build();
    byte[] signature = Commitments.sign(platform, c).getSignature().toByteArray();
    ReceiptBody body = ReceiptBody.newBuilder().setCommitment(c)
        .setCommitmentSignatureSha256(ByteString.copyFrom(Sha256.digest(signature)))
        .setCommittedAt(committedAt).build();
    return LogEntry.newBuilder().setReceipt(Receipts.sign(clearinghouse, body))
        .setCommitmentSignature(ByteString.copyFrom(signature)).build();
  }

  private LogEntryChecker checker(X509Certificate caCert) {
    try {
      return new LogEntryChecker(clearinghouse.publicKeysetJson(), "test", caCert);
    } catch (AuditException e) {
      throw new AssertionError(e);
    }
  }

  /** Node signers for tests. */
  static final class NodeSignerFixture {
    static NodeSigner signer() {
      try {
        return NodeSigner.of(NodeSigner.generate());
      } catch (java.security.GeneralSecurityException e) {
        throw new AssertionError(e);
      }
    }
  }
}
