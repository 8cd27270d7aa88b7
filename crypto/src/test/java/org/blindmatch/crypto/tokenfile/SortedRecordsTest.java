package org.blindmatch.crypto.tokenfile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.blindmatch.crypto.tokenfile.TokenFileHeader.KeyMode;
import org.blindmatch.crypto.tokenfile.TokenFileHeader.Role;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SortedRecordsTest {
  /**
   * Random records with shared prefixes (ties beyond the 40-bit sort key), duplicates, and
   * high first bytes (the sign bit of the packed key), sorted in memory or via spilled runs,
   * equal a plain sort by unsigned bytes.
   */
  @ParameterizedTest
  @CsvSource({"1000, 1048576", "1000, 7", "25000, 4096", "1, 1", "0, 16"})
  void sortsLikeUnsignedByteOrder(int n, int runRecords, @TempDir Path dir) throws Exception {
    Random rnd = new Random(n * 31L + runRecords);
    byte[] recs = new byte[n * TokenRecord.LENGTH];
    rnd.nextBytes(recs);
    for (int i = 0; i < n; i++) {
      int o = i * TokenRecord.LENGTH;
      if (i % 5 == 0 && i > 0) { // same first 7 bytes as the previous record
        System.arraycopy(recs, o - TokenRecord.LENGTH, recs, o, 7);
      }
      if (i % 11 == 0 && i > 0) { // exact duplicate
        System.arraycopy(recs, o - TokenRecord.LENGTH, recs, o, TokenRecord.LENGTH);
      }
      recs[o + TokenRecord.TIER_OFFSET] = 0;
    }
    Path file = dir.resolve("t.bmt");
    try (TokenFileWriter w = TokenFileWriter.create(file, false, Role.REPORT, KeyMode.HMAC,
        new byte[32], 1, new int[] {0})) {
      w.write(recs, 0, n);
      w.finish(n, 0);
    }
    List<byte[]> expected = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      expected.add(Arrays.copyOfRange(recs, i * TokenRecord.LENGTH, (i + 1) * TokenRecord.LENGTH));
    }
    expected.sort(Arrays::compareUnsigned);
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    try (SortedRecords sorted = SortedRecords.sort(file, dir, runRecords)) {
      assertEquals(n, sorted.records());
      sorted.writeTo(got);
    }
    ByteArrayOutputStream want = new ByteArrayOutputStream();
    for (byte[] r : expected) {
      want.write(r);
    }
    assertArrayEquals(want.toByteArray(), got.toByteArray());
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "spilled runs are deleted on close");
    }
  }
}
