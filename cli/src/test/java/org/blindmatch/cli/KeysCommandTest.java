package org.blindmatch.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.prf.HmacPrfKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.blindmatch.cli.Cli.Result;
import org.blindmatch.cli.Cli.TokenFile;
import org.blindmatch.crypto.keys.EncryptedKeysetFile;
import org.blindmatch.crypto.keys.TokenKeyset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code blindmatch keys new|rotate|show} and their effect on tokenize. */
class KeysCommandTest {
  @TempDir static Path dir;
  static Path pass;
  static Path keyset;
  static Result created;
  static String firstId;
  static Path reportsCsv;
  static TokenFile firstTokens;

  @TempDir Path work;

  @BeforeAll
  static void createKeysetAndTokenize() throws Exception {
    pass = Cli.passphraseFile(dir);
    keyset = dir.resolve("keys.json");
    created = Cli.run("keys", "new", "--out", keyset.toString(), "--passphrase-file",
        pass.toString()).ok();
    firstId = Cli.keyIds(created.out(), true).get(0);
    reportsCsv = Cli.write(dir.resolve("reports.csv"), """
        record_id,ip,timestamp
        R-1,45.77.12.9,2026-03-01T10:00:00Z
        R-2,[2a02:6b8::1]:443,2026-03-01T11:00:00Z
        R-3,89.160.20.1,2026-03-02T00:00:00+01:00
        """);
    firstTokens = tokenize(keyset, dir.resolve("first.bmt"));
  }

