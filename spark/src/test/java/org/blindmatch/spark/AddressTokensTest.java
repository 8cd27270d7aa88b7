package org.blindmatch.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.scope.ScopeLoader;
import org.blindmatch.crypto.token.OprfTokenDeriver;
import org.blindmatch.crypto.token.OprfTokenEncoding;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.junit.jupiter.api.Test;

/**
 * The keyholder stage's per-task core against a stand-in OPRF (SHA-256 of the input): every
 * row's records equal {@link OprfTokenDeriver}'s, each distinct address of grouped rows is
 * evaluated once whatever the batch size and requests in flight, a hot address beyond
 * {@link AddressTokens#MAX_WAITING} rows streams through, and ungrouped rows still get the
 * right tokens.
 */
class AddressTokensTest {
  private static final Scope SCOPE;

  static {
    try {
      SCOPE = ScopeLoader.parse(TestData.SCOPE, "scope.yaml", false);
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private record AddressRow(int bits, byte[] masked, int tier, long first, long last,
      byte[] handle) {}

  private static byte[] fakeOprf(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<AddressRow> rows(int n, int addresses, long seed) {
    Random r = new Random(seed);
    List<AddressRow> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int a = r.nextInt(addresses);
      byte[] masked = a % 3 == 0 ? new byte[16] : new byte[4];
      masked[0] = 45;
      masked[1] = (byte) (a >> 8);
      masked[2] = (byte) a;
      int tier = r.nextInt(3);
      byte[] handle = new byte[16];
      r.nextBytes(handle);
      long first = r.nextInt(1000);
      rows.add(new AddressRow(masked.length == 4 ? 32 : 64, masked, tier, first,
          first + r.nextInt(3), handle));
    }
    return rows;
  }

  private static byte[] expected(List<AddressRow> rows) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (AddressRow row : rows) {
      byte[] s = fakeOprf(OprfTokenEncoding.address(SCOPE.digest(), row.bits(),
          AddressTokens.address(row.masked())));
      OprfTokenDeriver d = new OprfTokenDeriver(s);
      for (long b = row.first(); b <= row.last(); b++) {
        out.writeBytes(d.token(row.tier(), SCOPE.tier(row.tier()).bucketWidth().seconds(), b));
        out.writeBytes(row.handle());
        out.write(row.tier());
      }
    }
    return sorted(out.toByteArray());
  }

  private static byte[] sorted(byte[] records) {
    List<byte[]> list = new ArrayList<>();
    for (int i = 0; i < records.length; i += TokenRecord.LENGTH) {
      list.add(Arrays.copyOfRange(records, i, i + TokenRecord.LENGTH));
    }
    list.sort(Arrays::compareUnsigned);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    list.forEach(out::writeBytes);
    return out.toByteArray();
  }

  private static long run(List<AddressRow> rows, int batch, int inFlight, byte[][] result,
      AtomicInteger calls) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (AddressTokens t = new AddressTokens(SCOPE, inputs -> {
      calls.incrementAndGet();
      assertTrue(inputs.size() <= batch, "batch size " + inputs.size());
      return inputs.stream().map(AddressTokensTest::fakeOprf).toList();
    }, batch, inFlight, (b, off, n) -> out.write(b, off, n * TokenRecord.LENGTH))) {
      for (AddressRow r : rows) {
        t.add(r.bits(), r.masked(), r.tier(), r.first(), r.last(), r.handle());
      }
      t.finish();
      result[0] = sorted(out.toByteArray());
      return t.evaluated();
    }
  }

  private static final Comparator<AddressRow> GROUPED = Comparator
      .comparingInt(AddressRow::bits).thenComparing(AddressRow::masked, Arrays::compareUnsigned);

  @Test
  void groupedRowsEvaluateEachAddressOnceAndMatchTheDeriver() throws IOException {
    List<AddressRow> rows = new ArrayList<>(rows(5_000, 700, 1));
    rows.sort(GROUPED);
    long distinct = rows.stream().map(r -> r.bits() + "/" + Arrays.toString(r.masked()))
        .distinct().count();
    byte[] want = expected(rows);
    for (int[] c : new int[][] {{1, 1}, {7, 1}, {7, 3}, {4096, 2}}) {
      byte[][] got = new byte[1][];
      AtomicInteger calls = new AtomicInteger();
      assertEquals(distinct, run(rows, c[0], c[1], got, calls), "batch " + c[0]);
      assertArrayEquals(want, got[0], "batch " + c[0] + ", in flight " + c[1]);
      assertEquals((distinct + c[0] - 1) / c[0], calls.get(), "full batches");
    }
  }

  @Test
  void aHotAddressStreamsThroughAfterOneEvaluation() throws IOException {
    List<AddressRow> rows = new ArrayList<>(rows(200, 50, 2));
    byte[] hot = {45, 1, 2, 3};
    for (int i = 0; i < AddressTokens.MAX_WAITING + 5_000; i++) {
      rows.add(new AddressRow(32, hot, i % 3, i, i, new byte[16]));
    }
    rows.sort(GROUPED);
    byte[][] got = new byte[1][];
    AtomicInteger calls = new AtomicInteger();
    long evaluated = run(rows, 16, 2, got, calls);
    assertArrayEquals(expected(rows), got[0]);
    long distinct = rows.stream().map(r -> Arrays.toString(r.masked())).distinct().count();
    assertEquals(distinct, evaluated, "the hot address once");
  }

  @Test
  void ungroupedRowsStillGetTheRightTokens() throws IOException {
    List<AddressRow> rows = rows(2_000, 100, 3);
    byte[][] got = new byte[1][];
    run(rows, 5, 2, got, new AtomicInteger());
    assertArrayEquals(expected(rows), got[0]);
  }

  @Test
  void anEvaluationFailureIsThrown() {
    List<AddressRow> rows = rows(100, 10, 4);
    IOException e = assertThrows(IOException.class, () -> {
      try (AddressTokens t = new AddressTokens(SCOPE, inputs -> {
        throw new IOException("keyholder 1 (…): UNAVAILABLE");
      }, 4, 2, (b, off, n) -> { })) {
        for (AddressRow r : rows) {
          t.add(r.bits(), r.masked(), r.tier(), r.first(), r.last(), r.handle());
        }
        t.finish();
      }
    });
    assertTrue(e.getMessage().contains("UNAVAILABLE"), e.getMessage());
  }
}
