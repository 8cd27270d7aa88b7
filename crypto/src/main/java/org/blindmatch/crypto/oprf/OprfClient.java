package org.blindmatch.crypto.oprf;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.util.BigIntegers;

/**
 * The client side of RFC 9497 in OPRF or VOPRF mode: blind inputs, then unblind the server's
 * evaluations into PRF outputs. In VOPRF mode outputs are only released after the server's
 * proof verifies against its public key (or, for threshold evaluation, after
 * {@link ThresholdCombiner} verified every share it used).
 *
 * <p>Immutable and thread-safe.
 */
public final class OprfClient {
  private final Suite suite;

  public OprfClient(Suite suite) {
    this.suite = Objects.requireNonNull(suite, "suite");
  }

  public Suite suite() {
    return suite;
  }

  /**
   * RFC 9497 Blind with a fresh random blind.
   *
   * @param input the private input, at most 65535 bytes
   * @throws OprfException if the input hashes to the identity (negligible probability)
   */
  public Blinded blind(byte[] input, SecureRandom random) throws OprfException {
    return blind(input, P256.randomScalar(random));
  }

  /**
   * RFC 9497 Blind for a batch, each input with a fresh random blind: the same as calling
   * {@link #blind(byte[], SecureRandom)} for each, with the multiplications in one backend call
   * (one shared normalization).
   *
   * @param inputs the private inputs, each at most 65535 bytes
   * @return the client state for each input, in order
   * @throws OprfException if an input hashes to the identity (negligible probability)
   */
  public List<Blinded> blindAll(List<byte[]> inputs, SecureRandom random) throws OprfException {
    byte[][] points = new byte[inputs.size()][];
    BigInteger[] blinds = new BigInteger[points.length];
    for (int i = 0; i < points.length; i++) {
      byte[] input = inputs.get(i);
      if (input.length > 0xffff) {
        throw new IllegalArgumentException("input longer than 65535 bytes");
      }
      points[i] = suite.hashToGroup(input).affine();
      blinds[i] = P256.randomScalar(random);
    }
    byte[][] blinded = P256.group().multiplySecret(points, blinds);
    List<Blinded> out = new ArrayList<>(points.length);
    for (int i = 0; i < points.length; i++) {
      out.add(new Blinded(blinds[i], Element.of(blinded[i])));
    }
    return out;
  }

  /** Blind with a caller-chosen blind in [1, n-1]; tests only (fixed RFC vectors). */
  Blinded blind(byte[] input, BigInteger blind) throws OprfException {
    if (input.length > 0xffff) {
      throw new IllegalArgumentException("input longer than 65535 bytes");
    }
    Element inputElement = suite.hashToGroup(input);
    return new Blinded(blind, Element.of(P256.multiplySecret(inputElement.affine(), blind)));
  }

  /**
   * RFC 9497 §3.3.1 Finalize (OPRF mode: nothing to verify).
   *
   * @return {@value Suite#OUTPUT_LENGTH} bytes
   * @throws IllegalStateException if the suite is not in OPRF mode
   */
  public byte[] finalizeOutput(byte[] input, Blinded blinded, Element evaluatedElement) {
    requireMode(Mode.OPRF);
    return unblindAndHash(input, blinded, evaluatedElement);
  }

  /**
   * RFC 9497 §3.3.2 Finalize (VOPRF mode) for a single element.
   *
   * @throws OprfException if the proof does not verify against {@code serverPublicKey}
   * @throws IllegalStateException if the suite is not in VOPRF mode
   */
  public byte[] finalizeOutput(
      byte[] input, Blinded blinded, Element evaluatedElement, Proof proof, Element serverPublicKey)
      throws OprfException {
    return finalizeBatch(
            List.of(input),
            List.of(blinded),
            new BlindEvaluation(List.of(evaluatedElement), proof),
            serverPublicKey)
        .get(0);
  }

