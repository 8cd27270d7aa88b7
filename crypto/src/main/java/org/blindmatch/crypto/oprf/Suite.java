package org.blindmatch.crypto.oprf;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.hash2curve.OPRFHashToScalar;
import org.blindmatch.crypto.ec.Sec1;
import org.bouncycastle.util.Arrays;

/**
 * RFC 9497 ciphersuite P256-SHA256 (§4.3) in one of the implemented modes. Fixes the context
 * string {@code "OPRFV1-" ‖ I2OSP(mode, 1) ‖ "-P256-SHA256"} (§3.1) and the domain separation
 * tags derived from it.
 *
 * <p>HashToGroup is RFC 9380 {@code P256_XMD:SHA-256_SSWU_RO_} and HashToScalar is RFC 9380
 * hash_to_field with modulus n, both from Bouncy Castle (the hash-to-curve hasher is reused per
 * thread, see {@code org.blindmatch.crypto.ec.HashToCurve}). Immutable and thread-safe.
 */
public enum Suite {
  OPRF_P256_SHA256(Mode.OPRF),
  VOPRF_P256_SHA256(Mode.VOPRF);

  /** RFC 9497 suite identifier. */
  public static final String IDENTIFIER = "P256-SHA256";
  /** Length of an OPRF output (SHA-256). */
  public static final int OUTPUT_LENGTH = 32;

  /** Bouncy Castle's curve object, only to give hash_to_field its modulus n. */
  private static final org.bouncycastle.math.ec.ECCurve CURVE =
      org.bouncycastle.crypto.ec.CustomNamedCurves.getByName("secp256r1").getCurve();

  /** RFC 9380 §5.3 security parameter k for P-256: hash_to_field draws L = 48 bytes. */
  private static final int SECURITY_BITS = 128;

  private final Mode mode;
  private final byte[] contextString;
  private final byte[] hashToGroupDst;

  Suite(Mode mode) {
    this.mode = mode;
    this.contextString =
        Arrays.concatenate(
            ascii("OPRFV1-"), new byte[] {(byte) mode.id()}, ascii("-" + IDENTIFIER));
    this.hashToGroupDst = dst("HashToGroup-");
  }

  public Mode mode() {
    return mode;
  }

  /** The RFC 9497 §3.1 context string (a copy). */
  public byte[] contextString() {
    return contextString.clone();
  }

  /** {@code label ‖ contextString}, the form of every DST in RFC 9497. */
  byte[] dst(String label) {
    return Arrays.concatenate(ascii(label), contextString);
  }

  /**
   * RFC 9497 HashToGroup with DST {@code "HashToGroup-" ‖ contextString}.
   *
   * @throws OprfException if the input maps to the identity (RFC 9497 InvalidInputError)
   */
  Element hashToGroup(byte[] input) throws OprfException {
    byte[] p = P256.group().hashToCurve(input, hashToGroupDst);
    if (Sec1.isIdentity(p)) {
      throw new OprfException("input hashes to the identity element");
    }
    return Element.of(p);
  }

  /** RFC 9497 HashToScalar with the default DST {@code "HashToScalar-" ‖ contextString}. */
  BigInteger hashToScalar(byte[] input) {
    return hashToScalar(input, dst("HashToScalar-"));
  }

  /** RFC 9497 HashToScalar: hash_to_field(input, 1) with modulus n and the given DST. */
  static BigInteger hashToScalar(byte[] input, byte[] dst) {
    return new OPRFHashToScalar(CURVE, new SHA256Digest(), SECURITY_BITS).process(input, dst);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
