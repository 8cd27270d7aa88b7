package org.blindmatch.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.Iterator;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.TaskCompletionListener;
import org.blindmatch.client.oprf.KeyholderPool;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.tokenfile.TokenFileHeader;
import org.blindmatch.crypto.tokenfile.TokenFileWriter;

/**
 * oprf mode, keyholder stage: one task per partition of address rows (columns {@code bits,
 * masked, tier, first, last, handle}, hash-partitioned and sorted by {@code bits, masked} so
 * that each distinct address sits in one partition, in one run). The task connects its own
 * {@link KeyholderPool} (the CLI's client: blinding, proofs, fail-over), evaluates each
 * distinct address once ({@link AddressTokens}, {@code requestsInFlight} requests at a time),
 * writes the tokens to a part file
 * {@code part-NNNNN.bmt} (no input rows counted: those are in the first stage's
 * {@code input-NNNNN.bmt}) and publishes it. OPRF outputs stay in the task's memory.
 *
 * @param warnings receives keyholder warnings (names and reasons only) for the driver
 */
record AddressPartition(
    KeySource scope,
    TokenFileHeader.Role role,
    KeyholderAccess access,
    RateLimitBackoff.Policy backoff,
    int batch,
    int requestsInFlight,
    String tokensDir,
    Map<String, String> hadoopConf,
    LongAccumulator evaluations,
    CollectionAccumulator<String> warnings) implements ForeachPartitionFunction<Row> {
  private static final long serialVersionUID = 1L;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(
      AddressPartition.class);

  @Override
  public void call(Iterator<Row> rows) throws IOException {
    if (!rows.hasNext()) {
      return;
    }
    Scope s = scope.scopeOrFail();
    java.nio.file.Path local = Files.createTempFile("blindmatch-part-", ".bmt");
    TokenFileWriter writer = TokenFileWriter.create(local, true, role,
        TokenFileHeader.KeyMode.OPRF, s.digest(), access.epoch(), PartFiles.tierNumbers(s));
    TaskContext.get().addTaskCompletionListener((TaskCompletionListener) ctx -> {
      try {
        writer.close();
        Files.deleteIfExists(local);
      } catch (IOException ignored) {
        // temporary directory: best effort
      }
    });
    long evaluated;
    try (RateLimitBackoff keyholders = new RateLimitBackoff(() -> access.connect(w -> {
      LOG.warn(w);
      warnings.add(w);
    }), backoff, Thread::sleep, new SecureRandom());
        AddressTokens tokens = new AddressTokens(s, inputs -> {
          try {
            return keyholders.evaluate(inputs);
          } catch (IOException e) {
            throw new KeyholderFailure(e.getMessage());
          }
        }, batch, requestsInFlight, writer::write)) {
      while (rows.hasNext()) {
        Row r = rows.next();
        tokens.add(r.getInt(0), (byte[]) r.get(1), r.getInt(2), r.getLong(3), r.getLong(4),
            (byte[]) r.get(5));
      }
      tokens.finish();
      evaluated = tokens.evaluated();
    }
    writer.finish(0, 0);
    PartFiles.publish(local, tokensDir, PartFiles.PART_PREFIX, "bmt", hadoopConf);
    evaluations.add(evaluated);
  }
}
