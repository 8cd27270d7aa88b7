package org.blindmatch.spark;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.blindmatch.cli.BlindmatchCli;
import org.blindmatch.crypto.tokenfile.TokenFileHeader;
import org.blindmatch.crypto.tokenfile.TokenFileReader;
import org.blindmatch.crypto.tokenfile.TokenFileSet;

/**
 * {@code spark/bench [rows] [dir]}: the Spark job in local mode on 2 cores against
 * {@code blindmatch tokenize --threads 2} on the same generated CSV (3 tiers, ~10 % skipped
 * rows), in one run; prints rows/s for each and the ratio. Both include keyset decryption;
 * the Spark figure excludes session start-up, printed separately.
 *
 * <p>{@code spark/bench oprf [rows] [dir]}: oprf mode, both against the same three
 * in-process keyholders (2-of-3, mutual TLS on loopback, sharing the cores): {@link
 * SparkOprfBench}.
 */
public final class SparkBench {
  private SparkBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("oprf")) {
      SparkOprfBench.run(java.util.Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
    Path dir = args.length > 1 ? Files.createDirectories(Path.of(args[1]))
        : Files.createTempDirectory("blindmatch-spark-bench");
    JobFixture fx = new JobFixture(dir);
    Path csv = dir.resolve("events.csv");
    long t0 = System.nanoTime();
    TestData.reports(csv, rows, 1);
    System.out.printf("generated %,d rows, %,d MiB, in %.1f s%n", rows,
        Files.size(csv) >> 20, (System.nanoTime() - t0) / 1e9);

    long s0 = System.nanoTime();
    // Spark's defaults (128 MiB input splits), unlike the tests' small splits.
    org.apache.spark.sql.SparkSession.builder().master("local[2]").appName("blindmatch-bench")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "8")
        .config("spark.sql.session.timeZone", "UTC").getOrCreate();
    double startup = (System.nanoTime() - s0) / 1e9;

    long c0 = System.nanoTime();
    StringWriter err = new StringWriter();
    int status = BlindmatchCli.execute(new String[] {"tokenize", "--reports", csv.toString(),
        "--scope", fx.scope.toString(), "--keyset", fx.keyset.toString(), "--passphrase-file",
        fx.passphrase.toString(), "--out", dir.resolve("cli.bmt").toString(), "--force",
        "--no-progress", "--threads", "2"}, new PrintWriter(new StringWriter()),
        new PrintWriter(err));
    double cli = (System.nanoTime() - c0) / 1e9;
    if (status != 0) {
      throw new IllegalStateException("CLI failed: " + err);
    }

    Path cfg = fx.config("job.yaml", "report", csv, "csv", dir.resolve("spark-out"), "");
    long j0 = System.nanoTime();
    ByteArrayOutputStream jobErr = new ByteArrayOutputStream();
    status = SparkTokenize.run(new String[] {"--config", cfg.toString(), "--force"},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(jobErr, true, StandardCharsets.UTF_8));
    double job = (System.nanoTime() - j0) / 1e9;
    if (status != 0) {
      throw new IllegalStateException("job failed: " + jobErr);
    }
    TokenFileHeader a;
    try (TokenFileReader r = TokenFileReader.open(dir.resolve("cli.bmt"))) {
      a = r.header();
    }
    TokenFileSet set = TokenFileSet.open(dir.resolve("spark-out/tokens"));
    if (!a.equals(set.header())) {
      throw new IllegalStateException("CLI and job headers differ");
    }
    System.out.printf("tokens: %,d in both (%d part files)%n", a.records(), set.parts().size());
    System.out.printf("spark session start-up: %.1f s%n", startup);
    System.out.printf("baseline CLI tokenize --threads 2: %.2f M rows/s (%.1f s)%n",
        rows / cli / 1e6, cli);
    System.out.printf("spark job local[2]:                %.2f M rows/s (%.1f s)%n",
        rows / job / 1e6, job);
    System.out.printf("ratio spark/CLI: %.2f%n", cli / job);
  }
}
