package org.blindmatch.spark;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.SplittableRandom;
import org.blindmatch.cli.BlindmatchCli;
import org.blindmatch.spark.federation.OprfKeyholders;
import org.blindmatch.crypto.tokenfile.TokenFileHeader;
import org.blindmatch.crypto.tokenfile.TokenFileReader;
import org.blindmatch.crypto.tokenfile.TokenFileSet;

/**
 * {@code spark/bench oprf [rows (default 10^5)] [dir]}: the Spark job in oprf mode, local[2],
 * against {@code blindmatch tokenize --mode oprf} (the baseline) on the same input in the same
 * run: report events drawn from {@code rows / 10} distinct global IPv4 addresses (10 events
 * per address, as in {@code bench/run oprf-tokenize}), 2 tiers sharing one prefix, three
 * in-process keyholders (threshold 2) over mutual TLS on loopback sharing the cores. Prints
 * rows/s and distinct addresses evaluated per second of each, and checks the headers agree.
 */
final class SparkOprfBench {
  private SparkOprfBench() {}

  static void run(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 100_000L;
    Path dir = args.length > 1 ? Files.createDirectories(Path.of(args[1]))
        : Files.createTempDirectory("blindmatch-spark-oprf-bench");
    Path csv = dir.resolve("events.csv");
    generate(csv, rows, Math.max(1, rows / 10));
    Path scope = dir.resolve("scope.yaml");
    Files.writeString(scope, "scope: bench\ntiers:\n"
        + "  - {name: ip+hour, bucket_width: 1h, watchlist_tolerance: 30m}\n"
        + "  - {name: ip-only, bucket_width: none}\n");
    org.apache.spark.sql.SparkSession.builder().master("local[2]").appName("blindmatch-bench")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "8")
        .config("spark.sql.session.timeZone", "UTC").getOrCreate();
    try (OprfKeyholders kh = new OprfKeyholders(Files.createDirectories(dir.resolve("fed")))) {
      String addresses = String.join(",", kh.addresses());
      long c0 = System.nanoTime();
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int status = BlindmatchCli.execute(new String[] {"tokenize", "--reports", csv.toString(),
          "--scope", scope.toString(), "--mode", "oprf", "--keyholders", addresses,
          "--threshold", "2", "--oprf-key", kh.publicFile.toString(), "--profile",
          kh.profile.toString(), "--out", dir.resolve("cli.bmt").toString(), "--force",
          "--no-progress", "--threads", "2"}, new PrintWriter(out), new PrintWriter(err));
      double cli = (System.nanoTime() - c0) / 1e9;
      if (status != 0) {
        throw new IllegalStateException("CLI failed: " + err);
      }
      Path cfg = dir.resolve("job.yaml");
      Files.writeString(cfg, "role: report\ninput: {path: '" + csv + "', format: csv}\n"
          + "scope: '" + scope + "'\nmode: oprf\noprf:\n  keyholders: [" + addresses + "]\n"
          + "  public_key: '" + kh.publicFile + "'\n  profile: '" + kh.profile + "'\n"
          + "output: '" + dir.resolve("spark-out") + "'\n");
      long j0 = System.nanoTime();
      ByteArrayOutputStream jobOut = new ByteArrayOutputStream();
      ByteArrayOutputStream jobErr = new ByteArrayOutputStream();
      status = SparkTokenize.run(new String[] {"--config", cfg.toString(), "--force"},
          new PrintStream(jobOut, true, StandardCharsets.UTF_8),
          new PrintStream(jobErr, true, StandardCharsets.UTF_8));
      double job = (System.nanoTime() - j0) / 1e9;
      if (status != 0) {
        throw new IllegalStateException("job failed: " + jobErr);
      }
      TokenFileHeader a;
      try (TokenFileReader r = TokenFileReader.open(dir.resolve("cli.bmt"))) {
        a = r.header();
      }
      if (!a.equals(TokenFileSet.open(dir.resolve("spark-out/tokens")).header())) {
        throw new IllegalStateException("CLI and job headers differ");
      }
      long cliEval = evaluations(out.toString());
      long jobEval = evaluations(jobOut.toString(StandardCharsets.UTF_8));
      System.out.printf("tokens: %,d in both; %,d rows over %,d distinct addresses%n",
          a.records(), rows, rows / 10);
      System.out.printf("baseline CLI tokenize --mode oprf: %,.0f rows/s (%.1f s), %,d "
          + "evaluations, %,.0f/s%n", rows / cli, cli, cliEval, cliEval / cli);
      System.out.printf("spark job oprf, local[2]:          %,.0f rows/s (%.1f s), %,d "
          + "evaluations, %,.0f/s%n", rows / job, job, jobEval, jobEval / job);
      System.out.printf("ratio spark/CLI: %.2f%n", cli / job);
    }
  }

  private static long evaluations(String summary) {
    return summary.lines().filter(l -> l.startsWith("evaluations"))
        .map(l -> Long.parseLong(l.split("\\s+")[1])).findFirst().orElse(-1L);
  }

  /** {@code rows} reports drawn uniformly from {@code distinct} global IPv4 addresses. */
  private static void generate(Path csv, long rows, long distinct) throws Exception {
    SplittableRandom rnd = new SplittableRandom(20261126);
    long base = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();
    try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(csv), 1 << 20)) {
      o.write("record_id,ip,timestamp\n".getBytes(StandardCharsets.US_ASCII));
      StringBuilder sb = new StringBuilder(96);
      for (long i = 0; i < rows; i++) {
        long a = rnd.nextLong(distinct);
        sb.setLength(0);
        sb.append("R-").append(i / 3).append(',').append(45 + (a >>> 24)).append('.')
            .append((a >>> 16) & 255).append('.').append((a >>> 8) & 255).append('.')
            .append(a & 255).append(',')
            .append(Instant.ofEpochSecond(base + rnd.nextInt(30 * 86400))).append('\n');
        o.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
      }
    }
  }
}
