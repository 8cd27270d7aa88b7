package org.blindmatch.crypto.sign;

import java.security.Provider;
import java.security.Security;
import org.conscrypt.Conscrypt;

/**
 * Registers Conscrypt (BoringSSL through JCA) so that Tink's ECDSA P-256 signing and
 * verification run natively: Tink looks the provider up by name and uses it explicitly when
 * present, otherwise it uses the JDK's SunEC. Verification is what an auditor does once per
 * logged receipt and transcript, and SunEC is some 50 times slower (docs/PERFORMANCE.md, Log).
 *
 * <p>The provider is appended last, so no JCA lookup that does not name it changes: TLS,
 * certificates, hashes and everything else keep the JDK's providers. Where the native library
 * does not load (a platform Conscrypt does not ship for), nothing is registered and Tink uses
 * the JDK: the same results, slower. Thread-safe; idempotent.
 */
final class NativeSignatures {
  private static final String NAME = "Conscrypt";
  private static final boolean AVAILABLE = register0();

  private NativeSignatures() {}

  /** Registers the provider once (class initialization does the work). */
  static void register() {
    // Touching the class runs its static initializer.
  }

  /** True if Conscrypt is registered. */
  static boolean available() {
    return AVAILABLE;
  }

  private static synchronized boolean register0() {
    if (Security.getProvider(NAME) != null) {
      return true;
    }
    try {
      if (!Conscrypt.isAvailable()) {
        return false;
      }
      Provider provider = Conscrypt.newProvider();
      Security.addProvider(provider);
      return Security.getProvider(NAME) != null;
    } catch (LinkageError | RuntimeException e) {
      // No native library for this platform: Tink falls back to the JDK.
      return false;
    }
  }
}
