package org.blindmatch.crypto.oprf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Threshold evaluation: any t verified share evaluations combine to the full key's output, a
 * misbehaving keyholder is named and skipped, and fewer than t valid evaluations fail.
 */
class ThresholdTest {
  private static final Suite SUITE = Suite.VOPRF_P256_SHA256;
  private static final OprfClient CLIENT = new OprfClient(SUITE);
  private static final List<byte[]> INPUTS = List.of(
      "192.0.2.0/24".getBytes(StandardCharsets.US_ASCII),
      "2001:db8::/48".getBytes(StandardCharsets.US_ASCII));

  /** A key split t-of-n, with one server per keyholder and one full-key server. */
  private record Federation(
      OprfServer full, List<KeyShare> shares, List<OprfServer> keyholders,
      ThresholdPublicKey key) {
    static Federation create(int t, int n, SecureRandom random) {
      KeyPair keys = KeyPair.generate(random);
      List<KeyShare> shares = ShamirSharing.split(keys.secretKey(), t, n, random);
      List<OprfServer> keyholders = shares.stream()
          .map(s -> new OprfServer(SUITE, s.keyPair())).toList();
      return new Federation(new OprfServer(SUITE, keys), shares, keyholders,
          ThresholdPublicKey.of(t, shares));
    }

    ShareEvaluation evaluate(int keyholder, List<Element> blinded, SecureRandom random) {
      return new ShareEvaluation(
          keyholder, keyholders.get(keyholder - 1).blindEvaluateBatch(blinded, random));
    }
  }

