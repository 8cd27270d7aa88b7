package org.blindmatch.client.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.blindmatch.crypto.oprf.Element;
import org.blindmatch.crypto.oprf.KeyPair;
import org.blindmatch.crypto.oprf.KeyShare;
import org.blindmatch.crypto.oprf.OprfKeyFiles;
import org.blindmatch.crypto.oprf.ShamirSharing;
import org.blindmatch.crypto.oprf.ThresholdPublicKey;
import org.blindmatch.crypto.oprf.dkg.DkgPublicFile;
import org.blindmatch.crypto.oprf.dkg.DkgSession;
import org.blindmatch.crypto.pki.FederationCa;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.NodeRequest;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.DkgAttestation;
import org.blindmatch.proto.v1.HolderConfirmation;
import org.blindmatch.proto.v1.KeyEpoch;
import org.blindmatch.proto.v1.KeyMode;
import org.blindmatch.proto.v1.KeyholderShare;
import org.blindmatch.proto.v1.LogEntry;
import org.blindmatch.proto.v1.OprfEpoch;
import org.junit.jupiter.api.Test;

/**
 * An oprf key epoch entry carrying its DKG attestation: every holder's CONFIRM signature is
 * checked under the signing key its CA-issued certificate names. Refused: a missing, malformed
 * or wrong-signer signature, one replayed from another epoch, and an attestation from another
 * federation.
 */
class LogEntryCheckerDkgTest {
  static final byte[] SCOPE = new byte[32];
  final SecureRandom random = new SecureRandom();
  final FederationCa ca = FederationCa.create("test", Duration.ofDays(2));
  final NodeSigner clearinghouse = signer();

  /** A DKG epoch of {@code federation} with 3 holders, t = 2, attested by {@code ca}. */
  private final class Epoch {
    final String federation;
    final FederationCa issuer;
    final int epoch;
    final NodeSigner[] signers = {signer(), signer(), signer()};
    final byte[][] certificates = new byte[3][];
    final OprfKeyFiles.EpochPublicKey key;
    final DkgSession session;

    Epoch(String federation, FederationCa issuer, int epoch) throws Exception {
      this.federation = federation;
      this.issuer = issuer;
      this.epoch = epoch;
      BigInteger secret = KeyPair.generate(random).secretKey();
      List<KeyShare> shares = ShamirSharing.split(secret, 2, 3, random);
      Map<Integer, Element> shareKeys = new TreeMap<>();
      Map<Integer, NodeIdentity> holders = new TreeMap<>();
      for (KeyShare s : shares) {
        shareKeys.put(s.index(), s.publicKey());
        holders.put(s.index(), holder(s.index()));
      }
      key = new OprfKeyFiles.EpochPublicKey(epoch, new ThresholdPublicKey(2, shareKeys),
          KeyPair.of(secret).publicKey(), holders);
      session = new DkgSession(federation, epoch, "session-" + epoch + "-01", 2,
          List.of(holder(1), holder(2), holder(3)));
      for (int i = 1; i <= 3; i++) {
        certificates[i - 1] = certificate(issuer, holder(i), signers[i - 1]);
      }
    }

    NodeIdentity holder(int i) {
      return new NodeIdentity(federation, Role.KEYHOLDER, "keyholder-" + i);
    }

    byte[] signature(int i) throws Exception {
      return signers[i - 1].sign(DkgPublicFile.confirmationPayload(session, i, key));
    }

    KeyEpoch entry() throws Exception {
      OprfEpoch.Builder o = OprfEpoch.newBuilder().setThreshold(2).setShares(3)
          .setCombinedPublicKey(ByteString.copyFrom(key.groupKey().encode()));
      DkgAttestation.Builder d = DkgAttestation.newBuilder().setSessionId(session.sessionId());
      for (int i = 1; i <= 3; i++) {
        o.addKeyholders(KeyholderShare.newBuilder().setIndex(i)
            .setKeyholder(holder(i).toString())
            .setPublicKey(ByteString.copyFrom(key.shares().shareKeys().get(i).encode())));
        d.addParticipants(holder(i).toString());
        d.addConfirmations(HolderConfirmation.newBuilder().setKeyholder(i)
            .setSigningKeyset(signers[i - 1].publicKeysetJson())
            .setSignature(ByteString.copyFrom(signature(i)))
            .setCertificate(ByteString.copyFrom(certificates[i - 1])));
      }
      return KeyEpoch.newBuilder().setMode(KeyMode.KEY_MODE_OPRF).setKeyId(epoch)
          .setScopeDigest(ByteString.copyFrom(SCOPE)).setOprf(o.setDkg(d)).build();
    }
  }

