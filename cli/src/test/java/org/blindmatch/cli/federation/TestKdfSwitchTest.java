package org.blindmatch.cli.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.blindmatch.cli.BlindmatchCli;
import org.blindmatch.crypto.keys.KdfProfile;
import org.blindmatch.testing.Await;
import org.blindmatch.testing.ChildJvms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test KDF profile as a user would meet it: a command that writes a key under the
 * test-only switch says so on stderr, and a server whose keys were written so refuses to start
 * where the switch is not set, naming the key file; nothing starts listening.
 */
class TestKdfSwitchTest {
  private static final String OFF = "-D" + KdfProfile.TEST_SWITCH + "=false";

  @TempDir Path dir;

  @Test
  void aServerOnTestKdfKeysRefusesToStartWithoutTheSwitch() throws Exception {
    assertTrue(KdfProfile.testProfile(), "the cli tests run with the test KDF switch on");
    TestFederation fed = new TestFederation(dir, 1, false);
    try (ChildJvms jvms = new ChildJvms(dir)) {
      Process server = jvms.start("serve.log", List.of("-Xmx256m", OFF),
          BlindmatchCli.class.getName(),
          List.of("serve", "clearinghouse", "--config", fed.config.toString()));
      Await.exit(server, "serve on test-KDF keys without the switch");
      String log = jvms.log("serve.log");
      assertEquals(1, server.exitValue(), log);
      // The first key it reads (the signing keyset or the TLS key) is refused, by name.
      assertTrue(log.matches("(?s).*" + java.util.regex.Pattern.quote(dir.resolve("pki")
          + "/clearinghouse.") + "(signing\\.json|key): protected with test-only KDF "
          + "parameters.*"), log);
      assertFalse(log.contains("listening on port"), log);
      assertFalse(log.contains("\tat "), log);
    }
  }

  @Test
  void writingAKeyUnderTheSwitchSaysSoOnStderr() throws Exception {
    Path pass = Files.writeString(dir.resolve("pass.txt"), "correct horse battery staple\n");
    Path keyset = dir.resolve("k.json");
    try (ChildJvms jvms = new ChildJvms(dir)) {
      Process keys = jvms.start("keys.log", List.of("-Xmx256m"), BlindmatchCli.class.getName(),
          List.of("keys", "new", "--out", keyset.toString(), "--passphrase-file",
              pass.toString()));
      Await.exit(keys, "keys new");
      String log = jvms.log("keys.log");
      assertEquals(0, keys.exitValue(), log);
      assertTrue(log.contains("WARNING: " + keyset + " is protected with TEST-ONLY KDF"), log);

      // Where the switch is off the same keyset is refused, naming the file.
      Process list = jvms.start("list.log", List.of("-Xmx256m", OFF),
          BlindmatchCli.class.getName(), List.of("keys", "show", "--keyset",
              keyset.toString(), "--passphrase-file", pass.toString()));
      Await.exit(list, "keys show without the switch");
      String listLog = jvms.log("list.log");
      assertEquals(1, list.exitValue(), listLog);
      assertTrue(listLog.contains(keyset + ": protected with test-only KDF"), listLog);
    }
  }
}
