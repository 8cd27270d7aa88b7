package org.blindmatch.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.blindmatch.crypto.scope.Scope;

/**
 * How a task publishes a finished local file into the run's output: copied to
 * {@code DIR/_attempts/NAME.ATTEMPT}, then renamed to {@code DIR/PREFIX-NNNNN.EXT} (NNNNN the
 * task's partition), so a retried task replaces its file whole and a failed one leaves none.
 */
final class PartFiles {
  /** Token parts with records (and, in hmac mode, the counts of the rows their task read). */
  static final String PART_PREFIX = "part";
  /** oprf mode: record-less token parts holding the counts of one input partition's rows. */
  static final String INPUT_PREFIX = "input";

  private PartFiles() {}

  /** Tier numbers 0..n-1 of {@code scope}, as token file headers list them. */
  static int[] tierNumbers(Scope scope) {
    int[] tiers = new int[scope.tiers().size()];
    for (int t = 0; t < tiers.length; t++) {
      tiers[t] = t;
    }
    return tiers;
  }

  /** Moves {@code local} to {@code dirName/prefix-NNNNN.ext}; deletes {@code local}. */
  static void publish(java.nio.file.Path local, String dirName, String prefix, String ext,
      Map<String, String> hadoopConf) throws IOException {
    TaskContext task = TaskContext.get();
    String name = String.format("%s-%05d.%s", prefix, task.partitionId(), ext);
    Configuration conf = new Configuration(false);
    hadoopConf.forEach(conf::set);
    Path dir = new Path(dirName);
    FileSystem fs = dir.getFileSystem(conf);
    Path attempt = new Path(dir, "_attempts/" + name + "." + task.taskAttemptId());
    try {
      fs.copyFromLocalFile(true, true, new Path(local.toUri()), attempt);
      Path target = new Path(dir, name);
      fs.delete(target, false);
      if (!fs.rename(attempt, target)) {
        throw new IOException("cannot move " + attempt + " to " + target);
      }
    } finally {
      Files.deleteIfExists(local);
    }
  }
}
