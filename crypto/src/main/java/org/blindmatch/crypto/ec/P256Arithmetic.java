package org.blindmatch.crypto.ec;

import java.math.BigInteger;

/**
 * The P-256 group operations the OPRF needs, behind which a backend computes: Bouncy Castle's
 * pure-Java arithmetic ({@link P256Backends#java()}) or OpenSSL 3's libcrypto through Java's FFM
 * API ({@link P256Backends#nativeBackend()}).
 *
 * <p>Points cross this interface as SEC1 byte strings in one fixed form, so no backend object
 * escapes and every result is already normalized (affine): a point is the 65-byte uncompressed
 * encoding {@code 0x04 ‖ x ‖ y} ({@link Sec1#AFFINE_LENGTH}), the identity is the one byte
 * {@code 0x00} ({@link Sec1#identity()}). Batch operations normalize all their results with one
 * shared field inversion. Input points must come from this interface (decoded, hashed or
 * computed), which guarantees they are on the curve; backends do not re-validate them unless
 * said.
 *
 * <p>Scalars are {@link BigInteger}s in [0, n-1]. The two multiplication kinds differ in their
 * timing contract: {@link #multiplySecret} and {@link #multiplyGenerator} take secret scalars
 * (keyholder shares, client blinds and their inverses, proof nonces) and, for the native
 * backend, run in constant time; {@link #sum} is variable-time and only for public scalars.
 *
 * <p>Implementations are stateless towards callers and thread-safe.
 */
public interface P256Arithmetic {
  /**
   * A short human-readable name, printed where the backend must be shown: {@code java (Bouncy
   * Castle)} or {@code native (OpenSSL 3.x.y)}.
   */
  String name();

  /** True for the native (OpenSSL) backend. */
  boolean isNative();

  /**
   * Decodes a 33-byte compressed SEC1 point (decompression: a square root).
   *
   * @return the 65-byte affine form
   * @throws IllegalArgumentException if the bytes are not a compressed encoding of a point on
   *     P-256 (wrong length or prefix, x not a field element or not an abscissa); the identity
   *     has no compressed encoding and is rejected too
   */
  byte[] decompress(byte[] compressed);

  /**
   * RFC 9380 {@code hash_to_curve} with suite {@code P256_XMD:SHA-256_SSWU_RO_} and the given
   * domain separation tag. Both backends use Bouncy Castle's implementation (OpenSSL 3 has no
   * public hash-to-curve), which each thread reuses ({@link HashToCurve}).
   *
   * @return the affine form, or {@link Sec1#identity()} (probability about 2^-256)
   */
  default byte[] hashToCurve(byte[] message, byte[] dst) {
    return HashToCurve.hash(message, dst);
  }

  /**
   * {@code scalars[i]·points[i]} for every i, in constant time with respect to each scalar
   * (native backend; see THREAT_MODEL.md for the Java backend), normalized together.
   *
   * @param points affine points from this interface, none the identity
   * @param scalars secret scalars in [1, n-1], one per point (pass the same instance repeatedly
   *     for one key over many points)
   * @return the products, affine, in order
   * @throws IllegalArgumentException if the arrays differ in length or a scalar is out of range
   */
  byte[][] multiplySecret(byte[][] points, BigInteger[] scalars);

  /**
   * {@code scalar·G} in constant time (native backend: OpenSSL's fixed-base path).
   *
   * @param scalar a secret scalar in [1, n-1]
   * @return the affine product
   */
  byte[] multiplyGenerator(BigInteger scalar);

  /**
   * {@code Σ scalars[i]·points[i]}, variable-time: for public scalars and points only (DLEQ
   * composites, proof verification, Lagrange combination of public keys).
   *
   * @param points affine points from this interface or {@link #generator()}; identities allowed
   * @param scalars scalars in [0, n-1], same length, at least one
   * @return the affine sum, or {@link Sec1#identity()}
   * @throws IllegalArgumentException if the arrays are empty, differ in length, or a scalar is
   *     out of range
   */
  byte[] sum(byte[][] points, BigInteger[] scalars);

  /**
   * {@code a[i] + b[i]} for every i, normalized together.
   *
   * @param a affine points or identities
   * @param b affine points or identities, same length
   * @return the sums, each affine or {@link Sec1#identity()}
   */
  byte[][] add(byte[][] a, byte[][] b);

  /** The generator G of P-256 in affine form (a copy). */
  default byte[] generator() {
    return Sec1.generator();
  }
}
