package org.blindmatch.crypto.oprf;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.blindmatch.crypto.ec.P256Arithmetic;
import org.blindmatch.crypto.ec.Sec1;
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
    P256Arithmetic group = P256.group();
    byte[] m = composites(suite, b, c, d, false)[0];
    if (Sec1.isIdentity(m)) { // SerializeElement(M) would fail; only with negligible probability
      throw new IllegalStateException("composite M is the identity");
    }
    // ComputeCompositesFast (the prover knows k): Z = k·M; and t3 = r·M. Both secret scalars.
    byte[][] zt3 = group.multiplySecret(new byte[][] {m, m}, new BigInteger[] {k, r});
    byte[] z = zt3[0];
    byte[] t2 = group.multiplyGenerator(r);
    byte[] t3 = zt3[1];
    BigInteger challenge = challenge(suite, b, m, z, t2, t3);
    BigInteger s = r.subtract(challenge.multiply(k)).mod(P256.N);
    return new Proof(challenge, s);
  }

  /** VerifyProof(G, B, C, D, proof): true iff the proof is valid. */
  static boolean verify(Suite suite, Element b, List<Element> c, List<Element> d, Proof proof) {
    if (c.size() != d.size() || c.isEmpty()) {
      return false;
    }
    byte[][] mz = composites(suite, b, c, d, true);
    byte[] m = mz[0];
    byte[] z = mz[1];
    if (Sec1.isIdentity(m) || Sec1.isIdentity(z)) { // SerializeElement fails: not a valid proof
      return false;
    }
    P256Arithmetic group = P256.group();
    BigInteger[] sc = {proof.s(), proof.c()};
    byte[] t2 = group.sum(new byte[][] {group.generator(), b.affine()}, sc);
    byte[] t3 = group.sum(new byte[][] {m, z}, sc);
    BigInteger expected = challenge(suite, b, m, z, t2, t3);
    return MessageDigest.isEqual(
        BigIntegers.asUnsignedByteArray(Scalars.LENGTH, expected),
        BigIntegers.asUnsignedByteArray(Scalars.LENGTH, proof.c()));
  }

  /**
   * ComputeComposites (with Z) or the M half of ComputeCompositesFast (without): {@code M = Σ
   * d_i·C[i]}, {@code Z = Σ d_i·D[i]}, each one variable-time multi-scalar multiplication
   * ({@link P256Arithmetic#sum}: the composite scalars are hashes of public transcripts).
   * Returns {@code {M, Z}} or {@code {M}}, normalized; either may be the identity.
   */
  private static byte[][] composites(
      Suite suite, Element b, List<Element> c, List<Element> d, boolean withZ) {
    if (c.size() != d.size() || c.isEmpty()) {
      throw new IllegalArgumentException("C and D must be non-empty and of equal size");
    }
    byte[] seed =
        P256.sha256(new Transcript().field(b.encode()).field(suite.dst("Seed-")).toByteArray());
    int n = c.size();
    BigInteger[] scalars = new BigInteger[n];
    byte[][] cPoints = new byte[n][];
    byte[][] dPoints = new byte[n][];
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
      cPoints[i] = c.get(i).affine();
      dPoints[i] = d.get(i).affine();
    }
    P256Arithmetic group = P256.group();
    byte[] m = group.sum(cPoints, scalars);
    return withZ ? new byte[][] {m, group.sum(dPoints, scalars)} : new byte[][] {m};
  }

  private static BigInteger challenge(
      Suite suite, Element b, byte[] m, byte[] z, byte[] t2, byte[] t3) {
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
  private static byte[] encode(byte[] p) {
    return Sec1.isIdentity(p) ? Sec1.identity() : Sec1.compress(p);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
