package org.blindmatch.crypto.token;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.prf.HmacPrfKey;
import com.google.crypto.tink.prf.HmacPrfParameters;
import java.util.Arrays;
import java.util.List;
import org.blindmatch.crypto.ip.IpAddress;
import org.blindmatch.crypto.ip.IpFamily;
import org.blindmatch.crypto.prf.PrefixedHmacSha256;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.scope.Tier;

/**
 * Derives hmac-mode tokens: {@code token = HMAC-SHA256(K, encoding)[0..16)} with the
 * {@link TokenEncoding v1 encoding}.
 *
 * <p>Construct one per (scope, key); it precomputes one HMAC midstate per (tier, family).
 * Thread-safe: {@link #derive} may be called concurrently.
 */
public final class HmacTokenDeriver {
  /** Token length in bytes. */
  public static final int TOKEN_LENGTH = 16;

  private final Scope scope;
  private final int keyId;
  /** Index: tier number * 2 + (IPv6 ? 1 : 0). */
  private final PrefixedHmacSha256[] macs;

  /**
   * @param scope the scope whose tiers tokens are derived for
   * @param key a Tink HMAC PRF key; must use SHA-256
   * @param keyId the key's id in its keyset, recorded in token files
   * @throws IllegalArgumentException if the key's hash is not SHA-256
   */
  public HmacTokenDeriver(Scope scope, HmacPrfKey key, int keyId) {
    if (key.getParameters().getHashType() != HmacPrfParameters.HashType.SHA256) {
      throw new IllegalArgumentException(
          "hmac mode needs an HMAC-SHA256 PRF key, key " + Integer.toUnsignedString(keyId)
              + " uses " + key.getParameters().getHashType());
    }
    this.scope = scope;
    this.keyId = keyId;
    byte[] keyBytes = key.getKeyBytes().toByteArray(InsecureSecretKeyAccess.get());
    byte[] digest = scope.digest();
    List<Tier> tiers = scope.tiers();
    macs = new PrefixedHmacSha256[tiers.size() * 2];
    for (int t = 0; t < tiers.size(); t++) {
      Tier tier = tiers.get(t);
      for (IpFamily family : IpFamily.values()) {
        byte[] prefix = TokenEncoding.prefix(
            digest, t, family, tier.prefixFor(family), tier.bucketWidth().seconds());
        macs[t * 2 + (family == IpFamily.IPV6 ? 1 : 0)] = new PrefixedHmacSha256(keyBytes, prefix);
      }
    }
    Arrays.fill(keyBytes, (byte) 0);
  }

  public Scope scope() {
    return scope;
  }

  public int keyId() {
    return keyId;
  }

  /**
   * Writes the 16-byte token for one event at {@code out[off]}.
   *
   * @param tierNumber index into the scope's tiers
   * @param address the event's address; masked here to the tier's prefix for its family
   * @param bucket the event's bucket under the tier's width; must be 0 for a tier without time
   * @param scratch at least {@link TokenEncoding#EVENT_LENGTH} bytes, overwritten
   * @throws IllegalArgumentException if the bucket is non-zero for a tier without time
   */
  public void derive(
      int tierNumber, IpAddress address, long bucket, byte[] scratch, byte[] out, int off) {
    Tier tier = scope.tier(tierNumber);
    if (bucket != 0 && tier.bucketWidth().isNone()) {
      throw new IllegalArgumentException("tier " + tier.name() + " has no time buckets");
    }
    IpAddress masked = address.mask(tier.prefixFor(address.family()));
    TokenEncoding.writeEvent(masked, bucket, scratch, 0);
    macs[tierNumber * 2 + (masked.family() == IpFamily.IPV6 ? 1 : 0)]
        .compute(scratch, 0, TokenEncoding.EVENT_LENGTH, out, off, TOKEN_LENGTH);
  }
}
