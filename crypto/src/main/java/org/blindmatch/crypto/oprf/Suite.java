package org.blindmatch.crypto.oprf;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.hash2curve.HashToCurveProfile;
import org.bouncycastle.crypto.hash2curve.HashToEllipticCurve;
import org.bouncycastle.crypto.hash2curve.OPRFHashToScalar;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.Arrays;

/**
 * RFC 9497 ciphersuite P256-SHA256 (§4.3) in one of the implemented modes. Fixes the context
 * string {@code "OPRFV1-" ‖ I2OSP(mode, 1) ‖ "-P256-SHA256"} (§3.1) and the domain separation
 * tags derived from it.
 *
 * <p>HashToGroup is RFC 9380 {@code P256_XMD:SHA-256_SSWU_RO_} and HashToScalar is RFC 9380
 * hash_to_field with modulus n, both from Bouncy Castle. Immutable and thread-safe: the Bouncy
 * Castle hashers hold digest state, so a fresh one is built per call.
 */
public enum Suite {
  OPRF_P256_SHA256(Mode.OPRF),
  VOPRF_P256_SHA256(Mode.VOPRF);

  /** RFC 9497 suite identifier. */
  public static final String IDENTIFIER = "P256-SHA256";
  /** Length of an OPRF output (SHA-256). */
  public static final int OUTPUT_LENGTH = 32;

  /** RFC 9380 §5.3 security parameter k for P-256: hash_to_field draws L = 48 bytes. */
  private static final int SECURITY_BITS = 128;

  private final Mode mode;
  private final byte[] contextString;

  Suite(Mode mode) {
    this.mode = mode;
    this.contextString =
        Arrays.concatenate(
            ascii("OPRFV1-"), new byte[] {(byte) mode.id()}, ascii("-" + IDENTIFIER));
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
    // BC takes the DST as a String and UTF-8 encodes it; the context string's mode byte (0x00 or
    // 0x01) and the ASCII rest encode to themselves, so this is the exact byte string.
    String dst = new String(dst("HashToGroup-"), StandardCharsets.UTF_8);
    ECPoint p =
        HashToEllipticCurve.getInstance(HashToCurveProfile.P256_XMD_SHA_256, dst)
            .hashToCurve(input);
    if (p.isInfinity()) {
      throw new OprfException("input hashes to the identity element");
    }
    return Element.of(P256.CURVE.importPoint(p));
  }

  /** RFC 9497 HashToScalar with the default DST {@code "HashToScalar-" ‖ contextString}. */
  BigInteger hashToScalar(byte[] input) {
    return hashToScalar(input, dst("HashToScalar-"));
  }

  /** RFC 9497 HashToScalar: hash_to_field(input, 1) with modulus n and the given DST. */
  static BigInteger hashToScalar(byte[] input, byte[] dst) {
    return new OPRFHashToScalar(P256.CURVE, new SHA256Digest(), SECURITY_BITS).process(input, dst);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
