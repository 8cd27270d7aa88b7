package org.blindmatch.spark;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.blindmatch.crypto.tokenfile.TokenFileHeader;

/**
 * {@code spark-submit --class org.blindmatch.spark.SparkTokenize blindmatch-spark-job.jar
 * --config job.yaml [--strict] [--force]}: the entry point of the Spark tokenize job. Prints
 * the same summary as {@code blindmatch tokenize}; exits 0 on success, 1 for a problem with
 * the configuration, input or keys (one line naming the file and reason, no stack trace
 * unless {@code BLINDMATCH_DEBUG=1}), 2 for bad usage, 70 for an internal error.
 */
public final class SparkTokenize {
  private SparkTokenize() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the job in the current (or a new) Spark session; returns the exit status. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Path config = null;
    boolean strict = false;
    boolean force = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config" -> config = i + 1 < args.length ? Path.of(args[++i]) : null;
        case "--strict" -> strict = true;
        case "--force" -> force = true;
        default -> {
          err.println("unknown argument " + args[i]);
          config = null;
          i = args.length;
        }
      }
    }
    if (config == null) {
      err.println("usage: SparkTokenize --config JOB.yaml [--strict] [--force]");
      return 2;
    }
    try {
      JobConfig cfg = JobConfig.load(config);
      if (strict) {
        cfg = cfg.withStrict(true);
      }
      SparkSession spark = SparkSession.builder().appName("blindmatch tokenize")
          .config("spark.sql.session.timeZone", "UTC").getOrCreate();
      JobSummary s = new TokenizeJob(spark).run(cfg, force);
      s.warnings().forEach(w -> err.println("warning: " + w));
      print(s, cfg, out);
      return 0;
    } catch (JobException e) {
      err.println("error: " + e.getMessage());
      debug(e, err);
      return 1;
    } catch (Exception e) { // Spark throws checked SparkException undeclared
      String taskMessage = TokenizeJob.taskMessage(e);
      if (taskMessage != null) {
        err.println("error: " + taskMessage);
        return 1;
      }
      err.println("internal error: " + e.getClass().getSimpleName()
          + " (set BLINDMATCH_DEBUG=1 for the stack trace)");
      debug(e, err);
      return 70;
    }
  }

  private static void debug(Exception e, PrintStream err) {
    if ("1".equals(System.getenv("BLINDMATCH_DEBUG"))) {
      e.printStackTrace(err);
    }
  }

  static void print(JobSummary s, JobConfig cfg, PrintStream w) {
    TokenFileHeader h = s.header();
    w.println("input        " + cfg.inputPath() + " (" + cfg.format() + ", "
        + h.role().name().toLowerCase(Locale.ROOT) + ", timestamps "
        + s.timeFormat().cliName() + ")");
    if (h.mode() == TokenFileHeader.KeyMode.HMAC) {
      w.println("key id       " + Integer.toUnsignedString(h.keyId()) + " (hmac)");
    } else {
      w.println("key epoch    " + Integer.toUnsignedString(h.keyId()) + " (oprf)");
      w.println("evaluations  " + s.oprfEvaluations() + " distinct masked addresses asked "
          + "of the keyholders (blinded)");
    }
    w.println("rows read    " + h.rowsRead());
    w.println("rows skipped " + h.rowsSkipped());
    for (Map.Entry<String, Long> e : s.skips().entrySet()) {
      w.printf("  %-22s %d%n", e.getKey(), e.getValue());
    }
    org.blindmatch.client.tokenize.TierCoverage.summaryLines(s.tierCoverage())
        .forEach(w::println);
    w.println("tokens       " + h.records());
    for (TokenFileHeader.TierCount t : h.tiers()) {
      w.printf("  tier %-17s %d%n", s.tierNames().get(t.tierNumber()), t.tokens());
    }
    w.println("handles      " + s.handles());
    w.println("wrote        " + s.output() + "/tokens (" + s.parts() + " parts; submit the "
        + "directory with 'blindmatch submit --tokens')");
    w.println("mapping      " + s.output() + "/mapping (Parquet; private: maps handles to your "
        + (h.role() == TokenFileHeader.Role.REPORT ? "record ids" : "labels") + ")");
    w.println("rejects      " + s.output() + "/rejects (CSV: file, id, field, reason, detail, "
        + "policy; never an address)");
  }
}