  static TokenFile tokenize(Path keysetFile, Path out, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("tokenize", "--reports", reportsCsv.toString(),
        "--scope", Cli.example("scope.yaml").toString(), "--keyset", keysetFile.toString(),
        "--passphrase-file", pass.toString(), "--out", out.toString(), "--no-progress"));
    args.addAll(List.of(extra));
    Cli.run(args.toArray(String[]::new)).ok();
    return Cli.readTokens(out);
  }

  static Path copyOfKeyset(Path target) throws IOException {
    return Files.copy(keyset, target);
  }

  static void assertSameTokens(TokenFile a, TokenFile b) {
    assertEquals(a.sortedTokens(0), b.sortedTokens(0));
    assertEquals(a.sortedTokens(1), b.sortedTokens(1));
  }

  @Test
  void newCreatesOneEnabledPrimaryKey() throws Exception {
    assertEquals(List.of(firstId), Cli.keyIds(created.out(), false));
    assertTrue(created.out().contains("(1 key)"), created.out());
    assertTrue(created.out().contains("ENABLED"), created.out());
    assertEquals(firstId, Integer.toUnsignedString(firstTokens.header().keyId()));
    assertEquals(6, firstTokens.header().records());
  }

  @Test
  void rotateAddsAKeyThenPromoteSwitchesTokens() throws Exception {
    Path ks = copyOfKeyset(work.resolve("keys.json"));

    Result added = Cli.run("keys", "rotate", "--keyset", ks.toString(), "--passphrase-file",
        pass.toString()).ok();
    List<String> ids = Cli.keyIds(added.out(), false);
    assertEquals(2, ids.size(), added.out());
    assertEquals(List.of(firstId), Cli.keyIds(added.out(), true), "primary unchanged");
    String newId = ids.stream().filter(id -> !id.equals(firstId)).findFirst().orElseThrow();
    assertTrue(added.out().contains("added key " + newId), added.out());

    // the new key is not used yet
    TokenFile afterAdd = tokenize(ks, work.resolve("after-add.bmt"));
    assertEquals(firstId, Integer.toUnsignedString(afterAdd.header().keyId()));
    assertSameTokens(firstTokens, afterAdd);

    Result promoted = Cli.run("keys", "rotate", "--keyset", ks.toString(), "--promote", newId,
        "--passphrase-file", pass.toString()).ok();
    assertTrue(promoted.out().contains("key " + newId + " is now primary"), promoted.out());
    assertEquals(List.of(newId), Cli.keyIds(promoted.out(), true));
    assertEquals(2, Cli.keyIds(promoted.out(), false).size());

    TokenFile afterPromote = tokenize(ks, work.resolve("after-promote.bmt"));
    assertEquals(newId, Integer.toUnsignedString(afterPromote.header().keyId()));
    assertEquals(firstTokens.header().records(), afterPromote.header().records());
    Set<String> old = new HashSet<>(firstTokens.sortedTokens(0));
    old.addAll(firstTokens.sortedTokens(1));
    assertTrue(afterPromote.records().stream().noneMatch(r -> old.contains(r.token())),
        "tokens under the new primary must differ from the old ones");

    // the old key remains usable by id, reproducing the old tokens
    TokenFile oldAgain = tokenize(ks, work.resolve("old-key.bmt"), "--key-id", firstId);
    assertEquals(firstId, Integer.toUnsignedString(oldAgain.header().keyId()));
    assertSameTokens(firstTokens, oldAgain);
  }

  @Test
  void noCommandPrintsKeyMaterial() throws Exception {
    Path ks = copyOfKeyset(work.resolve("keys.json"));
    Result rotated = Cli.run("keys", "rotate", "--keyset", ks.toString(), "--passphrase-file",
        pass.toString()).ok();
    Result shown = Cli.run("keys", "show", "--keyset", ks.toString(), "--passphrase-file",
        pass.toString()).ok();
    assertEquals(2, Cli.keyIds(shown.out(), false).size(), shown.out());

    KeysetHandle handle = EncryptedKeysetFile.read(ks, TokenKeyset.PURPOSE,
        Cli.PASSPHRASE.toCharArray());
    List<byte[]> material = new ArrayList<>();
    material.add(TokenKeyset.select(handle, null).key().getKeyBytes()
        .toByteArray(InsecureSecretKeyAccess.get()));
    for (int i = 0; i < handle.size(); i++) {
      material.add(((HmacPrfKey) handle.getAt(i).getKey()).getKeyBytes()
          .toByteArray(InsecureSecretKeyAccess.get()));
    }
    String outputs = created.all() + rotated.all() + shown.all();
    byte[] fileBytes = Files.readAllBytes(ks);
    String fileText = new String(fileBytes, StandardCharsets.ISO_8859_1);
    for (byte[] key : material) {
      assertEquals(32, key.length);
      List<String> encodings = List.of(
          HexFormat.of().formatHex(key),
          HexFormat.of().withUpperCase().formatHex(key),
          Base64.getEncoder().encodeToString(key),
          Base64.getEncoder().withoutPadding().encodeToString(key),
          Base64.getUrlEncoder().withoutPadding().encodeToString(key));
      for (String e : encodings) {
        // a 16-character piece is enough to leak: check every window, not only the whole
        for (int i = 0; i + 16 <= e.length(); i += 8) {
          String piece = e.substring(i, i + 16);
          assertFalse(outputs.contains(piece), "output contains key material " + piece);
          assertFalse(fileText.contains(piece), "keyset file contains key material");
        }
      }
      assertFalse(Cli.containsBytes(fileBytes, key), "keyset file holds the raw key");
    }
  }

  @Test
  void promoteUnknownKeyFailsAndLeavesTheFile() throws Exception {
    Path ks = copyOfKeyset(work.resolve("keys.json"));
    byte[] before = Files.readAllBytes(ks);
    Result r = Cli.run("keys", "rotate", "--keyset", ks.toString(), "--promote", "12345",
        "--passphrase-file", pass.toString()).expect(1);
    assertTrue(r.err().contains("no key with id 12345"), r.err());
    assertArrayEquals(before, Files.readAllBytes(ks));
    assertEquals(List.of(ks), Cli.list(work));
    Result bad = Cli.run("keys", "rotate", "--keyset", ks.toString(), "--promote", "-1",
        "--passphrase-file", pass.toString()).expect(1);
    assertTrue(bad.err().contains("not an unsigned 32-bit number"), bad.err());
    assertArrayEquals(before, Files.readAllBytes(ks));
  }

  @Test
  void tokenizeWithUnknownKeyIdFails() {
    Path out = work.resolve("t.bmt");
    Result r = Cli.run("tokenize", "--reports", reportsCsv.toString(),
        "--scope", Cli.example("scope.yaml").toString(), "--keyset", keyset.toString(),
        "--passphrase-file", pass.toString(), "--out", out.toString(), "--key-id", "7");
    r.expect(1);
    assertTrue(r.err().contains("no key with id 7"), r.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void wrongPassphraseIsRejected() throws IOException {
    Path wrong = Cli.write(work.resolve("wrong.txt"), "this is not it at all\n");
    Result r = Cli.run("keys", "show", "--keyset", keyset.toString(), "--passphrase-file",
        wrong.toString()).expect(1);
    assertTrue(r.err().contains("wrong passphrase"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void newRefusesAShortPassphrase() throws IOException {
    Path shortPass = Cli.write(work.resolve("short.txt"), "short\n");
    Path out = work.resolve("k.json");
    Result r = Cli.run("keys", "new", "--out", out.toString(), "--passphrase-file",
        shortPass.toString()).expect(1);
    assertTrue(r.err().contains("too short"), r.err());
    assertEquals(List.of(shortPass), Cli.list(work));
  }

  @Test
  void newDoesNotReplaceAnExistingKeysetWithoutForce() throws IOException {
    Path ks = copyOfKeyset(work.resolve("keys.json"));
    byte[] before = Files.readAllBytes(ks);
    Result r = Cli.run("keys", "new", "--out", ks.toString(), "--passphrase-file",
        pass.toString()).expect(1);
    assertTrue(r.err().contains("already exists"), r.err());
    assertArrayEquals(before, Files.readAllBytes(ks));
    assertEquals(List.of(ks), Cli.list(work));
  }

  @Test
  void missingKeysetIsReported() {
    Path missing = work.resolve("none.json");
    Result r = Cli.run("keys", "show", "--keyset", missing.toString(), "--passphrase-file",
        pass.toString()).expect(1);
    assertTrue(r.err().contains(missing + ": no such keyset file"), r.err());
  }

  @Test
  void usageErrorsExitWith2() {
    assertEquals(2, Cli.run("keys", "show").status(), "--keyset is required");
    assertEquals(2, Cli.run("keys", "shred", "--keyset", keyset.toString()).status());
    assertEquals(2, Cli.run("keys", "new").status(), "--out is required");
  }
}
