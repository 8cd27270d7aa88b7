package org.blindmatch.client.tokenize;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.prf.PrfSet;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import org.blindmatch.crypto.keys.TokenKeyset;
import org.blindmatch.crypto.tokenfile.TokenFileHeader.Role;

/**
 * Turns record ids and labels into opaque 16-byte handles:
 * {@code HMAC-SHA256(k, "blindmatch/v1/handle" ‖ role ‖ id)[0..16)} under a key {@code k}
 * drawn fresh for each tokenize run and never stored.
 *
 * <p>Within one run the same id always gets the same handle, so counts of distinct records
 * and labels survive; across runs handles are unlinkable. Only the owner's mapping file
 * connects a handle to its id. Thread-safe (Tink primitives are).
 */
public final class HandleDeriver {
  private static final byte[] DOMAIN = "blindmatch/v1/handle".getBytes(StandardCharsets.US_ASCII);
  /** Handle length in bytes. */
  public static final int LENGTH = 16;

  private final PrfSet prf;
  private final byte role;

  /** A deriver under a fresh key, for one single-process run. */
  public HandleDeriver(Role role) {
    this(role, freshKey());
  }

  /**
   * A deriver under {@code key}, for a run spread over several processes that must agree on
   * handles (the Spark job): every worker of the run gets the same per-run key.
   *
   * @param key a keyset from {@link TokenKeyset#generate()}
   */
  public HandleDeriver(Role role, KeysetHandle key) {
    try {
      this.prf = key.getPrimitive(RegistryConfiguration.get(), PrfSet.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot use the handle key", e);
    }
    this.role = (byte) role.code();
  }

  /** A fresh per-run handle key. */
  public static KeysetHandle freshKey() {
    try {
      return TokenKeyset.generate();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create a handle key", e);
    }
  }

  /** The handle of {@code id[0, len)}, written to {@code out[off]}. */
  public void derive(byte[] id, int len, byte[] out, int off) {
    byte[] input = new byte[DOMAIN.length + 1 + len];
    System.arraycopy(DOMAIN, 0, input, 0, DOMAIN.length);
    input[DOMAIN.length] = role;
    System.arraycopy(id, 0, input, DOMAIN.length + 1, len);
    try {
      System.arraycopy(prf.computePrimary(input, LENGTH), 0, out, off, LENGTH);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