  @Test
  void anAttestedEpochWhoseHoldersAllSignedPasses() throws Exception {
    LogEntryChecker.Counts counts = new LogEntryChecker.Counts();
    checker(ca).check(entry(new Epoch("test", ca, 1).entry()).toByteString(), 0,
        new AuditState(), counts);
    assertEquals(1, counts.attestedEpochs());
  }

  @Test
  void aMissingMalformedOrWrongSignatureIsRefusedNamingTheHolder() throws Exception {
    Epoch e = new Epoch("test", ca, 1);
    KeyEpoch good = e.entry();
    assertRefused("dkg attestation: holder 2 (blindmatch://test/keyholder/keyholder-2) did "
        + "not sign the epoch", dkg(good, d -> d.toBuilder().removeConfirmations(1).build()));
    assertRefused("dkg attestation: holder 3 (blindmatch://test/keyholder/keyholder-3): the "
        + "signature on the epoch does not verify", confirmation(good, 2, c -> c.toBuilder()
            .setSignature(ByteString.copyFromUtf8("not a signature")).build()));
    assertRefused("dkg attestation: holder 1 (blindmatch://test/keyholder/keyholder-1): its "
        + "certificate does not parse", confirmation(good, 0, c -> c.toBuilder()
            .setCertificate(ByteString.copyFromUtf8("garbage")).build()));
    assertRefused("dkg attestation: holder 1 (blindmatch://test/keyholder/keyholder-1): no "
        + "certificate binds its signing key", confirmation(good, 0, c -> c.toBuilder()
            .clearCertificate().build()));
    // Wrong signer: holder 1's confirmation signed by another key, which it names.
    NodeSigner other = signer();
    assertRefused("dkg attestation: holder 1 (blindmatch://test/keyholder/keyholder-1): the "
        + "signing key is not the one its certificate names", confirmation(good, 0,
            c -> c.toBuilder().setSigningKeyset(other.publicKeysetJson()).setSignature(
                ByteString.copyFrom(sign(other, e, 1))).build()));
    // Holder 2's own (valid) signature and key placed under holder 1.
    assertRefused("dkg attestation: holder 1 (blindmatch://test/keyholder/keyholder-1): the "
        + "signature on the epoch does not verify", confirmation(good, 0, c -> c.toBuilder()
            .setSigningKeyset(good.getOprf().getDkg().getConfirmations(1).getSigningKeyset())
            .setSignature(good.getOprf().getDkg().getConfirmations(1).getSignature())
            .setCertificate(good.getOprf().getDkg().getConfirmations(1).getCertificate())
            .build()));
    // A certificate of another CA with the right identity and key.
    FederationCa rogue = FederationCa.create("test", Duration.ofDays(2));
    assertRefused("dkg attestation: holder 1 (blindmatch://test/keyholder/keyholder-1): its "
        + "certificate is not one the federation CA issued", confirmation(good, 0,
            c -> c.toBuilder().setCertificate(ByteString.copyFrom(
                uncheck(() -> certificate(rogue, e.holder(1), e.signers[0])))).build()));
    assertRefused("dkg attestation: malformed", dkg(good, d -> d.toBuilder()
        .setSessionId("no spaces allowed").build()));
    assertRefused("dkg attestation: confirmations by keyholders [4], which hold no share",
        dkg(good, d -> d.toBuilder()
        .addConfirmations(d.getConfirmations(0).toBuilder().setKeyholder(4)).build()));
    // keyholder is uint32: 2^31 and 2^32-1 are named unsigned, never negative
    for (int edge : new int[] {Integer.MIN_VALUE, -1}) {
      assertRefused("dkg attestation: confirmations by keyholders ["
          + Integer.toUnsignedString(edge) + "], which hold no share", dkg(good, d -> d
              .toBuilder().addConfirmations(d.getConfirmations(0).toBuilder()
                  .setKeyholder(edge)).build()));
    }
    // Without the CA, holder certificates cannot be checked: refused, not passed.
    assertTrue(assertThrows(AuditException.class, () -> checker(null).check(entry(good)
        .toByteString(), 1, new AuditState(), new LogEntryChecker.Counts())).getMessage()
        .contains("no federation CA certificate"));
  }

