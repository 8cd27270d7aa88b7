package org.blindmatch.crypto.oprf.dkg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.crypto.sign.NodeSigner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Signed DKG messages open only in their own federation, epoch, session, round and recipient. */
class DkgEnvelopeTest {
  private static NodeSigner alice;
  private static NodeSigner mallory;
  private static final DkgSession SESSION = DkgParticipantTest.session(2, 3);
  private static final byte[] BODY = {1, 2, 3};

  @BeforeAll
  static void keys() throws Exception {
    alice = NodeSigner.of(NodeSigner.generate());
    mallory = NodeSigner.of(NodeSigner.generate());
  }

  private static DkgEnvelope.Keys aliceIsOne() {
    return sender -> {
      try {
        return NodeSigner.verifier(alice.publicKeysetJson());
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    };
  }

  private static String open(DkgSession s, int self, DkgEnvelope.Sealed sealed) {
    DkgException e = assertThrows(DkgException.class,
        () -> DkgEnvelope.open(s, self, sealed, aliceIsOne()));
    return e.getMessage();
  }

  @Test
  void opensWhatItSealed() throws Exception {
    DkgEnvelope.Sealed sealed = DkgEnvelope.seal(SESSION, DkgRound.DEAL, 1, 2, BODY, alice);
    DkgEnvelope.Opened o = DkgEnvelope.open(SESSION, 2, sealed, aliceIsOne());
    assertEquals(DkgRound.DEAL, o.round());
    assertEquals(1, o.sender());
    assertArrayEquals(BODY, o.body());
  }

  @Test
  void wrongSignerIsRejected() throws Exception {
    DkgEnvelope.Sealed forged = DkgEnvelope.seal(SESSION, DkgRound.DEAL, 1, 2, BODY, mallory);
    assertTrue(open(SESSION, 2, forged).contains("signature does not verify"));
  }

  @Test
  void alteredPayloadIsRejected() throws Exception {
    DkgEnvelope.Sealed sealed = DkgEnvelope.seal(SESSION, DkgRound.DEAL, 1, 2, BODY, alice);
    byte[] p = sealed.payload().clone();
    p[p.length - 1] ^= 1;
    assertTrue(open(SESSION, 2, new DkgEnvelope.Sealed(p, sealed.signature()))
        .contains("signature does not verify"));
  }

  @Test
  void replayedToAnotherRecipientIsRejected() throws Exception {
    DkgEnvelope.Sealed sealed = DkgEnvelope.seal(SESSION, DkgRound.COMPLAINTS, 1, 2, BODY, alice);
    assertTrue(open(SESSION, 3, sealed).contains("addressed to keyholder 2"));
  }

  @Test
  void fromAnotherFederationEpochOrSessionIsRejected() throws Exception {
    List<NodeIdentity> otherFed = new ArrayList<>();
    for (NodeIdentity p : SESSION.participants()) {
      otherFed.add(new NodeIdentity("other", Role.KEYHOLDER, p.name()));
    }
    DkgSession fed = new DkgSession("other", 7, SESSION.sessionId(), 2, otherFed);
    DkgSession epoch = new DkgSession("fed", 8, SESSION.sessionId(), 2, SESSION.participants());
    DkgSession session = new DkgSession("fed", 7, "session-0002", 2, SESSION.participants());
    DkgSession threshold = new DkgSession("fed", 7, SESSION.sessionId(), 3,
        SESSION.participants());
    assertTrue(open(SESSION, 2, DkgEnvelope.seal(fed, DkgRound.DEAL, 1, 2, BODY, alice))
        .contains("federation other"));
    assertTrue(open(SESSION, 2, DkgEnvelope.seal(epoch, DkgRound.DEAL, 1, 2, BODY, alice))
        .contains("epoch 8"));
    assertTrue(open(SESSION, 2, DkgEnvelope.seal(session, DkgRound.DEAL, 1, 2, BODY, alice))
        .contains("session session-0002"));
    assertTrue(open(SESSION, 2, DkgEnvelope.seal(threshold, DkgRound.DEAL, 1, 2, BODY, alice))
        .contains("different threshold or keyholder list"));
  }

  @Test
  void malformedPayloadsAreRejected() throws Exception {
    DkgEnvelope.Sealed sealed = DkgEnvelope.seal(SESSION, DkgRound.DEAL, 1, 2, BODY, alice);
    byte[] p = sealed.payload();
    byte[] sig = sealed.signature();
    for (int cut = 0; cut < p.length; cut += 7) {
      byte[] truncated = Arrays.copyOf(p, cut);
      assertThrows(DkgException.class, () -> DkgEnvelope.open(SESSION, 2,
          new DkgEnvelope.Sealed(truncated, sig), aliceIsOne()), "cut at " + cut);
    }
    byte[] context = p.clone();
    context[0] ^= 1;
    assertTrue(open(SESSION, 2, new DkgEnvelope.Sealed(context, sig)).contains("context"));
    byte[] round = p.clone();
    int roundAt = p.length - BODY.length - 4 - 3;
    round[roundAt] = 9;
    assertTrue(open(SESSION, 2, new DkgEnvelope.Sealed(round, sig)).contains("unknown DKG round"));
    byte[] sender = p.clone();
    sender[roundAt + 1] = 9;
    assertTrue(open(SESSION, 2, new DkgEnvelope.Sealed(sender, sig)).contains("unknown keyholder"));
    byte[] self = p.clone();
    self[roundAt + 1] = 2;
    assertTrue(open(SESSION, 2, new DkgEnvelope.Sealed(self, sig)).contains("this keyholder"));
    byte[] trailing = Arrays.copyOf(p, p.length + 1);
    assertTrue(open(SESSION, 2, new DkgEnvelope.Sealed(trailing, sig)).contains("body length"));
    byte[] huge = new byte[DkgEnvelope.MAX_PAYLOAD + 1];
    assertTrue(open(SESSION, 2, new DkgEnvelope.Sealed(huge, sig)).contains("larger"));
  }
}
