package org.blindmatch.crypto.oprf;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The server (or keyholder) side of RFC 9497 in OPRF or VOPRF mode, holding one key pair. A
 * threshold keyholder is an {@code OprfServer} over its share's key pair, so its proofs are
 * checked against its share public key.
 *
 * <p>Immutable and thread-safe. Every multiplication by the key goes through
 * {@link org.blindmatch.crypto.ec.P256Arithmetic#multiplySecret}: constant-time with the native
 * backend; with the Java backend (Bouncy Castle) not guaranteed constant-time, so timing may leak
 * information about the key to an observer with precise local timing (THREAT_MODEL.md).
 */
public final class OprfServer {
  private final Suite suite;
  private final KeyPair keyPair;

  public OprfServer(Suite suite, KeyPair keyPair) {
    this.suite = Objects.requireNonNull(suite, "suite");
    this.keyPair = Objects.requireNonNull(keyPair, "keyPair");
  }

  public Suite suite() {
    return suite;
  }

  public Element publicKey() {
    return keyPair.publicKey();
  }

  /**
   * RFC 9497 §3.3.1 BlindEvaluate (OPRF mode): {@code skS·blindedElement}.
   *
   * @throws IllegalStateException if the suite is not in OPRF mode (VOPRF answers need a proof)
   */
  public Element blindEvaluate(Element blindedElement) {
    requireMode(Mode.OPRF);
    return Element.of(P256.multiplySecret(blindedElement.affine(), keyPair.secretKey()));
  }

  /**
   * RFC 9497 §3.3.2 BlindEvaluate for one or more blinded elements (VOPRF mode), with a single
   * batched DLEQ proof against {@link #publicKey()}.
   *
   * @param blindedElements one or more, at most 65535
   * @param random source of the proof randomness
   * @throws IllegalStateException if the suite is not in VOPRF mode
   * @throws IllegalArgumentException if the list is empty or too long
   */
  public BlindEvaluation blindEvaluateBatch(List<Element> blindedElements, SecureRandom random) {
    return blindEvaluateBatch(blindedElements, P256.randomScalar(random));
  }

  /** As {@link #blindEvaluateBatch(List, SecureRandom)} with fixed proof randomness; tests only. */
  BlindEvaluation blindEvaluateBatch(List<Element> blindedElements, BigInteger proofRandomness) {
    requireMode(Mode.VOPRF);
    List<Element> blinded = List.copyOf(blindedElements);
    if (blinded.isEmpty() || blinded.size() > 0xffff) {
      throw new IllegalArgumentException("batch size " + blinded.size() + " not in 1..65535");
    }
    byte[][] points = new byte[blinded.size()][];
    for (int i = 0; i < points.length; i++) {
      points[i] = blinded.get(i).affine();
    }
    BigInteger[] key = new BigInteger[points.length];
    Arrays.fill(key, keyPair.secretKey());
    List<Element> evaluated = P256.elements(P256.group().multiplySecret(points, key));
    Proof proof =
        Dleq.generate(
            suite, keyPair.secretKey(), keyPair.publicKey(), blinded, evaluated, proofRandomness);
    return new BlindEvaluation(evaluated, proof);
  }

  /**
   * RFC 9497 Evaluate: the PRF output for {@code input} computed directly with the key, equal to
   * what a client obtains for the same input through blinding.
   *
   * @param input at most 65535 bytes
   * @return {@value Suite#OUTPUT_LENGTH} bytes
   * @throws OprfException if the input hashes to the identity (negligible probability)
   */
  public byte[] evaluate(byte[] input) throws OprfException {
    Element inputElement = suite.hashToGroup(input);
    Element evaluated =
        Element.of(P256.multiplySecret(inputElement.affine(), keyPair.secretKey()));
    return finalizeHash(input, evaluated);
  }

  /** {@code Hash(I2OSP(len(input), 2) ‖ input ‖ I2OSP(33, 2) ‖ element ‖ "Finalize")}. */
  static byte[] finalizeHash(byte[] input, Element unblinded) {
    return P256.sha256(
        new Transcript()
            .field(input)
            .field(unblinded.encode())
            .raw("Finalize".getBytes(StandardCharsets.US_ASCII))
            .toByteArray());
  }

  private void requireMode(Mode mode) {
    if (suite.mode() != mode) {
      throw new IllegalStateException("operation needs " + mode + " mode, suite is " + suite);
    }
  }
}
