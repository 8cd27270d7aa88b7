package org.blindmatch.crypto.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.KeysetHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncryptedKeysetFileTest {
  static final char[] PASS = "correct horse battery staple".toCharArray();

  @Test
  void roundTripsRotationAndPromotionWithoutLeakingKeyMaterial(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("keys.json");
    KeysetHandle keyset = TokenKeyset.generate();
    EncryptedKeysetFile.write(file, keyset, TokenKeyset.PURPOSE, PASS,
        PassphraseKdf.withRandomSalt(), false);
    assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
        Files.getPosixFilePermissions(file));

    KeysetHandle read = EncryptedKeysetFile.read(file, TokenKeyset.PURPOSE, PASS);
    assertEquals(TokenKeyset.describe(keyset), TokenKeyset.describe(read));

    String text = Files.readString(file, StandardCharsets.UTF_8);
    byte[] raw = TokenKeyset.select(read, null).key().getKeyBytes()
        .toByteArray(com.google.crypto.tink.InsecureSecretKeyAccess.get());
    assertFalse(text.contains(HexFormat.of().formatHex(raw)));
    assertFalse(text.contains(java.util.Base64.getEncoder().encodeToString(raw)));

    KeysetHandle rotated = TokenKeyset.addKey(read);
    int newId = TokenKeyset.newestKeyId(rotated);
    assertEquals(TokenKeyset.select(read, null).id(), TokenKeyset.select(rotated, null).id(),
        "a new key is not primary until promoted");
    KeysetHandle promoted = TokenKeyset.promote(rotated, newId);
    assertEquals(newId, TokenKeyset.select(promoted, null).id());
    List<KeyInfo> info = TokenKeyset.describe(promoted);
    assertEquals(2, info.size());
    assertTrue(info.stream().anyMatch(k -> k.id() == newId && k.primary()));
    assertTrue(info.stream().noneMatch(k -> k.toString().contains(HexFormat.of().formatHex(raw))));
  }

  @Test
  void wrongPassphraseAlteredFileAndWrongPurposeAreClearErrors(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("keys.json");
    EncryptedKeysetFile.write(file, TokenKeyset.generate(), TokenKeyset.PURPOSE, PASS,
        PassphraseKdf.withRandomSalt(), false);
    KeysetException wrong = assertThrows(KeysetException.class,
        () -> EncryptedKeysetFile.read(file, TokenKeyset.PURPOSE, "not it at all".toCharArray()));
    assertTrue(wrong.getMessage().contains("wrong passphrase"), wrong.getMessage());

    KeysetException purpose = assertThrows(KeysetException.class,
        () -> EncryptedKeysetFile.read(file, "node-signing", PASS));
    assertTrue(purpose.getMessage().contains("expected \"node-signing\""));

    String text = Files.readString(file);
    Files.writeString(file, text.replace("\"iterations\" : 3", "\"iterations\" : 4"));
    assertThrows(KeysetException.class,
        () -> EncryptedKeysetFile.read(file, TokenKeyset.PURPOSE, PASS));

    assertThrows(java.nio.file.FileAlreadyExistsException.class,
        () -> EncryptedKeysetFile.write(file, TokenKeyset.generate(), TokenKeyset.PURPOSE, PASS,
            PassphraseKdf.withRandomSalt(), false));
  }
}
