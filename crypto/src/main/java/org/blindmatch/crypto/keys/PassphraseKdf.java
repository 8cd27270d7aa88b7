package org.blindmatch.crypto.keys;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id (RFC 9106, Bouncy Castle) parameters that turn a passphrase into a 256-bit
 * key-encryption key. Immutable, thread-safe.
 *
 * @param memoryKib memory cost in KiB, 8192..4194304
 * @param iterations time cost, 1..16
 * @param parallelism lanes, 1..8
 * @param salt 16..64 random bytes
 */
public record PassphraseKdf(int memoryKib, int iterations, int parallelism, byte[] salt) {
  /** RFC 9106 §4 second recommended option, scaled to one lane: 64 MiB, t = 3. */
  public static final int DEFAULT_MEMORY_KIB = 64 * 1024;
  public static final int DEFAULT_ITERATIONS = 3;
  public static final int DEFAULT_PARALLELISM = 1;
  /** Shortest passphrase accepted when creating a keyset. */
  public static final int MIN_PASSPHRASE_CHARS = 12;

  public PassphraseKdf {
    if (memoryKib < 8192 || memoryKib > 4 * 1024 * 1024) {
      throw new IllegalArgumentException("argon2id memory " + memoryKib + " KiB out of range");
    }
    if (iterations < 1 || iterations > 16) {
      throw new IllegalArgumentException("argon2id iterations " + iterations + " out of range");
    }
    if (parallelism < 1 || parallelism > 8) {
      throw new IllegalArgumentException("argon2id parallelism " + parallelism + " out of range");
    }
    if (salt == null || salt.length < 16 || salt.length > 64) {
      throw new IllegalArgumentException("argon2id salt must be 16..64 bytes");
    }
    salt = salt.clone();
  }

  @Override
  public byte[] salt() {
    return salt.clone();
  }

  /**
   * Fresh parameters for a new file, with a random 16-byte salt: the defaults, or the cheap
   * test profile when {@link KdfProfile#testProfile()} (a test-only JVM switch).
   */
  public static PassphraseKdf withRandomSalt() {
    byte[] salt = new byte[16];
    new java.security.SecureRandom().nextBytes(salt);
    if (KdfProfile.testProfile()) {
      return new PassphraseKdf(KdfProfile.TEST_ARGON2_MEMORY_KIB,
          KdfProfile.TEST_ARGON2_ITERATIONS, DEFAULT_PARALLELISM, salt);
    }
    return new PassphraseKdf(DEFAULT_MEMORY_KIB, DEFAULT_ITERATIONS, DEFAULT_PARALLELISM, salt);
  }

  /** Whether these parameters are below the defaults (memory or time), e.g. the test profile. */
  public boolean weak() {
    return memoryKib < DEFAULT_MEMORY_KIB || iterations < DEFAULT_ITERATIONS;
  }

  /** The defaults, for messages. */
  static String defaults() {
    return "argon2id(m=" + DEFAULT_MEMORY_KIB + " KiB, t=" + DEFAULT_ITERATIONS + ", p="
        + DEFAULT_PARALLELISM + ")";
  }

  /** Derives the 32-byte key-encryption key; the caller must wipe it after use. */
  public byte[] deriveKey(char[] passphrase) {
    Argon2Parameters params =
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withMemoryAsKB(memoryKib)
            .withIterations(iterations)
            .withParallelism(parallelism)
            .withSalt(salt)
            .build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(params);
    byte[] password = toUtf8(passphrase);
    byte[] key = new byte[32];
    try {
      generator.generateBytes(password, key);
    } finally {
      Arrays.fill(password, (byte) 0);
    }
    return key;
  }

  private static byte[] toUtf8(char[] chars) {
    java.nio.ByteBuffer buf = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(chars));
    byte[] out = new byte[buf.remaining()];
    buf.get(out);
    if (buf.hasArray()) {
      Arrays.fill(buf.array(), (byte) 0);
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PassphraseKdf k && k.memoryKib == memoryKib && k.iterations == iterations
        && k.parallelism == parallelism && Arrays.equals(k.salt, salt);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(salt) * 31 + memoryKib + iterations * 7 + parallelism;
  }

  @Override
  public String toString() {
    return "argon2id(m=" + memoryKib + " KiB, t=" + iterations + ", p=" + parallelism + ")";
  }
}