  @Test
  void anAttestationReplayedFromAnotherEpochOrFederationIsRefused() throws Exception {
    Epoch one = new Epoch("test", ca, 1);
    KeyEpoch good = one.entry();
    // The same key and signatures relabelled as epoch 2: the signatures are over epoch 1.
    assertRefused("dkg attestation: holder 1 (blindmatch://test/keyholder/keyholder-1): the "
        + "signature on the epoch does not verify", LogEntry.newBuilder().setKeyEpoch(
            good.toBuilder().setKeyId(2)).build());
    // Another epoch's confirmations (its own holders' valid signatures) on this epoch.
    Epoch two = new Epoch("test", ca, 2);
    assertRefused("dkg attestation: holder 1 (blindmatch://test/keyholder/keyholder-1): the "
        + "signature on the epoch does not verify", dkg(good, d -> d.toBuilder()
            .clearConfirmations().addAllConfirmations(uncheck(two::entry).getOprf().getDkg()
                .getConfirmationsList()).build()));
    // An epoch of another federation, attested by its own CA.
    FederationCa otherCa = FederationCa.create("other", Duration.ofDays(2));
    assertRefused("dkg attestation: holder 1 (blindmatch://other/keyholder/keyholder-1) is not "
        + "of federation test", LogEntry.newBuilder().setKeyEpoch(
            new Epoch("other", otherCa, 1).entry()).build());
  }

  @Test
  void anEpochLoggedAgainWithAnotherKeyIsRefused() throws Exception {
    AuditState state = new AuditState();
    checker(ca).check(entry(new Epoch("test", ca, 1).entry()).toByteString(), 0, state,
        new LogEntryChecker.Counts());
    AuditException e = assertThrows(AuditException.class, () -> checker(ca).check(
        entry(new Epoch("test", ca, 1).entry()).toByteString(), 1, state,
        new LogEntryChecker.Counts()));
    assertTrue(e.getMessage().startsWith("log entry 1: key epoch: oprf epoch 1 is already "
        + "logged with another combined public key"), e.getMessage());
  }

  // ---- helpers ----

  private interface Call<T> {
    T get() throws Exception;
  }

  private static <T> T uncheck(Call<T> c) {
    try {
      return c.get();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] sign(NodeSigner s, Epoch e, int i) {
    return uncheck(() -> s.sign(DkgPublicFile.confirmationPayload(e.session, i, e.key)));
  }

  private static byte[] certificate(FederationCa issuer, NodeIdentity id, NodeSigner signing)
      throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    NodeRequest request = NodeRequest.create(id, List.of(), List.of(), g.generateKeyPair(),
        NodeSigner.fingerprint(signing.publicKeysetJson()));
    return issuer.certify(request, Duration.ofDays(1)).getEncoded();
  }

  private static LogEntry entry(KeyEpoch e) {
    return LogEntry.newBuilder().setKeyEpoch(e).build();
  }

  private static LogEntry dkg(KeyEpoch e, UnaryOperator<DkgAttestation> change) {
    return entry(e.toBuilder().setOprf(e.getOprf().toBuilder()
        .setDkg(change.apply(e.getOprf().getDkg()))).build());
  }

  private static LogEntry confirmation(KeyEpoch e, int position,
      UnaryOperator<HolderConfirmation> change) {
    return dkg(e, d -> d.toBuilder().setConfirmations(position,
        change.apply(d.getConfirmations(position))).build());
  }

  private void assertRefused(String message, LogEntry entry) {
    AuditException e = assertThrows(AuditException.class, () -> checker(ca).check(
        entry.toByteString(), 1, new AuditState(), new LogEntryChecker.Counts()));
    assertTrue(e.getMessage().startsWith("log entry 1: key epoch: " + message),
        e.getMessage());
  }

  private LogEntryChecker checker(FederationCa federationCa) {
    try {
      return new LogEntryChecker(clearinghouse.publicKeysetJson(), "test",
          federationCa == null ? null : federationCa.certificate());
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
