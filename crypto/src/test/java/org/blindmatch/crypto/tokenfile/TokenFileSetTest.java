package org.blindmatch.crypto.tokenfile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.blindmatch.crypto.tokenfile.TokenFileHeader.KeyMode;
import org.blindmatch.crypto.tokenfile.TokenFileHeader.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileSetTest {
  private static final byte[] DIGEST = new byte[32];

  @TempDir Path dir;

  private static byte[] records(int n, long seed) {
    byte[] r = new byte[n * TokenRecord.LENGTH];
    new Random(seed).nextBytes(r);
    for (int i = 0; i < n; i++) {
      r[i * TokenRecord.LENGTH + TokenRecord.TIER_OFFSET] = (byte) (i % 2);
    }
    return r;
  }

  private static TokenFileHeader write(Path file, byte[] recs, long read, long skipped,
      int keyId) throws Exception {
    try (TokenFileWriter w = TokenFileWriter.create(file, false, Role.REPORT, KeyMode.HMAC,
        DIGEST, keyId, new int[] {0, 1})) {
      w.write(recs, 0, recs.length / TokenRecord.LENGTH);
      return w.finish(read, skipped);
    }
  }

  private static byte[] sortedBytes(SortedRecords s) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    s.writeTo(out);
    return out.toByteArray();
  }

  private Path parts(byte[] a, byte[] b) throws Exception {
    Path set = Files.createDirectories(dir.resolve("tokens"));
    write(set.resolve("part-00000.bmt"), a, 10, 1, 7);
    write(set.resolve("part-00001.bmt"), b, 20, 2, 7);
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("part-00000.bmt", (long) a.length / TokenRecord.LENGTH);
    m.put("part-00001.bmt", (long) b.length / TokenRecord.LENGTH);
    Files.writeString(set.resolve(TokenFileSet.MANIFEST), TokenFileSet.manifest(m));
    return set;
  }

  @Test
  void setEqualsOneFileWithAllRecords() throws Exception {
    byte[] a = records(300, 1);
    byte[] b = records(500, 2);
    Path set = parts(a, b);
    byte[] all = new byte[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    TokenFileHeader single = write(dir.resolve("all.bmt"), all, 30, 3, 7);

    TokenFileSet opened = TokenFileSet.open(set);
    assertTrue(TokenFileSet.isSet(set));
    assertEquals(single, opened.header());
    try (SortedRecords x = SortedRecords.sort(opened.parts(), dir, 64);
        SortedRecords y = SortedRecords.sort(dir.resolve("all.bmt"), dir, 1000)) {
      assertEquals(800, x.records());
      assertArrayEquals(sortedBytes(y), sortedBytes(x));
    }
  }

  @Test
  void refusesMissingStrayMiscountedAndMixedParts() throws Exception {
    Path set = parts(records(3, 1), records(4, 2));
    Files.copy(set.resolve("part-00001.bmt"), dir.resolve("saved.bmt"));
    Files.delete(set.resolve("part-00001.bmt"));
    assertEquals(set + ": part part-00001.bmt is listed in MANIFEST but missing",
        assertThrows(TokenFileException.class, () -> TokenFileSet.open(set)).getMessage());

    Files.copy(dir.resolve("saved.bmt"), set.resolve("part-00001.bmt"));
    Files.copy(dir.resolve("saved.bmt"), set.resolve("part-00002.bmt"));
    assertTrue(assertThrows(TokenFileException.class, () -> TokenFileSet.open(set))
        .getMessage().contains("part-00002.bmt is not listed in MANIFEST"));
    Files.delete(set.resolve("part-00002.bmt"));

    write(set.resolve("part-00001.bmt.tmp"), records(4, 2), 0, 0, 8);
    Files.delete(set.resolve("part-00001.bmt"));
    Files.move(set.resolve("part-00001.bmt.tmp"), set.resolve("part-00001.bmt"));
    assertTrue(assertThrows(TokenFileException.class, () -> TokenFileSet.open(set))
        .getMessage().contains("differ from the other parts"));

    Files.writeString(set.resolve(TokenFileSet.MANIFEST),
        TokenFileSet.MAGIC + "\npart-00000.bmt 5\n");
    Files.delete(set.resolve("part-00001.bmt"));
    assertTrue(assertThrows(TokenFileException.class, () -> TokenFileSet.open(set))
        .getMessage().contains("holds 3 records, MANIFEST says 5"));
    Files.writeString(set.resolve(TokenFileSet.MANIFEST), "something else\n");
    assertTrue(assertThrows(TokenFileException.class, () -> TokenFileSet.open(set))
        .getMessage().endsWith("MANIFEST:1: expected \"" + TokenFileSet.MAGIC + "\""));
    assertThrows(TokenFileException.class, () -> TokenFileSet.open(dir.resolve("nothing")));
  }
}
