package org.blindmatch.spark;

import org.blindmatch.core.limits.Limits;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.blindmatch.core.transport.HostPort;

/**
 * The {@code oprf:} section of a job configuration ({@code mode: oprf}): the same choices as
 * {@code blindmatch tokenize --mode oprf}.
 *
 * <pre>
 * oprf:
 *   keyholders: [kh1.example.org:7500, kh2.example.org:7500, kh3.example.org:7500]
 *   public_key: epoch1/oprf-public.epoch-1.json   # the epoch's public file (--oprf-key)
 *   threshold: 2                  # optional; must equal the public file's (--threshold)
 *   profile: platform-a.profile.yaml   # TLS identity toward the keyholders (--profile)
 *   batch: 4096                   # distinct addresses per keyholder request (--oprf-batch)
 *   requests_in_flight: 2         # requests each task keeps outstanding (--oprf-parallel)
 *   address_partitions: 0         # partitions of the address shuffle (0: Spark's default)
 *   rate_limit_retries: 5         # on RESOURCE_EXHAUSTED: wait and ask again this often
 *   rate_limit_backoff_ms: 1000   # first wait; doubles up to 60 s, with jitter
 * </pre>
 *
 * Paths resolve against the configuration file's directory; executors look them up at that
 * path, else among the files shipped with {@code spark-submit --files}. The TLS key's
 * passphrase comes from the profile's {@code passphrase_file}, never from the job file or
 * command line. Immutable and serializable.
 *
 * @param keyholders {@code host:port} of each keyholder, in order of preference
 * @param publicKey the key epoch's public file
 * @param threshold the threshold the public file must state, or null to take it from there
 * @param profile the node profile whose TLS identity talks to the keyholders
 * @param batch addresses per keyholder request, 1..{@link Limits#MAX_EVALUATE_BATCH}
 * @param addressPartitions partitions of the address shuffle, or 0 for Spark's default
 * @param rateLimitRetries further attempts after a {@code RESOURCE_EXHAUSTED}, 0..20
 * @param rateLimitBackoffMillis the first wait in milliseconds, 1..60000
 */
public record OprfSettings(
    List<String> keyholders,
    String publicKey,
    Integer threshold,
    String profile,
    int batch,
    int requestsInFlight,
    int addressPartitions,
    int rateLimitRetries,
    long rateLimitBackoffMillis) implements Serializable {
  private static final long serialVersionUID = 1L;
  static final Set<String> KEYS = Set.of("keyholders", "public_key", "threshold", "profile",
      "batch", "requests_in_flight", "address_partitions", "rate_limit_retries",
      "rate_limit_backoff_ms");

  public OprfSettings {
    keyholders = List.copyOf(keyholders);
  }

  /**
   * Reads and checks the {@code oprf:} mapping.
   *
   * @throws JobException naming the file and key
   */
  static OprfSettings parse(JsonNode node, Path base, Path file) throws JobException {
    if (node == null || !node.isObject()) {
      throw new JobException(file + ": oprf: required with mode: oprf, a mapping with keys "
          + new java.util.TreeSet<>(KEYS));
    }
    JobConfig.checkKeys(node, KEYS, file, "oprf.");
    JsonNode list = node.get("keyholders");
    List<String> keyholders = new ArrayList<>();
    if (list != null && list.isTextual()) {
      for (String a : list.asText().split(",")) {
        keyholders.add(a.trim());
      }
    } else if (list != null && list.isArray()) {
      list.forEach(a -> keyholders.add(a.asText().trim()));
    }
    if (keyholders.isEmpty()) {
      throw new JobException(file + ": oprf.keyholders: required, a list of host:port");
    }
    for (String a : keyholders) {
      try {
        HostPort.parse(a, false);
      } catch (IllegalArgumentException e) {
        throw new JobException(file + ": oprf.keyholders: " + e.getMessage());
      }
    }
    Integer threshold = node.has("threshold")
        ? integer(node, "threshold", 1, 255, 0, file) : null;
    return new OprfSettings(keyholders,
        JobConfig.local(base, JobConfig.text(node, "public_key", file, true)),
        threshold,
        JobConfig.local(base, JobConfig.text(node, "profile", file, true)),
        integer(node, "batch", 1, Limits.MAX_EVALUATE_BATCH, Limits.MAX_EVALUATE_BATCH, file),
        integer(node, "requests_in_flight", 1, 16, 2, file),
        integer(node, "address_partitions", 0, 1 << 20, 0, file),
        integer(node, "rate_limit_retries", 0, 20, 5, file),
        integer(node, "rate_limit_backoff_ms", 1, 60_000, 1000, file));
  }

  private static int integer(JsonNode node, String key, int min, int max, int dflt, Path file)
      throws JobException {
    JsonNode v = node.get(key);
    if (v == null) {
      return dflt;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
      throw new JobException(file + ": oprf." + key + ": expected a whole number in " + min
          + ".." + max);
    }
    return v.asInt();
  }
}
