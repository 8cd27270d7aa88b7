package org.blindmatch.crypto.oprf.dkg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.blindmatch.crypto.oprf.Blinded;
import org.blindmatch.crypto.oprf.CombinedEvaluation;
import org.blindmatch.crypto.oprf.Element;
import org.blindmatch.crypto.oprf.KeyPair;
import org.blindmatch.crypto.oprf.OprfClient;
import org.blindmatch.crypto.oprf.OprfServer;
import org.blindmatch.crypto.oprf.ShamirSharing;
import org.blindmatch.crypto.oprf.ShareEvaluation;
import org.blindmatch.crypto.oprf.Suite;
import org.blindmatch.crypto.oprf.ThresholdCombiner;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The GJKR state machine in memory: honest runs agree on one key that no participant held and
 * that evaluates as RFC 9497 VOPRF under the reconstructed key; a bad share is either justified
 * or gets its dealer excluded; inconsistent commitments and drop-outs exclude the dealer.
 */
class DkgParticipantTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  static DkgSession session(int t, int n) {
    List<NodeIdentity> ids = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      ids.add(new NodeIdentity("fed", Role.KEYHOLDER, "kh" + i));
    }
    return new DkgSession("fed", 7, "session-0001", t, ids);
  }

  /** Changes a message in flight: (round, sender, recipient, body) → body, or null to drop. */
  interface Wire {
    byte[] carry(DkgRound round, int sender, int recipient, byte[] body);
  }

  /** Runs every participant not in {@code absent} through all rounds; results by index. */
  static Map<Integer, Object> run(DkgSession s, Set<Integer> absent, Wire wire) {
    Map<Integer, DkgParticipant> ps = new HashMap<>();
    for (int i = 1; i <= s.size(); i++) {
      if (!absent.contains(i)) {
        ps.put(i, new DkgParticipant(s, i, RANDOM));
      }
    }
    Map<Integer, Object> outcome = new HashMap<>();
    for (DkgRound round : List.of(DkgRound.DEAL, DkgRound.COMPLAINTS, DkgRound.JUSTIFY,
        DkgRound.FELDMAN)) {
      Map<Integer, Map<Integer, byte[]>> out = new HashMap<>();
      for (var e : ps.entrySet()) {
        if (outcome.containsKey(e.getKey())) {
          continue;
        }
        try {
          out.put(e.getKey(), e.getValue().send(round));
        } catch (DkgException ex) {
          outcome.put(e.getKey(), ex);
        }
      }
      for (var from : out.entrySet()) {
        for (var to : from.getValue().entrySet()) {
          DkgParticipant p = ps.get(to.getKey());
          if (p == null || outcome.containsKey(to.getKey())) {
            continue;
          }
          byte[] body = wire.carry(round, from.getKey(), to.getKey(), to.getValue());
          if (body != null) {
            try {
              p.receive(round, from.getKey(), body);
            } catch (DkgException ex) {
              throw new AssertionError(ex);
            }
          }
        }
      }
    }
    for (var e : ps.entrySet()) {
      if (!outcome.containsKey(e.getKey())) {
        try {
          outcome.put(e.getKey(), e.getValue().result());
        } catch (DkgException ex) {
          outcome.put(e.getKey(), ex);
        }
      }
    }
    return outcome;
  }

  static List<DkgResult> results(Map<Integer, Object> outcome, Set<Integer> expected) {
    List<DkgResult> rs = new ArrayList<>();
    for (int i : expected) {
      Object o = outcome.get(i);
      if (o instanceof Exception e) {
        throw new AssertionError("keyholder " + i + " failed: " + e.getMessage(), e);
      }
      rs.add((DkgResult) o);
    }
    return rs;
  }

  /** All agree; the key is Σ λ_j x_j; any t shares evaluate as OPRF(k, x). */
  static BigInteger assertAgreedAndEquivalent(List<DkgResult> rs, Set<Integer> qualified)
      throws Exception {
    DkgResult first = rs.get(0);
    assertEquals(qualified, first.qualified());
    for (DkgResult r : rs) {
      assertEquals(first.groupKey(), r.groupKey());
      assertEquals(first.shares(), r.shares());
      assertEquals(r.share().publicKey(), r.shares().shareKeys().get(r.share().index()));
    }
    assertEquals(first.groupKey(), first.shares().interpolatedPublicKey());
    int t = first.session().threshold();
    List<DkgResult> some = rs.subList(rs.size() - t, rs.size());
    List<Integer> idx = some.stream().map(r -> r.share().index()).toList();
    BigInteger k = BigInteger.ZERO;
    for (DkgResult r : some) {
      k = k.add(r.share().value().multiply(ShamirSharing.lagrangeCoefficient(
          r.share().index(), idx)));
    }
    k = k.mod(Group.N);
    KeyPair full = KeyPair.of(k);
    assertEquals(full.publicKey(), first.groupKey(), "reconstructed key is not the group key");

    Suite suite = Suite.VOPRF_P256_SHA256;
    OprfClient client = new OprfClient(suite);
    List<byte[]> inputs = List.of("192.0.2.1".getBytes(StandardCharsets.US_ASCII),
        "2001:db8::".getBytes(StandardCharsets.US_ASCII));
    List<Blinded> blinded = new ArrayList<>();
    for (byte[] in : inputs) {
      blinded.add(client.blind(in, RANDOM));
    }
    List<Element> elements = blinded.stream().map(Blinded::blindedElement).toList();
    List<ShareEvaluation> evals = new ArrayList<>();
    for (DkgResult r : some) {
      evals.add(new ShareEvaluation(r.share().index(),
          new OprfServer(suite, r.share().keyPair()).blindEvaluateBatch(elements, RANDOM)));
    }
    CombinedEvaluation combined = ThresholdCombiner.combine(evals, elements, first.shares());
    assertTrue(combined.rejected().isEmpty());
    List<byte[]> outputs = client.finalizeCombined(inputs, blinded, combined);
    OprfServer reference = new OprfServer(suite, full);
    for (int i = 0; i < inputs.size(); i++) {
      assertArrayEquals(reference.evaluate(inputs.get(i)), outputs.get(i),
          "threshold output differs from RFC 9497 OPRF(k, x) for input " + i);
    }
    return k;
  }

  private static Set<Integer> range(int n) {
    Set<Integer> s = new java.util.TreeSet<>();
    for (int i = 1; i <= n; i++) {
      s.add(i);
    }
    return s;
  }

  @ParameterizedTest(name = "t={0}, n={1}")
  @CsvSource({"2,3", "3,5", "2,2"})
  void honestRunAgreesAndEvaluatesAsRfc9497(int t, int n) throws Exception {
    Map<Integer, Object> outcome = run(session(t, n), Set.of(), (r, a, b, body) -> body);
    List<DkgResult> rs = results(outcome, range(n));
    assertAgreedAndEquivalent(rs, range(n));
    assertTrue(rs.get(0).excluded().isEmpty());
  }

  @Test
  void twoRunsGiveIndependentKeys() throws Exception {
    DkgResult a = results(run(session(2, 3), Set.of(), (r, s, d, b) -> b), Set.of(1)).get(0);
    DkgResult b = results(run(session(2, 3), Set.of(), (r, s, d, x) -> x), Set.of(1)).get(0);
    assertTrue(!a.groupKey().equals(b.groupKey()));
  }

  /** Flips the share of a DEAL body (after the commitments). */
  static byte[] corruptDealShare(byte[] body) {
    byte[] b = body.clone();
    b[b.length - 2 * Group.SCALAR_LENGTH + 5] ^= 1;
    return b;
  }

  @Test
  void badShareToOnePeerIsJustifiedAndTheRunSucceeds() throws Exception {
    // Dealer 1's share to keyholder 2 is corrupted (in transit, say): 2 complains, 1 reveals the
    // right pair, 2 adopts it, and all keep dealer 1.
    Map<Integer, Object> outcome = run(session(3, 5), Set.of(), (round, from, to, body) ->
        round == DkgRound.DEAL && from == 1 && to == 2 ? corruptDealShare(body) : body);
    List<DkgResult> rs = results(outcome, range(5));
    assertAgreedAndEquivalent(rs, range(5));
  }

  @Test
  void badShareToOnePeerAndABadJustificationExcludesTheDealer() throws Exception {
    // Dealer 1 sends keyholder 2 a bad share and, asked to justify, reveals a bad pair again.
    Map<Integer, Object> outcome = run(session(2, 3), Set.of(), (round, from, to, body) -> {
      if (from != 1) {
        return body;
      }
      if (round == DkgRound.DEAL && to == 2) {
        return corruptDealShare(body);
      }
      if (round == DkgRound.JUSTIFY) {
        byte[] b = body.clone();
        b[b.length - 2 * Group.SCALAR_LENGTH + 5] ^= 1; // the one reveal's share
        return b;
      }
      return body;
    });
    List<DkgResult> rs = results(outcome, Set.of(2, 3));
    assertAgreedAndEquivalent(rs, Set.of(2, 3));
    assertTrue(rs.get(0).excluded().get(1).contains("does not match its commitments"),
        rs.get(0).excluded().toString());
  }

  @Test
  void unansweredComplaintExcludesTheDealer() throws Exception {
    Map<Integer, Object> outcome = run(session(2, 3), Set.of(), (round, from, to, body) -> {
      if (from == 1 && round == DkgRound.DEAL && to == 3) {
        return corruptDealShare(body);
      }
      if (from == 1 && round == DkgRound.JUSTIFY) {
        return null; // never answers
      }
      return body;
    });
    List<DkgResult> rs = results(outcome, Set.of(2, 3));
    assertAgreedAndEquivalent(rs, Set.of(2, 3));
    assertTrue(rs.get(1).excluded().get(1).contains("did not answer keyholder 3"));
  }

  @Test
  void inconsistentCommitmentsExcludeTheDealer() throws Exception {
    // Dealer 2 sends keyholder 3 a deal under different commitments (its share consistent with
    // them, so 3 alone sees nothing wrong); the echoed digests expose it.
    DkgSession s = session(2, 3);
    DkgParticipant other = new DkgParticipant(s, 2, RANDOM);
    byte[][] forged = new byte[1][];
    Map<Integer, Object> outcome = run(s, Set.of(), (round, from, to, body) -> {
      if (round == DkgRound.DEAL && from == 2 && to == 3) {
        try {
          forged[0] = other.send(DkgRound.DEAL).get(3);
        } catch (DkgException e) {
          throw new AssertionError(e);
        }
        return forged[0];
      }
      return body;
    });
    List<DkgResult> rs = results(outcome, Set.of(1, 3));
    assertAgreedAndEquivalent(rs, Set.of(1, 3));
    assertTrue(rs.get(0).excluded().get(2).contains("inconsistent commitments"),
        rs.get(0).excluded().toString());
    assertTrue(outcome.get(2) instanceof DkgException, "the cheater is told it was excluded");
  }

  @ParameterizedTest(name = "t={0}, n={1}")
  @CsvSource({"2,3", "3,5"})
  void aDropOutIsExcluded(int t, int n) throws Exception {
    Map<Integer, Object> outcome = run(session(t, n), Set.of(n), (r, a, b, body) -> body);
    Set<Integer> rest = range(n - 1);
    List<DkgResult> rs = results(outcome, rest);
    assertAgreedAndEquivalent(rs, rest);
    assertTrue(rs.get(0).excluded().get(n).contains("dealt no share"));
  }

  @Test
  void tooFewQualifiedAborts() {
    // t=3 of n=3, one drops out: two left cannot hold a 3-of-n key.
    Map<Integer, Object> outcome = run(session(3, 3), Set.of(3), (r, a, b, body) -> body);
    assertTrue(outcome.get(1) instanceof DkgException, String.valueOf(outcome.get(1)));
    assertTrue(((DkgException) outcome.get(1)).getMessage().contains("qualified"),
        ((DkgException) outcome.get(1)).getMessage());
  }

  @Test
  void aDropOutAfterDealingAbortsTheRunNamingIt() {
    // Keyholder 3 deals to everyone, then disappears before FELDMAN: it is qualified, so the
    // others cannot compute the key and abort naming it.
    Map<Integer, Object> outcome = run(session(2, 3), Set.of(), (round, from, to, body) ->
        from == 3 && round == DkgRound.FELDMAN ? null : body);
    Exception e = (Exception) outcome.get(1);
    assertTrue(e.getMessage().contains("keyholder 3") && e.getMessage().contains("FELDMAN"),
        e.getMessage());
  }

  @Test
  void feldmanCommitmentsThatDoNotMatchTheShareAbortNamingTheDealer() {
    Map<Integer, Object> outcome = run(session(2, 3), Set.of(), (round, from, to, body) -> {
      if (round == DkgRound.FELDMAN && from == 2) {
        byte[] b = body.clone();
        // replace A_1 by A_0 (still a valid point, wrong polynomial)
        int a0 = 1 + 3 + 1;
        System.arraycopy(b, a0, b, a0 + Group.POINT_LENGTH, Group.POINT_LENGTH);
        return b;
      }
      return body;
    });
    Exception e = (Exception) outcome.get(1);
    assertTrue(e.getMessage().contains("keyholder 2") && e.getMessage().contains("Feldman"),
        e.getMessage());
  }

  @Test
  void malformedBodiesAreRejectedAndNotReceived() throws Exception {
    DkgSession s = session(2, 3);
    DkgParticipant p1 = new DkgParticipant(s, 1, RANDOM);
    DkgParticipant p2 = new DkgParticipant(s, 2, RANDOM);
    byte[] deal = p1.send(DkgRound.DEAL).get(2);
    p2.send(DkgRound.DEAL);
    assertThrows(DkgException.class,
        () -> p2.receive(DkgRound.DEAL, 1, java.util.Arrays.copyOf(deal, deal.length - 1)));
    byte[] longer = java.util.Arrays.copyOf(deal, deal.length + 1);
    assertThrows(DkgException.class, () -> p2.receive(DkgRound.DEAL, 1, longer));
    byte[] offCurve = deal.clone();
    offCurve[1] = 0x07;
    assertThrows(DkgException.class, () -> p2.receive(DkgRound.DEAL, 1, offCurve));
    byte[] bigScalar = deal.clone();
    java.util.Arrays.fill(bigScalar, bigScalar.length - 32, bigScalar.length, (byte) 0xff);
    assertThrows(DkgException.class, () -> p2.receive(DkgRound.DEAL, 1, bigScalar));
    assertThrows(DkgException.class, () -> p2.receive(DkgRound.COMPLAINTS, 1, deal),
        "a message of a later round is refused");
    assertThrows(DkgException.class, () -> p2.receive(DkgRound.DEAL, 2, deal),
        "from itself");
    p2.receive(DkgRound.DEAL, 1, deal);
    p2.receive(DkgRound.DEAL, 1, deal); // a replayed identical message is harmless
    DkgException twice = assertThrows(DkgException.class,
        () -> p2.receive(DkgRound.DEAL, 1, corruptDealShare(deal)));
    assertTrue(twice.getMessage().contains("two different"));
  }

  @Test
  void malformedLaterRoundBodiesAreRejected() throws Exception {
    DkgSession s = session(2, 3);
    DkgParticipant[] p = new DkgParticipant[4];
    for (int i = 1; i <= 3; i++) {
      p[i] = new DkgParticipant(s, i, RANDOM);
    }
    for (DkgRound round : List.of(DkgRound.DEAL, DkgRound.COMPLAINTS, DkgRound.JUSTIFY,
        DkgRound.FELDMAN)) {
      Map<Integer, Map<Integer, byte[]>> out = new HashMap<>();
      for (int i = 1; i <= 3; i++) {
        out.put(i, p[i].send(round));
      }
      byte[] good = out.get(1).get(2);
      List<byte[]> bad = new ArrayList<>();
      bad.add(new byte[0]);
      bad.add(java.util.Arrays.copyOf(good, good.length - 1));
      bad.add(java.util.Arrays.copyOf(good, good.length + 1));
      byte[] count = good.clone();
      count[0] = (byte) (count[0] + 1); // wrong number of commitments / entries / members
      bad.add(count);
      if (round == DkgRound.COMPLAINTS) {
        byte[] status = good.clone();
        status[1] = 7;
        bad.add(status);
      }
      if (round == DkgRound.FELDMAN) {
        byte[] index = good.clone();
        index[1] = 9; // a keyholder index out of range
        bad.add(index);
      }
      for (byte[] b : bad) {
        assertThrows(DkgException.class, () -> p[2].receive(round, 1, b),
            round + ": " + java.util.HexFormat.of().formatHex(b));
      }
      for (int i = 1; i <= 3; i++) {
        for (var e : out.get(i).entrySet()) {
          p[e.getKey()].receive(round, i, e.getValue());
        }
      }
    }
    assertEquals(p[1].result().groupKey(), p[2].result().groupKey());
  }
}