  /**
   * Finalize (VOPRF mode) for a batch answered with one proof: verifies the batched proof over
   * all (blinded, evaluated) pairs, then unblinds each.
   *
   * @param inputs the inputs, in the order they were blinded and sent
   * @param blinded the client state from {@link #blind}, same order
   * @throws OprfException if the proof does not verify against {@code serverPublicKey}
   * @throws IllegalArgumentException if the three lists differ in size
   * @throws IllegalStateException if the suite is not in VOPRF mode
   */
  public List<byte[]> finalizeBatch(
      List<byte[]> inputs, List<Blinded> blinded, BlindEvaluation evaluation,
      Element serverPublicKey) throws OprfException {
    requireMode(Mode.VOPRF);
    List<Element> evaluated = evaluation.evaluatedElements();
    requireSameSize(inputs, blinded, evaluated);
    if (!Dleq.verify(
        suite, serverPublicKey, blindedElements(blinded), evaluated, evaluation.proof())) {
      throw new OprfException("VOPRF proof does not verify against the server public key");
    }
    return unblindAll(inputs, blinded, evaluated);
  }

  /**
   * Finalize for a threshold evaluation whose shares {@link ThresholdCombiner} has verified.
   * Per element, the combination {@code Σ λ_i·Z_i} (public values, variable-time) is unblinded
   * by one multiplication by the secret {@code r⁻¹} (constant-time on the native backend).
   *
   * @throws IllegalArgumentException if the lists differ in size or {@code combined} was made
   *     for other blinded elements
   * @throws IllegalStateException if the suite is not in VOPRF mode
   */
  public List<byte[]> finalizeCombined(
      List<byte[]> inputs, List<Blinded> blinded, CombinedEvaluation combined) {
    requireMode(Mode.VOPRF);
    requireSameSize(inputs, blinded, combined.blindedElements());
    if (!combined.blindedElements().equals(blindedElements(blinded))) {
      throw new IllegalArgumentException("combined evaluation is for other blinded elements");
    }
    List<BigInteger> inverses = blinded.stream().map(OprfClient::inverseBlind).toList();
    return finalizeAll(inputs, combined.combine(inverses));
  }

  private List<byte[]> unblindAll(
      List<byte[]> inputs, List<Blinded> blinded, List<Element> evaluated) {
    byte[][] points = new byte[inputs.size()][];
    BigInteger[] inverses = new BigInteger[points.length];
    for (int i = 0; i < points.length; i++) {
      points[i] = evaluated.get(i).affine();
      inverses[i] = inverseBlind(blinded.get(i));
    }
    return finalizeAll(inputs, P256.group().multiplySecret(points, inverses));
  }

  /** Finalize's hash of every input with its unblinded point (normalized together). */
  private static List<byte[]> finalizeAll(List<byte[]> inputs, byte[][] unblinded) {
    List<Element> elements = P256.elements(unblinded);
    List<byte[]> outputs = new ArrayList<>(inputs.size());
    for (int i = 0; i < unblinded.length; i++) {
      outputs.add(OprfServer.finalizeHash(inputs.get(i), elements.get(i)));
    }
    return outputs;
  }


  /** r⁻¹ mod n by Bouncy Castle's constant-time inversion (the blind is secret; also faster). */
  private static BigInteger inverseBlind(Blinded blinded) {
    return BigIntegers.modOddInverse(P256.N, blinded.blind());
  }

  private static byte[] unblindAndHash(byte[] input, Blinded blinded, Element evaluated) {
    return OprfServer.finalizeHash(
        input, Element.of(P256.multiplySecret(evaluated.affine(), inverseBlind(blinded))));
  }

  private static List<Element> blindedElements(List<Blinded> blinded) {
    return blinded.stream().map(Blinded::blindedElement).toList();
  }

  private static void requireSameSize(List<?> a, List<?> b, List<?> c) {
    if (a.size() != b.size() || b.size() != c.size() || a.isEmpty()) {
      throw new IllegalArgumentException(
          "inputs, blinds and evaluations must be non-empty and of equal size: "
              + a.size() + ", " + b.size() + ", " + c.size());
    }
  }

  private void requireMode(Mode mode) {
    if (suite.mode() != mode) {
      throw new IllegalStateException("operation needs " + mode + " mode, suite is " + suite);
    }
  }
}
