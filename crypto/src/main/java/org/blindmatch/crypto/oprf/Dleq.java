package org.blindmatch.crypto.oprf;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.BigIntegers;

/**
 * RFC 9497 §2.2 batched discrete-log-equality proofs that {@code D[i] = k·C[i]} for every i and
 * {@code B = k·G}, with A fixed to the generator G. Stateless and thread-safe.
 */
final class Dleq {
  private static final byte[] COMPOSITE = ascii("Composite");
  private static final byte[] CHALLENGE = ascii("Challenge");

  private Dleq() {}

  /**
   * GenerateProof(k, G, B, C, D) with proof randomness {@code r} in [1, n-1].
   *
   * @throws IllegalArgumentException if C and D differ in size or are empty
   */
  static Proof generate(
      Suite suite, BigInteger k, Element b, List<Element> c, List<Element> d, BigInteger r) {
    ECPoint m = composites(suite, b, c, d, false)[0];
    if (m.isInfinity()) { // SerializeElement(M) would fail; only with negligible probability
      throw new IllegalStateException("composite M is the identity");
    }
    ECPoint z = m.multiply(k); // ComputeCompositesFast: the prover knows k
    ECPoint t2 = P256.G.multiply(r);
    ECPoint t3 = m.multiply(r);
    BigInteger challenge = challenge(suite, b, m, z, t2, t3);
    BigInteger s = r.subtract(challenge.multiply(k)).mod(P256.N);
    return new Proof(challenge, s);
  }

  /** VerifyProof(G, B, C, D, proof): true iff the proof is valid. */
  static boolean verify(Suite suite, Element b, List<Element> c, List<Element> d, Proof proof) {
    if (c.size() != d.size() || c.isEmpty()) {
      return false;
    }
    ECPoint[] mz = composites(suite, b, c, d, true);
    ECPoint m = mz[0];
    ECPoint z = mz[1];
    if (m.isInfinity() || z.isInfinity()) { // RFC 9497 SerializeElement fails: not a valid proof
      return false;
    }
    ECPoint t2 = ECAlgorithms.sumOfTwoMultiplies(P256.G, proof.s(), b.point(), proof.c());
    ECPoint t3 = ECAlgorithms.sumOfTwoMultiplies(m, proof.s(), z, proof.c());
    BigInteger expected = challenge(suite, b, m, z, t2, t3);
    return MessageDigest.isEqual(
        BigIntegers.asUnsignedByteArray(Scalars.LENGTH, expected),
        BigIntegers.asUnsignedByteArray(Scalars.LENGTH, proof.c()));
  }

  /**
   * ComputeComposites (with Z) or the M half of ComputeCompositesFast (without): {@code M = Σ
   * d_i·C[i]}, {@code Z = Σ d_i·D[i]}, each one multi-scalar multiplication ({@link Msm}).
   * Returns {@code {M, Z}} or {@code {M}}, normalized; either may be the identity.
   */
  private static ECPoint[] composites(
      Suite suite, Element b, List<Element> c, List<Element> d, boolean withZ) {
    if (c.size() != d.size() || c.isEmpty()) {
      throw new IllegalArgumentException("C and D must be non-empty and of equal size");
    }
    byte[] seed =
        P256.sha256(new Transcript().field(b.encode()).field(suite.dst("Seed-")).toByteArray());
    int n = c.size();
    BigInteger[] scalars = new BigInteger[n];
    ECPoint[] cPoints = new ECPoint[n];
    ECPoint[] dPoints = new ECPoint[n];
    for (int i = 0; i < n; i++) {
      byte[] compositeTranscript =
          new Transcript()
              .field(seed)
              .u16(i)
              .field(c.get(i).encode())
              .field(d.get(i).encode())
              .raw(COMPOSITE)
              .toByteArray();
      scalars[i] = suite.hashToScalar(compositeTranscript);
      cPoints[i] = c.get(i).point();
      dPoints[i] = d.get(i).point();
    }
    ECPoint m = Msm.sum(cPoints, scalars).normalize();
    return withZ
        ? new ECPoint[] {m, Msm.sum(dPoints, scalars).normalize()}
        : new ECPoint[] {m};
  }

  private static BigInteger challenge(
      Suite suite, Element b, ECPoint m, ECPoint z, ECPoint t2, ECPoint t3) {
    byte[] transcript =
        new Transcript()
            .field(b.encode())
            .field(encode(m))
            .field(encode(z))
            .field(encode(t2))
            .field(encode(t3))
            .raw(CHALLENGE)
            .toByteArray();
    return suite.hashToScalar(transcript);
  }

  /**
   * SerializeElement for intermediate points. A forged proof can make t2 or t3 the identity;
   * SerializeElement is undefined there, so it gets the one-byte SEC1 identity encoding, which
   * never matches an honest transcript.
   */
  private static byte[] encode(ECPoint p) {
    return p.isInfinity() ? new byte[] {0} : p.normalize().getEncoded(true);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
