package org.blindmatch.client.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.blindmatch.crypto.tokenfile.TokenFileHeader.KeyMode;
import org.blindmatch.crypto.tokenfile.TokenFileHeader.Role;
import org.blindmatch.crypto.tokenfile.TokenFileWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TokenProvenance}: round trip, and every way outputs stop being reusable. */
class TokenProvenanceTest {
  @TempDir Path dir;
  private Path input;
  private Path tokens;
  private Path mapping;
  private final byte[] scope = new byte[32];

  @BeforeEach
  void outputs() throws Exception {
    input = Files.writeString(dir.resolve("in.csv"), "record_id,ip,timestamp\n");
    tokens = dir.resolve("in.bmt");
    mapping = dir.resolve("in.bmt.map.csv");
    scope[0] = 7;
    try (TokenFileWriter w = TokenFileWriter.create(tokens, false, Role.REPORT, KeyMode.HMAC,
        scope, 42, new int[] {0})) {
      byte[] record = new byte[33];
      record[0] = 1;
      w.write(record, 0, 1);
      w.finish(1, 0);
    }
    Files.writeString(mapping, "handle,record_id\n00,A\n");
    TokenProvenance.describe(TokenProvenance.sha256(input), tokens, mapping)
        .write(TokenProvenance.fileOf(tokens), false);
  }

  private TokenProvenance.Source source(Role role, byte[] in, int keyId) {
    return new TokenProvenance.Source(role, in, scope, KeyMode.HMAC, keyId);
  }

  private TokenProvenance.Source same() throws Exception {
    return source(Role.REPORT, TokenProvenance.sha256(input), 42);
  }

  @Test
  void roundTrip() throws Exception {
    TokenProvenance p = TokenProvenance.read(TokenProvenance.fileOf(tokens));
    assertEquals(Role.REPORT, p.role());
    assertEquals(42, p.keyId());
    assertArrayEquals(scope, p.scopeDigest());
    assertArrayEquals(TokenProvenance.sha256(mapping), p.mappingSha256());
  }

  @Test
  void sameInputScopeAndKeyIsReusable() throws Exception {
    assertTrue(TokenProvenance.reusable(same(), tokens, mapping));
  }

  @Test
  void noOutputsMeansAFreshRun() throws Exception {
    Path other = dir.resolve("other.bmt");
    assertFalse(TokenProvenance.reusable(same(), other, Path.of(other + ".map.csv")));
  }

  @Test
  void anotherInputKeyOrRoleIsRefusedNamingTheFiles() throws Exception {
    byte[] otherInput = new byte[32];
    for (TokenProvenance.Source s : new TokenProvenance.Source[] {
        source(Role.REPORT, otherInput, 42), source(Role.REPORT, TokenProvenance.sha256(input),
            43), source(Role.WATCHLIST, TokenProvenance.sha256(input), 42)}) {
      InputException e = assertThrows(InputException.class,
          () -> TokenProvenance.reusable(s, tokens, mapping));
      assertTrue(e.getMessage().contains(tokens.toString())
          && e.getMessage().contains(mapping.toString())
          && e.getMessage().contains("--force"), e.getMessage());
    }
  }

  @Test
  void aChangedOrMissingFileIsRefused() throws Exception {
    Files.writeString(mapping, "handle,record_id\n00,B\n");
    assertTrue(assertThrows(InputException.class,
        () -> TokenProvenance.reusable(same(), tokens, mapping)).getMessage()
        .contains("changed since"));
    Files.delete(TokenProvenance.fileOf(tokens));
    assertTrue(assertThrows(InputException.class,
        () -> TokenProvenance.reusable(same(), tokens, mapping)).getMessage()
        .contains("does not"));
  }

  @Test
  void aMalformedProvenanceIsNamed() throws Exception {
    Files.writeString(TokenProvenance.fileOf(tokens), "something else\n");
    InputException e = assertThrows(InputException.class,
        () -> TokenProvenance.reusable(same(), tokens, mapping));
    assertTrue(e.getMessage().contains(TokenProvenance.fileOf(tokens).toString()),
        e.getMessage());
  }
}
