package org.blindmatch.crypto.prf;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * HMAC-SHA256 (RFC 2104) for messages that all begin with the same 64-byte block.
 *
 * <p>Token encodings begin with a block that is constant per (scope, tier, family); see
 * {@code docs/PROTOCOL.md}. A plain {@link javax.crypto.Mac} re-hashes the key pad and that
 * block for every token. This class hashes them once, keeps the SHA-256 midstates, and per
 * message clones them, so each token costs two SHA-256 compressions instead of five. The
 * output is exactly {@code HMAC-SHA256(key, prefix ‖ message)}; tests check it against
 * Tink's HMAC PRF and RFC 4231.
 *
 * <p>Thread-safe: the midstates are never updated after construction, only cloned.
 */
public final class PrefixedHmacSha256 {
  /** SHA-256 block size and required prefix length. */
  public static final int BLOCK = 64;
  /** Output length. */
  public static final int MAC_LENGTH = 32;

  private final MessageDigest innerAfterPrefix;
  private final MessageDigest outerAfterPad;

  /**
   * @param key HMAC key of any length (keys longer than 64 bytes are hashed, as RFC 2104 says)
   * @param prefixBlock exactly {@link #BLOCK} bytes every message starts with
   * @throws IllegalArgumentException if the prefix is not one block or the key is empty
   */
  public PrefixedHmacSha256(byte[] key, byte[] prefixBlock) {
    if (prefixBlock.length != BLOCK) {
      throw new IllegalArgumentException("prefix must be " + BLOCK + " bytes");
    }
    if (key.length == 0) {
      throw new IllegalArgumentException("empty HMAC key");
    }
    byte[] k = key.length > BLOCK ? newSha256().digest(key) : key;
    byte[] ipad = new byte[BLOCK];
    byte[] opad = new byte[BLOCK];
    for (int i = 0; i < BLOCK; i++) {
      byte b = i < k.length ? k[i] : 0;
      ipad[i] = (byte) (b ^ 0x36);
      opad[i] = (byte) (b ^ 0x5c);
    }
    innerAfterPrefix = newSha256();
    innerAfterPrefix.update(ipad);
    innerAfterPrefix.update(prefixBlock);
    outerAfterPad = newSha256();
    outerAfterPad.update(opad);
    Arrays.fill(ipad, (byte) 0);
    Arrays.fill(opad, (byte) 0);
  }

  /**
   * Writes the first {@code outLen} bytes of {@code HMAC(key, prefix ‖ msg[off, off+len))} to
   * {@code out[outOff, outOff+outLen)}.
   *
   * @param outLen 1..32
   */
  public void compute(byte[] msg, int off, int len, byte[] out, int outOff, int outLen) {
    if (outLen < 1 || outLen > MAC_LENGTH) {
      throw new IllegalArgumentException("output length " + outLen + " not in 1..32");
    }
    byte[] innerHash = new byte[MAC_LENGTH];
    try {
      MessageDigest inner = (MessageDigest) innerAfterPrefix.clone();
      inner.update(msg, off, len);
      inner.digest(innerHash, 0, MAC_LENGTH);
      MessageDigest outer = (MessageDigest) outerAfterPad.clone();
      outer.update(innerHash);
      if (outLen == MAC_LENGTH) {
        outer.digest(out, outOff, MAC_LENGTH);
      } else {
        outer.digest(innerHash, 0, MAC_LENGTH);
        System.arraycopy(innerHash, 0, out, outOff, outLen);
      }
    } catch (CloneNotSupportedException | DigestException e) {
      throw new IllegalStateException("SHA-256 provider does not support cloning", e);
    }
  }

  private static MessageDigest newSha256() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.clone(); // fail at construction, not per token, if the provider cannot clone
      return md;
    } catch (NoSuchAlgorithmException | CloneNotSupportedException e) {
      throw new IllegalStateException("a cloneable SHA-256 is required", e);
    }
  }
}
