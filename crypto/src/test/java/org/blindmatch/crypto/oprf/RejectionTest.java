package org.blindmatch.crypto.oprf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.util.BigIntegers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Malformed encodings, out-of-range scalars, and proofs that must not verify. */
class RejectionTest {
  private static final Suite SUITE = Suite.VOPRF_P256_SHA256;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] INPUT = "198.51.100.0/24".getBytes(StandardCharsets.US_ASCII);

  private static OprfServer server;
  private static OprfClient client;
  private static Blinded blinded;
  private static BlindEvaluation evaluation;

  @BeforeAll
  static void setUp() throws OprfException {
    server = new OprfServer(SUITE, KeyPair.generate(RANDOM));
    client = new OprfClient(SUITE);
    blinded = client.blind(INPUT, RANDOM);
    evaluation = server.blindEvaluateBatch(List.of(blinded.blindedElement()), RANDOM);
  }

  @Test
  void identityIsRejected() {
    assertRejected(new byte[] {0x00}, "33 bytes");
    assertRejected(new byte[Element.LENGTH], "prefix");
  }

  @Test
  void pointNotOnCurveIsRejected() throws OprfException {
    // x ≥ p is not a field element.
    byte[] tooLarge = new byte[Element.LENGTH];
    Arrays.fill(tooLarge, (byte) 0xff);
    tooLarge[0] = 0x02;
    assertRejected(tooLarge, "not a point on P-256");
    // About half of all x have no y on the curve; find one.
    int rejected = 0;
    for (int x = 1; x <= 20; x++) {
      byte[] encoded = BigIntegers.asUnsignedByteArray(Element.LENGTH, BigInteger.valueOf(x));
      encoded[0] = 0x02;
      try {
        Element.decode(encoded);
      } catch (OprfException e) {
        assertTrue(e.getMessage().contains("not a point on P-256"), e.getMessage());
        rejected++;
      }
    }
    assertTrue(rejected > 0, "no off-curve x among 1..20");
  }

  @Test
  void badPrefixAndLengthAreRejected() {
    byte[] good = server.publicKey().encode();
    for (int prefix : new int[] {0x00, 0x01, 0x04, 0x05, 0x06, 0x07, 0xff}) {
      byte[] bad = good.clone();
      bad[0] = (byte) prefix;
      assertRejected(bad, "prefix");
    }
    assertRejected(Arrays.copyOf(good, 32), "33 bytes");
    assertRejected(Arrays.copyOf(good, 34), "33 bytes");
    byte[] uncompressed = server.publicKey().affine().clone();
    assertRejected(uncompressed, "33 bytes");
  }

  @Test
  void validElementRoundTrips() throws OprfException {
    byte[] good = server.publicKey().encode();
    assertArrayEquals(good, Element.decode(good).encode());
    assertEquals(server.publicKey(), Element.decode(good));
  }

  @Test
  void outOfRangeScalarsAreRejected() {
    assertScalarRejected(BigInteger.ZERO, "zero");
    assertScalarRejected(P256.N, "group order");
    assertScalarRejected(P256.N.add(BigInteger.ONE), "group order");
    assertScalarRejected(BigInteger.TWO.pow(256).subtract(BigInteger.ONE), "group order");
    assertThrows(OprfException.class, () -> Scalars.decode(new byte[31]));
    assertThrows(OprfException.class, () -> Scalars.decode(new byte[33]));
    assertThrows(IllegalArgumentException.class, () -> Scalars.encode(BigInteger.ZERO));
    assertThrows(IllegalArgumentException.class, () -> Scalars.encode(P256.N));
  }

  @Test
  void proofWithOutOfRangeScalarIsRejected() {
    byte[] proof = evaluation.proof().encode();
    byte[] zeroC = proof.clone();
    Arrays.fill(zeroC, 0, 32, (byte) 0);
    assertThrows(OprfException.class, () -> Proof.decode(zeroC));
    byte[] bigS = proof.clone();
    System.arraycopy(BigIntegers.asUnsignedByteArray(32, P256.N), 0, bigS, 32, 32);
    assertThrows(OprfException.class, () -> Proof.decode(bigS));
    assertThrows(OprfException.class, () -> Proof.decode(Arrays.copyOf(proof, 63)));
  }

  @Test
  void honestEvaluationVerifies() throws OprfException {
    byte[] out = finalizeWith(evaluation.proof().encode(), server.publicKey());
    assertArrayEquals(server.evaluate(INPUT), out);
  }

  @Test
  void everyProofBitFlipIsRejected() {
    byte[] proof = evaluation.proof().encode();
    for (int bit = 0; bit < proof.length * 8; bit++) {
      byte[] tampered = proof.clone();
      tampered[bit / 8] ^= (byte) (1 << (bit % 8));
      int b = bit;
      assertThrows(OprfException.class, () -> finalizeWith(tampered, server.publicKey()),
          () -> "bit " + b);
    }
  }

  @Test
  void wrongPublicKeyIsRejected() {
    Element other = KeyPair.generate(RANDOM).publicKey();
    OprfException e = assertThrows(OprfException.class,
        () -> finalizeWith(evaluation.proof().encode(), other));
    assertTrue(e.getMessage().contains("does not verify"), e.getMessage());
  }

  @Test
  void substitutedEvaluationIsRejected() throws OprfException {
    Element wrong = twice(evaluation.evaluatedElements().get(0));
    assertThrows(OprfException.class, () -> client.finalizeOutput(
        INPUT, blinded, wrong, evaluation.proof(), server.publicKey()));
  }

  @Test
  void swappedBatchOrderIsRejected() throws OprfException {
    byte[] other = "203.0.113.0/24".getBytes(StandardCharsets.US_ASCII);
    Blinded second = client.blind(other, RANDOM);
    BlindEvaluation batch = server.blindEvaluateBatch(
        List.of(blinded.blindedElement(), second.blindedElement()), RANDOM);
    List<byte[]> outs = client.finalizeBatch(
        List.of(INPUT, other), List.of(blinded, second), batch, server.publicKey());
    assertArrayEquals(server.evaluate(INPUT), outs.get(0));
    assertArrayEquals(server.evaluate(other), outs.get(1));
    BlindEvaluation swapped = new BlindEvaluation(
        List.of(batch.evaluatedElements().get(1), batch.evaluatedElements().get(0)),
        batch.proof());
    assertThrows(OprfException.class, () -> client.finalizeBatch(
        List.of(INPUT, other), List.of(blinded, second), swapped, server.publicKey()));
  }

  @Test
  void modeMisuseFails() {
    assertThrows(IllegalStateException.class, () -> server.blindEvaluate(blinded.blindedElement()));
    assertThrows(IllegalStateException.class,
        () -> client.finalizeOutput(INPUT, blinded, evaluation.evaluatedElements().get(0)));
    OprfServer base = new OprfServer(Suite.OPRF_P256_SHA256, KeyPair.generate(RANDOM));
    assertThrows(IllegalStateException.class,
        () -> base.blindEvaluateBatch(List.of(blinded.blindedElement()), RANDOM));
  }

  @Test
  void secretsAreNotPrinted() {
    KeyPair keys = KeyPair.of(BigInteger.valueOf(123456789));
    assertFalse(keys.toString().contains("123456789"));
    assertFalse(blinded.toString().contains(blinded.blind().toString()));
  }

  @Test
  void mismatchedKeyPairIsRejected() {
    KeyPair a = KeyPair.generate(RANDOM);
    KeyPair b = KeyPair.generate(RANDOM);
    assertThrows(IllegalArgumentException.class, () -> new KeyPair(a.secretKey(), b.publicKey()));
  }

  private static byte[] finalizeWith(byte[] proof, Element publicKey) throws OprfException {
    return client.finalizeOutput(INPUT, blinded, evaluation.evaluatedElements().get(0),
        Proof.decode(proof), publicKey);
  }

  private static void assertRejected(byte[] encoded, String messagePart) {
    OprfException e = assertThrows(OprfException.class, () -> Element.decode(encoded));
    assertTrue(e.getMessage().contains(messagePart), e.getMessage());
  }

  private static void assertScalarRejected(BigInteger value, String messagePart) {
    byte[] encoded = BigIntegers.asUnsignedByteArray(32, value);
    OprfException e = assertThrows(OprfException.class, () -> Scalars.decode(encoded));
    assertTrue(e.getMessage().contains(messagePart), e.getMessage());
  }

  /** 2·e, a valid element that is not the honest answer. */
  static Element twice(Element e) {
    return Element.of(P256.group().add(new byte[][] {e.affine()}, new byte[][] {e.affine()})[0]);
  }
}
