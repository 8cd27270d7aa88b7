package org.blindmatch.client.tokenize;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import org.blindmatch.crypto.token.HmacTokenDeriver;
import org.blindmatch.crypto.token.OprfTokenEncoding;

/**
 * oprf-mode token derivation for one thread: {@code HMAC-SHA256(s, token message)[0..16)}
 * ({@link OprfTokenEncoding}), re-keying only when {@code s} changes. Equal to
 * {@link org.blindmatch.crypto.token.OprfTokenDeriver} (tested); this form avoids creating a
 * primitive per token. Shared by {@code blindmatch tokenize} and the Spark job, so both derive
 * oprf-mode tokens with the same code. Not thread-safe: one instance per thread.
 */
public final class OprfTokenMac {
  private final Mac mac;
  private final byte[] full = new byte[32];
  private byte[] currentKey;

  /** A fresh instance, keyed on first use. */
  public OprfTokenMac() {
    try {
      mac = Mac.getInstance("HmacSHA256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
  }

  /**
   * Writes the 16-byte token of {@code (tier, width, bucket)} under output {@code s} to
   * {@code out[off, off + 16)}.
   *
   * @param s a 32-byte OPRF output; re-keys only when a different array is passed
   */
  public void token(byte[] s, int tierNumber, long bucketWidthSeconds, long bucket, byte[] out,
      int off) {
    try {
      if (s != currentKey) {
        mac.init(new SecretKeySpec(s, "HmacSHA256"));
        currentKey = s;
      }
      mac.update(OprfTokenEncoding.tokenMessage(tierNumber, bucketWidthSeconds, bucket));
      mac.doFinal(full, 0);
      System.arraycopy(full, 0, out, off, HmacTokenDeriver.TOKEN_LENGTH);
    } catch (InvalidKeyException | ShortBufferException e) {
      throw new IllegalStateException(e);
    }
  }
}
