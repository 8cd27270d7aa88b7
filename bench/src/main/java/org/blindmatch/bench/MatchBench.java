package org.blindmatch.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.blindmatch.core.match.MatchInput;
import org.blindmatch.core.match.MatchRun;
import org.blindmatch.crypto.tokenfile.TokenRecord;

/**
 * The match join alone, in memory (no store, no network): three report submissions of
 * {@code reports} records each against one watchlist of {@code watch} records over 40 labels,
 * {@code matchPercent} percent of report records sharing a token with the watchlist (the study
 * behind blindmatch saw about 1.5 %; the default 5 % stresses the tally). Baseline measured in
 * the same run: reading every input record once through the same streams (the I/O floor the
 * k-way merge cannot go below). Prints records/s of both and their ratio, median of 5 rounds
 * after 2 warm-up rounds.
 */
final class MatchBench {
  private static final int REPORT_INPUTS = 3;
  private static final int LABELS = 40;
  private static final int ROUNDS = 5;
  private static final int WARMUP = 2;

  private MatchBench() {}

  static void run(int reports, int watch, int matchPercent) throws Exception {
    SplittableRandom random = new SplittableRandom(42);
    byte[][] watchTokens = new byte[watch][];
    byte[] watchlist = new byte[watch * TokenRecord.LENGTH];
    byte[][] labels = new byte[LABELS][16];
    for (byte[] l : labels) {
      random.nextBytes(l);
    }
    for (int i = 0; i < watch; i++) {
      watchTokens[i] = new byte[TokenRecord.TOKEN_LENGTH];
      random.nextBytes(watchTokens[i]);
      record(watchlist, i, watchTokens[i], labels[random.nextInt(LABELS)], 0);
    }
    sort(watchlist);
    List<byte[]> reportData = new ArrayList<>();
    for (int s = 0; s < REPORT_INPUTS; s++) {
      byte[] data = new byte[reports * TokenRecord.LENGTH];
      byte[] handle = new byte[16];
      byte[] token = new byte[TokenRecord.TOKEN_LENGTH];
      for (int i = 0; i < reports; i++) {
        random.nextBytes(handle);
        if (random.nextInt(100) < matchPercent) {
          token = watchTokens[random.nextInt(watch)];
        } else {
          token = new byte[TokenRecord.TOKEN_LENGTH];
          random.nextBytes(token);
        }
        record(data, i, token, handle, 0);
      }
      sort(data);
      reportData.add(data);
    }
    long records = (long) REPORT_INPUTS * reports + watch;
    MatchRun run = new MatchRun();
    double[] matchRates = new double[ROUNDS];
    double[] readRates = new double[ROUNDS];
    long matched = 0;
    for (int round = -WARMUP; round < ROUNDS; round++) {
      long t0 = System.nanoTime();
      long sink = readAll(reportData, watchlist);
      long t1 = System.nanoTime();
      MatchRun.Outcome outcome = run.compute("bench", 3, List.of(new MatchRun.KeyGroup(1,
          inputs(reportData, "platform"), List.of(input(watchlist, "ngo", 0)))));
      long t2 = System.nanoTime();
      matched = outcome.totals().isEmpty() ? 0 : outcome.totals().get(0).getMatchedRecords();
      if (round >= 0) {
        readRates[round] = records / ((t1 - t0) / 1e9);
        matchRates[round] = records / ((t2 - t1) / 1e9);
      }
      if (sink == 42) {
        System.out.print("");
      }
    }
    Arrays.sort(matchRates);
    Arrays.sort(readRates);
    double match = matchRates[ROUNDS / 2];
    double read = readRates[ROUNDS / 2];
    System.out.printf("match: %d report inputs x %,d records, watchlist %,d records, %d%% "
        + "matching (%,d matched records)%n", REPORT_INPUTS, reports, watch, matchPercent,
        matched);
    System.out.printf("  join:     %,.0f records/s (median of %d)%n", match, ROUNDS);
    System.out.printf("  baseline: %,.0f records/s reading the same inputs once%n", read);
    System.out.printf("  ratio:    %.2f of the read-only baseline%n", match / read);
  }

  private static void record(byte[] into, int i, byte[] token, byte[] handle, int tier) {
    int at = i * TokenRecord.LENGTH;
    System.arraycopy(token, 0, into, at + TokenRecord.TOKEN_OFFSET, TokenRecord.TOKEN_LENGTH);
    System.arraycopy(handle, 0, into, at + TokenRecord.HANDLE_OFFSET, 16);
    into[at + TokenRecord.TIER_OFFSET] = (byte) tier;
  }

  private static void sort(byte[] data) {
    int n = data.length / TokenRecord.LENGTH;
    byte[][] recs = new byte[n][];
    for (int i = 0; i < n; i++) {
      recs[i] = Arrays.copyOfRange(data, i * TokenRecord.LENGTH, (i + 1) * TokenRecord.LENGTH);
    }
    Arrays.sort(recs, Arrays::compareUnsigned);
    for (int i = 0; i < n; i++) {
      System.arraycopy(recs[i], 0, data, i * TokenRecord.LENGTH, TokenRecord.LENGTH);
    }
  }

  private static List<MatchInput> inputs(List<byte[]> data, String who) {
    List<MatchInput> out = new ArrayList<>();
    for (int i = 0; i < data.size(); i++) {
      out.add(input(data.get(i), who, i));
    }
    return out;
  }

  private static MatchInput input(byte[] data, String who, int i) {
    return new MatchInput("s" + i, "blindmatch://bench/" + who + "/" + who + i,
        () -> new ByteArrayInputStream(data));
  }

  private static long readAll(List<byte[]> reports, byte[] watchlist) throws IOException {
    long sink = 0;
    byte[] r = new byte[TokenRecord.LENGTH];
    List<byte[]> all = new ArrayList<>(reports);
    all.add(watchlist);
    for (byte[] data : all) {
      try (InputStream in = new BufferedInputStream(new ByteArrayInputStream(data), 1 << 16)) {
        while (in.readNBytes(r, 0, r.length) == r.length) {
          sink += r[0] ^ r[TokenRecord.TIER_OFFSET];
        }
      }
    }
    return sink;
  }
}
