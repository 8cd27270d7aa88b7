package org.blindmatch.crypto.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.crypto.tink.KeysetHandle;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test KDF profile: chosen only by the JVM switch, recorded in the file, announced on
 * every write, and refused on read wherever the switch is off. This module's surefire run
 * leaves the switch off; each test here turns it on only around the calls that need it.
 */
class KdfProfileTest {
  static final char[] PASS = "correct horse battery staple".toCharArray();

  @Test
  void withoutTheSwitchNewFilesGetTheProductionParameters() {
    assertFalse(KdfProfile.testProfile(), "this module's tests run without the switch");
    PassphraseKdf kdf = PassphraseKdf.withRandomSalt();
    assertEquals(PassphraseKdf.DEFAULT_MEMORY_KIB, kdf.memoryKib());
    assertEquals(PassphraseKdf.DEFAULT_ITERATIONS, kdf.iterations());
    assertFalse(kdf.weak());
  }

  @Test
  void aTestProfileKeysetIsRecordedAnnouncedAndRefusedWithoutTheSwitch(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("keys.json");
    KeysetHandle keyset = TokenKeyset.generate();
    String err = withSwitch(() -> EncryptedKeysetFile.write(file, keyset, TokenKeyset.PURPOSE,
        PASS, PassphraseKdf.withRandomSalt(), false));
    assertTrue(err.contains("WARNING: " + file) && err.contains("TEST-ONLY KDF"), err);

    var kdf = new ObjectMapper().readTree(file.toFile()).path("kdf");
    assertEquals(KdfProfile.TEST_ARGON2_MEMORY_KIB, kdf.path("memory_kib").asInt());
    assertEquals(KdfProfile.TEST_ARGON2_ITERATIONS, kdf.path("iterations").asInt());

    KeysetException refused = assertThrows(KeysetException.class,
        () -> EncryptedKeysetFile.read(file, TokenKeyset.PURPOSE, PASS));
    assertTrue(refused.getMessage().startsWith(file + ": protected with test-only KDF"),
        refused.getMessage());
    withSwitch(() -> assertEquals(TokenKeyset.describe(keyset),
        TokenKeyset.describe(EncryptedKeysetFile.read(file, TokenKeyset.PURPOSE, PASS))));
  }

  @Test
  void aWeakSecretFileIsRefusedWithoutTheSwitchWhoeverWroteIt(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("share.json");
    byte[] salt = new byte[16];
    PassphraseKdf weak = new PassphraseKdf(PassphraseKdf.DEFAULT_MEMORY_KIB, 1, 1, salt);
    assertTrue(weak.weak(), "fewer iterations than the default is weak too");
    String err = captureErr(() -> EncryptedSecretFile.write(file,
        "s".getBytes(StandardCharsets.UTF_8), "oprf-share", PASS, weak, false));
    assertTrue(err.contains("TEST-ONLY KDF"), err);
    KeysetException refused = assertThrows(KeysetException.class,
        () -> EncryptedSecretFile.read(file, "oprf-share", PASS));
    assertTrue(refused.getMessage().contains("test-only KDF"), refused.getMessage());
  }

  @Test
  void productionParametersWriteSilently(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("keys.json");
    String err = captureErr(() -> EncryptedKeysetFile.write(file, TokenKeyset.generate(),
        TokenKeyset.PURPOSE, PASS, PassphraseKdf.withRandomSalt(), false));
    assertEquals("", err);
  }

  interface Action {
    void run() throws Exception;
  }

  /** Runs with the test switch on; returns what it printed on standard error. */
  static String withSwitch(Action a) throws Exception {
    String before = System.getProperty(KdfProfile.TEST_SWITCH);
    System.setProperty(KdfProfile.TEST_SWITCH, "true");
    try {
      return captureErr(a);
    } finally {
      if (before == null) {
        System.clearProperty(KdfProfile.TEST_SWITCH);
      } else {
        System.setProperty(KdfProfile.TEST_SWITCH, before);
      }
    }
  }

  static String captureErr(Action a) throws Exception {
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      a.run();
    } finally {
      System.setErr(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }
}
