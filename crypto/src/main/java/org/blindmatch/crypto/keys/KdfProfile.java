package org.blindmatch.crypto.keys;

import java.nio.file.Path;

/**
 * Which passphrase-KDF parameters new key files get, and whether files with weak ones may be
 * read: the production profile (Argon2id 64 MiB t=3, PBKDF2 600,000 rounds), or a cheap test
 * profile for test suites that are not about the KDF.
 *
 * <p>The test profile is chosen only by the JVM system property {@value #TEST_SWITCH}{@code
 * =true}, which the build's surefire configuration sets; it is deliberately not a command-line
 * option, configuration key or environment variable. The parameters are recorded in every
 * encrypted file (the keyset envelope's {@code kdf}, PBES2's PBKDF2 parameters), so decryption
 * always follows the file. Without the switch, reading a file whose parameters are below the
 * production profile is refused ({@link #refuseWeak}), so a server or client never silently
 * runs on a test key; with it, every write of a weak file says so on standard error
 * ({@link #warnWeakWrite}). Stateless, thread-safe.
 */
public final class KdfProfile {
  /** The test-only JVM system property; see the class comment. */
  public static final String TEST_SWITCH = "blindmatch.insecure-test-kdf";

  /** Argon2id memory of the test profile: the least {@link PassphraseKdf} accepts. */
  static final int TEST_ARGON2_MEMORY_KIB = 8192;
  static final int TEST_ARGON2_ITERATIONS = 1;
  /** PBKDF2 rounds of the test profile. */
  static final int TEST_PBKDF2_ITERATIONS = 1000;

  private KdfProfile() {}

  /** Whether this JVM writes test-profile (weak) parameters and may read them. */
  public static boolean testProfile() {
    return "true".equals(System.getProperty(TEST_SWITCH));
  }

  /**
   * Announces on standard error that {@code file} was just written with test-only KDF
   * parameters. Called by every writer of a weak file; loud on purpose.
   */
  public static void warnWeakWrite(Path file, String parameters) {
    System.err.println("blindmatch: WARNING: " + file + " is protected with TEST-ONLY KDF "
        + "parameters (" + parameters + ", " + TEST_SWITCH + "=true): never use it outside "
        + "a test; blindmatch refuses it wherever that switch is not set");
  }

  /**
   * The refusal for a file with weak parameters when the test switch is not set.
   *
   * @return the message, starting with the file name
   */
  public static String refuseWeak(Path file, String parameters, String production) {
    return file + ": protected with test-only KDF parameters (" + parameters
        + "; blindmatch writes " + production + "): refusing a key made for a test suite; "
        + "create or re-encrypt it with blindmatch without the test switch";
  }
}
