package org.blindmatch.crypto.tokenfile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.blindmatch.crypto.tokenfile.TokenFileHeader.KeyMode;
import org.blindmatch.crypto.tokenfile.TokenFileHeader.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {
  static final byte[] DIGEST = new byte[32];

  static byte[] records(int n, int tiers, long seed) {
    byte[] b = new byte[n * TokenRecord.LENGTH];
    new Random(seed).nextBytes(b);
    for (int i = 0; i < n; i++) {
      b[i * TokenRecord.LENGTH + TokenRecord.TIER_OFFSET] = (byte) (i % tiers);
    }
    return b;
  }

  static Path write(Path file, byte[] recs, int n) throws IOException {
    try (TokenFileWriter w = TokenFileWriter.create(file, false, Role.REPORT, KeyMode.HMAC,
        DIGEST, 0xdeadbeef, new int[] {0, 1})) {
      w.write(recs, 0, n);
      w.finish(n + 5, 5);
    }
    return file;
  }

  @Test
  void roundTrip(@TempDir Path dir) throws Exception {
    int n = 10_001;
    byte[] recs = records(n, 2, 1);
    Path file = write(dir.resolve("t.bmt"), recs, n);
    try (TokenFileReader r = TokenFileReader.open(file)) {
      TokenFileHeader h = r.header();
      assertEquals(Role.REPORT, h.role());
      assertEquals(0xdeadbeef, h.keyId());
      assertEquals(n, h.records());
      assertEquals(5001, h.tiers().get(0).tokens());
      assertEquals(5000, h.tiers().get(1).tokens());
      assertEquals(n + 5, h.rowsRead());
      byte[] back = new byte[recs.length];
      byte[] chunk = new byte[4096 * TokenRecord.LENGTH];
      int got = 0;
      int k;
      while ((k = r.next(chunk, 4096)) > 0) {
        System.arraycopy(chunk, 0, back, got * TokenRecord.LENGTH, k * TokenRecord.LENGTH);
        got += k;
      }
      assertEquals(n, got);
      assertArrayEquals(recs, back);
    }
    try (TokenFileReader r = TokenFileReader.open(file)) {
      assertEquals(n, r.verify());
    }
    byte[] all = Files.readAllBytes(file);
    int headerLength = TokenFileHeader.FIXED_LENGTH + 2 * TokenFileHeader.TIER_ENTRY_LENGTH;
    assertArrayEquals(recs, java.util.Arrays.copyOfRange(all, headerLength,
        headerLength + recs.length));
    assertEquals(headerLength + recs.length + 32, all.length);
  }

  @Test
  void detectsCorruptionTruncationAndForeignFiles(@TempDir Path dir) throws Exception {
    int n = 100;
    Path file = write(dir.resolve("t.bmt"), records(n, 2, 2), n);
    byte[] good = Files.readAllBytes(file);

    byte[] flipped = good.clone();
    flipped[200] ^= 1;
    Path f1 = dir.resolve("flipped");
    Files.write(f1, flipped);
    try (TokenFileReader r = TokenFileReader.open(f1)) {
      TokenFileException e = assertThrows(TokenFileException.class, r::verify);
      assertTrue(e.getMessage().contains("checksum mismatch"));
    }

    Path f2 = dir.resolve("truncated");
    Files.write(f2, java.util.Arrays.copyOf(good, good.length - 1));
    assertTrue(assertThrows(TokenFileException.class, () -> TokenFileReader.open(f2))
        .getMessage().contains("truncated"));

    Path f3 = dir.resolve("foreign");
    Files.writeString(f3, "record_id,ip,timestamp\n".repeat(10));
    assertTrue(assertThrows(TokenFileException.class, () -> TokenFileReader.open(f3))
        .getMessage().contains("bad magic"));

    byte[] headerEdit = good.clone();
    headerEdit[48] ^= 1; // key id
    Path f4 = dir.resolve("header");
    Files.write(f4, headerEdit);
    try (TokenFileReader r = TokenFileReader.open(f4)) {
      assertThrows(TokenFileException.class, r::verify);
    }
  }

  @Test
  void abandonedWriterLeavesNothing(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("t.bmt");
    try (TokenFileWriter w = TokenFileWriter.create(file, false, Role.WATCHLIST, KeyMode.HMAC,
        DIGEST, 1, new int[] {0})) {
      w.write(records(10, 1, 3), 0, 10);
    }
    assertFalse(Files.exists(file));
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count(), "no temporary file is left behind");
    }
  }
}