  @Test
  void anyTSharesGiveTheFullKeyOutput() throws Exception {
    long seed = new SecureRandom().nextLong();
    SecureRandom random = seeded(seed);
    Random pick = new Random(seed);
    for (int trial = 0; trial < 25; trial++) {
      int n = 1 + pick.nextInt(7);
      int t = 1 + pick.nextInt(n);
      String where = "seed " + seed + ", trial " + trial + ", t=" + t + ", n=" + n;
      Federation fed = Federation.create(t, n, random);
      assertEquals(fed.full().publicKey(), fed.key().interpolatedPublicKey(), where);

      List<Blinded> blinded = blindAll(random);
      List<Element> elements = blinded.stream().map(Blinded::blindedElement).toList();
      List<ShareEvaluation> all = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        all.add(fed.evaluate(i, elements, random));
      }
      Collections.shuffle(all, pick);
      List<ShareEvaluation> subset = all.subList(0, t);
      CombinedEvaluation combined = ThresholdCombiner.combine(subset, elements, fed.key());
      assertTrue(combined.rejected().isEmpty(), where);
      assertOutputsMatch(fed, CLIENT.finalizeCombined(INPUTS, blinded, combined), where);
      // The combined elements themselves (computed on demand) are the full key's evaluations.
      assertEquals(fed.full().blindEvaluateBatch(elements, random).evaluatedElements(),
          combined.evaluatedElements(), where);
    }
  }

  /**
   * Keyholders answering with their Lagrange-weighted evaluation for the combination S: the
   * answers sum to the full key's evaluation; an answer weighted for another S is rescaled; one
   * weighted for a combination other than the one it claims is rejected by its proof.
   */
  @Test
  void lagrangeWeightedAnswersCombineBySummation() throws Exception {
    long seed = new SecureRandom().nextLong();
    SecureRandom random = seeded(seed);
    String where = "seed " + seed;
    Federation fed = Federation.create(2, 3, random);
    List<Blinded> blinded = blindAll(random);
    List<Element> elements = blinded.stream().map(Blinded::blindedElement).toList();
    List<Integer> s13 = List.of(1, 3);

    // Both weighted for {1, 3}: the combination is one addition per element.
    List<ShareEvaluation> weighted = List.of(weighted(fed, 1, s13, elements, random),
        weighted(fed, 3, s13, elements, random));
    CombinedEvaluation combined = ThresholdCombiner.combine(weighted, elements, fed.key());
    assertEquals(List.of(1, 3), combined.usedKeyholders(), where);
    assertOutputsMatch(fed, CLIENT.finalizeCombined(INPUTS, blinded, combined), where);
    assertEquals(fed.full().blindEvaluateBatch(elements, random).evaluatedElements(),
        combined.evaluatedElements(), where);

    // Keyholder 2 failed after answering for {1, 2}: 1's answer for {1, 2} is rescaled to
    // {1, 3}, mixed with an unweighted answer of 3.
    List<ShareEvaluation> mixed = List.of(weighted(fed, 1, List.of(1, 2), elements, random),
        fed.evaluate(3, elements, random));
    assertOutputsMatch(fed, CLIENT.finalizeCombined(INPUTS, blinded,
        ThresholdCombiner.combine(mixed, elements, fed.key())), where);

    // An answer weighted for {1, 3} that claims {1, 2}: its proof is against another key.
    ShareEvaluation honest = weighted(fed, 1, s13, elements, random);
    ShareEvaluation mislabelled =
        new ShareEvaluation(1, honest.evaluation(), List.of(1, 2));
    OprfException e = assertThrows(OprfException.class, () -> ThresholdCombiner.combine(
        List.of(mislabelled, weighted(fed, 3, s13, elements, random)), elements, fed.key()));
    assertTrue(e.getMessage().contains("Lagrange-weighted"), e.getMessage());

    // A combination of the wrong size or without the keyholder is refused before any proof.
    for (List<Integer> bad : List.of(List.of(1, 2, 3), List.of(2, 3))) {
      ShareEvaluation odd = new ShareEvaluation(1, honest.evaluation(), bad);
      OprfException f = assertThrows(OprfException.class, () -> ThresholdCombiner.combine(
          List.of(odd, weighted(fed, 3, s13, elements, random)), elements, fed.key()));
      assertTrue(f.getMessage().contains("weighted for"), f.getMessage());
    }
  }

  private static ShareEvaluation weighted(Federation fed, int keyholder, List<Integer> s,
      List<Element> elements, SecureRandom random) {
    OprfServer server =
        new OprfServer(SUITE, fed.shares().get(keyholder - 1).weighted(s));
    return new ShareEvaluation(keyholder, server.blindEvaluateBatch(elements, random), s);
  }

  @Test
  void everySubsetOfSizeTCombinesIdentically() throws Exception {
    SecureRandom random = new SecureRandom();
    int t = 3;
    int n = 6;
    Federation fed = Federation.create(t, n, random);
    List<Blinded> blinded = blindAll(random);
    List<Element> elements = blinded.stream().map(Blinded::blindedElement).toList();
    List<ShareEvaluation> all = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      all.add(fed.evaluate(i, elements, random));
    }
    int subsets = 0;
    for (int mask = 0; mask < (1 << n); mask++) {
      if (Integer.bitCount(mask) != t) {
        continue;
      }
      List<ShareEvaluation> subset = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if ((mask & (1 << i)) != 0) {
          subset.add(all.get(i));
        }
      }
      CombinedEvaluation combined = ThresholdCombiner.combine(subset, elements, fed.key());
      assertOutputsMatch(fed, CLIENT.finalizeCombined(INPUTS, blinded, combined),
          "subset " + Integer.toBinaryString(mask));
      subsets++;
    }
    assertEquals(20, subsets);
  }

  @Test
  void sharesReconstructTheSecret() {
    SecureRandom random = new SecureRandom();
    BigInteger secret = KeyPair.generate(random).secretKey();
    List<KeyShare> shares = ShamirSharing.split(secret, 3, 5, random);
    List<KeyShare> some = List.of(shares.get(4), shares.get(0), shares.get(2));
    List<Integer> indices = some.stream().map(KeyShare::index).toList();
    BigInteger sum = BigInteger.ZERO;
    for (KeyShare s : some) {
      sum = sum.add(s.value().multiply(ShamirSharing.lagrangeCoefficient(s.index(), indices)));
    }
    assertEquals(secret, sum.mod(P256.N));
  }

  @Test
  void lagrangeCoefficientsOfTwoShares() {
    assertEquals(BigInteger.TWO, ShamirSharing.lagrangeCoefficient(1, List.of(1, 2)));
    assertEquals(P256.N.subtract(BigInteger.ONE),
        ShamirSharing.lagrangeCoefficient(2, List.of(1, 2)));
    assertThrows(IllegalArgumentException.class,
        () -> ShamirSharing.lagrangeCoefficient(3, List.of(1, 2)));
    assertThrows(IllegalArgumentException.class,
        () -> ShamirSharing.lagrangeCoefficient(1, List.of(1, 1, 2)));
    assertThrows(IllegalArgumentException.class,
        () -> ShamirSharing.lagrangeCoefficient(0, List.of(0, 1)));
  }

  @Test
  void badSplitArgumentsFail() {
    SecureRandom random = new SecureRandom();
    assertThrows(IllegalArgumentException.class,
        () -> ShamirSharing.split(BigInteger.ONE, 0, 3, random));
    assertThrows(IllegalArgumentException.class,
        () -> ShamirSharing.split(BigInteger.ONE, 4, 3, random));
    assertThrows(IllegalArgumentException.class,
        () -> ShamirSharing.split(BigInteger.ZERO, 2, 3, random));
    assertThrows(IllegalArgumentException.class,
        () -> ShamirSharing.split(P256.N, 2, 3, random));
  }

  @Test
  void wrongEvaluationIsNamedAndSkipped() throws Exception {
    SecureRandom random = new SecureRandom();
    Federation fed = Federation.create(3, 5, random);
    List<Blinded> blinded = blindAll(random);
    List<Element> elements = blinded.stream().map(Blinded::blindedElement).toList();
    List<ShareEvaluation> answers = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      answers.add(i == 2 ? cheat(2, elements, random) : fed.evaluate(i, elements, random));
    }
    CombinedEvaluation combined = ThresholdCombiner.combine(answers, elements, fed.key());
    assertEquals(List.of(1, 3, 4), combined.usedKeyholders());
    assertEquals(1, combined.rejected().size());
    assertEquals(2, combined.rejected().get(0).keyholder());
    assertTrue(combined.rejected().get(0).getMessage().contains("keyholder 2"));
    assertOutputsMatch(fed, CLIENT.finalizeCombined(INPUTS, blinded, combined), "skip 2");
  }

  @Test
  void tamperedElementWithHonestProofIsRejected() throws Exception {
    SecureRandom random = new SecureRandom();
    Federation fed = Federation.create(2, 3, random);
    List<Blinded> blinded = blindAll(random);
    List<Element> elements = blinded.stream().map(Blinded::blindedElement).toList();
    ShareEvaluation honest = fed.evaluate(1, elements, random);
    List<Element> evaluated = new ArrayList<>(honest.evaluation().evaluatedElements());
    evaluated.set(1, RejectionTest.twice(evaluated.get(1)));
    ShareEvaluation tampered =
        new ShareEvaluation(1, new BlindEvaluation(evaluated, honest.evaluation().proof()));
    CombinedEvaluation combined = ThresholdCombiner.combine(
        List.of(tampered, fed.evaluate(2, elements, random), fed.evaluate(3, elements, random)),
        elements, fed.key());
    assertEquals(List.of(2, 3), combined.usedKeyholders());
    assertEquals(1, combined.rejected().get(0).keyholder());
  }

  @Test
  void fewerThanTValidFailsClearly() throws Exception {
    SecureRandom random = new SecureRandom();
    Federation fed = Federation.create(3, 4, random);
    List<Element> elements = blindAll(random).stream().map(Blinded::blindedElement).toList();
    List<ShareEvaluation> answers = List.of(
        fed.evaluate(1, elements, random), cheat(2, elements, random),
        fed.evaluate(4, elements, random));
    OprfException e = assertThrows(OprfException.class,
        () -> ThresholdCombiner.combine(answers, elements, fed.key()));
    assertTrue(e.getMessage().contains("only 2 of the required 3"), e.getMessage());
    assertTrue(e.getMessage().contains("keyholder 2"), e.getMessage());
    assertEquals(1, e.getSuppressed().length);
    assertEquals(2, ((ShareRejectedException) e.getSuppressed()[0]).keyholder());

    OprfException tooFew = assertThrows(OprfException.class, () -> ThresholdCombiner.combine(
        answers.subList(0, 1), elements, fed.key()));
    assertTrue(tooFew.getMessage().contains("only 1 of the required 3"), tooFew.getMessage());
  }

  @Test
  void duplicateAndUnknownKeyholdersAreRejected() throws Exception {
    SecureRandom random = new SecureRandom();
    Federation fed = Federation.create(2, 3, random);
    List<Element> elements = blindAll(random).stream().map(Blinded::blindedElement).toList();
    ShareEvaluation one = fed.evaluate(1, elements, random);
    ShareEvaluation stranger = new ShareEvaluation(9, one.evaluation());
    OprfException e = assertThrows(OprfException.class,
        () -> ThresholdCombiner.combine(List.of(one, one, stranger), elements, fed.key()));
    assertTrue(e.getMessage().contains("keyholder 1: more than one evaluation"), e.getMessage());
    assertTrue(e.getMessage().contains("keyholder 9: not a keyholder"), e.getMessage());
  }

  @Test
  void combinationIsBoundToItsBlindedElements() throws Exception {
    SecureRandom random = new SecureRandom();
    Federation fed = Federation.create(2, 2, random);
    List<Blinded> blinded = blindAll(random);
    List<Element> elements = blinded.stream().map(Blinded::blindedElement).toList();
    CombinedEvaluation combined = ThresholdCombiner.combine(
        List.of(fed.evaluate(1, elements, random), fed.evaluate(2, elements, random)),
        elements, fed.key());
    List<Blinded> others = blindAll(random);
    assertThrows(IllegalArgumentException.class,
        () -> CLIENT.finalizeCombined(INPUTS, others, combined));
  }

  /** A keyholder that evaluates with a key other than its share, proving against that key. */
  private static ShareEvaluation cheat(int keyholder, List<Element> blinded, SecureRandom random) {
    OprfServer impostor = new OprfServer(SUITE, KeyPair.generate(random));
    return new ShareEvaluation(keyholder, impostor.blindEvaluateBatch(blinded, random));
  }

  private static List<Blinded> blindAll(SecureRandom random) throws OprfException {
    List<Blinded> blinded = new ArrayList<>();
    for (byte[] input : INPUTS) {
      blinded.add(CLIENT.blind(input, random));
    }
    return blinded;
  }

  private static void assertOutputsMatch(Federation fed, List<byte[]> outputs, String where)
      throws OprfException {
    for (int i = 0; i < INPUTS.size(); i++) {
      assertArrayEquals(fed.full().evaluate(INPUTS.get(i)), outputs.get(i), where);
    }
  }

  private static SecureRandom seeded(long seed) throws NoSuchAlgorithmException {
    // Deterministic so a failing trial can be replayed from the seed in the message.
    SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
    random.setSeed(seed);
    return random;
  }
}
