package org.blindmatch.crypto.token;

import com.google.crypto.tink.subtle.PrfHmacJce;
import java.security.GeneralSecurityException;
import javax.crypto.spec.SecretKeySpec;

/**
 * Derives oprf-mode tokens from one address's OPRF output {@code s}:
 * {@code token = HMAC-SHA256(s, tokenMessage(tier, width, bucket))[0..16)} (Tink's HMAC PRF).
 * One instance per distinct masked address; not thread-safe.
 */
public final class OprfTokenDeriver {
  private final PrfHmacJce prf;

  /**
   * @param oprfOutput the 32-byte OPRF output for the address
   * @throws IllegalArgumentException if the output is not 32 bytes
   */
  public OprfTokenDeriver(byte[] oprfOutput) {
    if (oprfOutput.length != 32) {
      throw new IllegalArgumentException("OPRF output must be 32 bytes");
    }
    try {
      prf = new PrfHmacJce("HMACSHA256", new SecretKeySpec(oprfOutput, "HMAC"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
  }

  /** The 16-byte token of one bucket of this address in one tier. */
  public byte[] token(int tierNumber, long bucketWidthSeconds, long bucket) {
    try {
      return prf.compute(OprfTokenEncoding.tokenMessage(tierNumber, bucketWidthSeconds, bucket),
          HmacTokenDeriver.TOKEN_LENGTH);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
