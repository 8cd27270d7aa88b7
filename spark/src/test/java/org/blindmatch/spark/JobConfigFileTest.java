package org.blindmatch.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job file through the job's entry point, as {@code spark-submit} runs it: read by the
 * project's one YAML loader, so a duplicate key (top level or nested), an over-size file or a
 * long bad value fail with one line naming the file, line and key, exit status 1, before any
 * Spark session exists.
 */
class JobConfigFileTest {
  private static final String GOOD = """
      role: report
      input:
        path: events.csv
        format: csv
        columns: {record_id: account_id, ip: client_ip}
      scope: scope.yaml
      keyset: token-keys.json
      output: out
      """;

  @TempDir Path dir;

  private String fails(String yaml, String name) throws Exception {
    Path job = dir.resolve(name);
    Files.writeString(job, yaml);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = SparkTokenize.run(new String[] {"--config", job.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String e = err.toString(StandardCharsets.UTF_8);
    assertEquals(1, status, e);
    assertEquals(1, e.strip().lines().count(), e);
    assertTrue(e.startsWith("error: " + job + ": "), e);
    return e;
  }

  @Test
  void duplicateTopLevelKey() throws Exception {
    String e = fails(GOOD + "output: /elsewhere\n", "job.yaml");
    assertTrue(e.contains("job.yaml: line 9: output: duplicate key (first on line 8)"), e);
  }

  @Test
  void duplicateNestedKeys() throws Exception {
    String e = fails(GOOD.replace("  format: csv\n", "  format: csv\n  format: parquet\n"),
        "job.yaml");
    assertTrue(e.contains("line 5: input.format: duplicate key (first on line 4)"), e);
    e = fails(GOOD.replace("ip: client_ip}", "ip: client_ip, record_id: other}"), "job.yaml");
    assertTrue(e.contains("line 5: input.columns.record_id: duplicate key (first on line 5)"),
        e);
  }

  @Test
  void duplicateKeyInJsonJobFile() throws Exception {
    String e = fails("{\"role\": \"report\",\n\"role\": \"watchlist\"}", "job.json");
    assertTrue(e.contains("line 2: role: duplicate key (first on line 1)"), e);
  }

  @Test
  void overSizeFileAndLongValue() throws Exception {
    String e = fails(GOOD + "# " + "x".repeat(2 << 20) + "\n", "job.yaml");
    assertTrue(e.contains("bytes is larger than the 1048576 bytes (1 MiB)"), e);
    e = fails(GOOD.replace("role: report", "role: " + "r".repeat(100_000)), "job.yaml");
    assertTrue(e.contains("role: must be report or watchlist, not \"rrrr"), e);
    assertTrue(e.contains("\"... (100000 chars)"), e);
    assertTrue(e.length() < 300, e);
  }
}
