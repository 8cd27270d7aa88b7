package org.blindmatch.crypto.ec;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.bouncycastle.crypto.hash2curve.HashToCurveProfile;
import org.bouncycastle.crypto.hash2curve.HashToEllipticCurve;
import org.bouncycastle.math.ec.ECPoint;

/**
 * RFC 9380 {@code P256_XMD:SHA-256_SSWU_RO_} through Bouncy Castle, with one hasher per thread
 * and domain separation tag (a hasher holds digest state, so it cannot be shared; building one
 * per call cost a measurable share of the client's work). Thread-safe.
 */
final class HashToCurve {
  private static final ThreadLocal<Map<String, HashToEllipticCurve>> HASHERS =
      ThreadLocal.withInitial(HashMap::new);

  private HashToCurve() {}

  static byte[] hash(byte[] message, byte[] dst) {
    // BC takes the DST as a String and UTF-8 encodes it; RFC 9497's DSTs are ASCII except the
    // context string's mode byte (0x00 or 0x01), which UTF-8 encodes to itself.
    String tag = new String(dst, StandardCharsets.UTF_8);
    HashToEllipticCurve hasher = HASHERS.get().computeIfAbsent(
        tag, t -> HashToEllipticCurve.getInstance(HashToCurveProfile.P256_XMD_SHA_256, t));
    ECPoint p = hasher.hashToCurve(message);
    return p.isInfinity() ? Sec1.identity() : p.normalize().getEncoded(false);
  }
}
