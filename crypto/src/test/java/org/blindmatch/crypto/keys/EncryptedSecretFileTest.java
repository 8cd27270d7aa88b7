package org.blindmatch.crypto.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncryptedSecretFileTest {
  @Test
  void roundTripsAndRefusesWrongPassphrasePurposeAndTampering(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("share.json");
    byte[] secret = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
    char[] pass = "a long enough passphrase".toCharArray();
    EncryptedSecretFile.write(file, secret, "oprf-share", pass, PassphraseKdf.withRandomSalt(),
        false);
    String text = Files.readString(file);
    assertFalse(text.contains("00112233445566778899aabbccddeeff"));
    assertArrayEquals(secret, EncryptedSecretFile.read(file, "oprf-share", pass));
    assertTrue(assertThrows(KeysetException.class,
        () -> EncryptedSecretFile.read(file, "oprf-share", "wrong passphrase!!".toCharArray()))
        .getMessage().contains("wrong passphrase"));
    assertThrows(KeysetException.class, () -> EncryptedSecretFile.read(file, "other", pass));
    Files.writeString(file, text.replace("\"oprf-share\"", "\"other\""));
    assertThrows(KeysetException.class, () -> EncryptedSecretFile.read(file, "other", pass));
    assertThrows(KeysetException.class,
        () -> EncryptedKeysetFile.read(file, "other", pass), "not a keyset file");
  }
}
