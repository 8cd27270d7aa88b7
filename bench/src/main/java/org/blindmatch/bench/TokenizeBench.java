package org.blindmatch.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.SplittableRandom;
import org.blindmatch.cli.BlindmatchCli;
import org.blindmatch.client.csv.CsvReader;
import org.blindmatch.client.csv.InputFiles;

/**
 * End-to-end {@code blindmatch tokenize --reports} on a generated report CSV, through the CLI
 * entry point (scope and keyset loading included), against the rows/s of merely reading and
 * splitting the same CSV, measured in the same run. Prints rows/s, the ratio and the heap.
 */
final class TokenizeBench {
  private TokenizeBench() {}

  static void run(long rows, Path dir) throws Exception {
    Files.createDirectories(dir);
    Path csv = dir.resolve("reports-" + rows + ".csv");
    if (!Files.exists(csv)) {
      long t0 = System.nanoTime();
      generate(csv, rows);
      System.out.printf("generated %s (%,d rows, %,d MiB) in %.1f s%n", csv, rows,
          Files.size(csv) >> 20, (System.nanoTime() - t0) / 1e9);
    }
    Path scope = dir.resolve("scope.yaml");
    Files.writeString(scope, """
        scope: bench
        tiers:
          - name: ip+hour
            bucket_width: 1h
            watchlist_tolerance: 30m
          - name: ip-only
            bucket_width: none
        """);
    Path pass = dir.resolve("passphrase");
    Files.writeString(pass, "benchmark passphrase only\n");
    Path keys = dir.resolve("keys.json");
    if (!Files.exists(keys)) {
      cli("keys", "new", "--out", keys.toString(), "--passphrase-file", pass.toString());
    }

    long b0 = System.nanoTime();
    long baselineRows = readOnly(csv);
    double baselineRate = baselineRows / ((System.nanoTime() - b0) / 1e9);

    Path out = dir.resolve("reports.bmt");
    long t0 = System.nanoTime();
    cli("tokenize", "--reports", csv.toString(), "--scope", scope.toString(), "--keyset",
        keys.toString(), "--passphrase-file", pass.toString(), "--out", out.toString(),
        "--force", "--no-progress");
    double seconds = (System.nanoTime() - t0) / 1e9;
    double rate = rows / seconds;
    Runtime rt = Runtime.getRuntime();
    System.out.printf("RESULT tokenize: %,d rows in %.1f s = %,.0f rows/s end to end "
            + "(2 tiers, %,d MiB token file); baseline CSV read+split only %,.0f rows/s; "
            + "ratio %.2f of baseline; max heap %d MiB; %d cores (target >= 1,000,000 rows/s)%n",
        rows, seconds, rate, Files.size(out) >> 20, baselineRate, rate / baselineRate,
        rt.maxMemory() >> 20, rt.availableProcessors());
    Files.deleteIfExists(out);
    Files.deleteIfExists(Path.of(out + ".map.csv"));
  }

  private static void cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = BlindmatchCli.execute(args, new PrintWriter(out), new PrintWriter(err));
    if (status != 0) {
      throw new IllegalStateException("blindmatch " + String.join(" ", args) + " failed: "
          + err);
    }
  }

  private static long readOnly(Path csv) throws Exception {
    long n = 0;
    try (CsvReader r = new CsvReader(InputFiles.open(csv).stream(), csv.toString())) {
      while (r.next()) {
        n += r.fieldCount();
      }
    }
    return n / 3 - 1;
  }

  /** Deterministic synthetic reports: 85% IPv4, 14% IPv6, 1% private; 1-4 events a record. */
  static void generate(Path csv, long rows) throws IOException {
    SplittableRandom rnd = new SplittableRandom(20261125);
    long base = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();
    try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(csv), 1 << 20)) {
      o.write("record_id,ip,timestamp\n".getBytes(StandardCharsets.US_ASCII));
      StringBuilder sb = new StringBuilder(128);
      long record = 0;
      int left = 0;
      for (long i = 0; i < rows; i++) {
        if (left == 0) {
          record++;
          left = 1 + rnd.nextInt(4);
        }
        left--;
        sb.setLength(0);
        sb.append("R-").append(record).append(',');
        int kind = rnd.nextInt(100);
        if (kind < 85) {
          int a = 1 + rnd.nextInt(222);
          if (a == 10 || a == 100 || a == 127 || a == 169 || a == 172 || a == 192
              || a == 198 || a == 203) {
            a = 45;
          }
          sb.append(a).append('.').append(rnd.nextInt(256)).append('.')
              .append(rnd.nextInt(256)).append('.').append(rnd.nextInt(256));
        } else if (kind < 99) {
          sb.append("2a0").append(rnd.nextInt(10)).append(':')
              .append(Integer.toHexString(rnd.nextInt(65536))).append(':')
              .append(Integer.toHexString(rnd.nextInt(65536))).append("::")
              .append(Integer.toHexString(1 + rnd.nextInt(65535)));
        } else {
          sb.append("10.").append(rnd.nextInt(256)).append(".0.").append(rnd.nextInt(256));
        }
        sb.append(',').append(Instant.ofEpochSecond(base + rnd.nextInt(30 * 86400)))
            .append('\n');
        o.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
      }
    }
  }
}
