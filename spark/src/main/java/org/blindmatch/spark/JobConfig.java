package org.blindmatch.spark;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.blindmatch.client.tokenize.ReportRow;
import org.blindmatch.client.tokenize.WatchlistRow;
import org.blindmatch.crypto.io.Excerpt;
import org.blindmatch.crypto.io.StrictYaml;
import org.blindmatch.crypto.io.YamlException;

/**
 * The Spark tokenize job's configuration, from a YAML (or JSON) file:
 *
 * <pre>
 * role: report                  # report | watchlist
 * input:
 *   path: hdfs:///lake/events/2026-03     # any Hadoop path Spark can read
 *   format: parquet             # parquet | csv (header line) | json (JSON lines)
 *   columns: {record_id: account_id, ip: client_ip, timestamp: event_time}
 * time_format: auto             # auto | iso8601 | epoch-seconds | epoch-millis
 * scope: scope.yaml             # read by the driver
 * mode: hmac                    # hmac (default) | oprf
 * keyset: token-keys.json       # hmac: encrypted; read once per executor
 * key_id: 2243174599            # hmac, optional; default: the keyset's primary
 * passphrase_file: passphrase.txt        # hmac, optional; else $BLINDMATCH_PASSPHRASE
 * oprf:                         # oprf only: see {@link OprfSettings}
 *   keyholders: [kh1.example.org:7500, kh2.example.org:7500, kh3.example.org:7500]
 *   public_key: epoch1/oprf-public.epoch-1.json
 *   profile: platform-a.profile.yaml
 * output: hdfs:///blindmatch/march       # must not exist (unless --force)
 * partitions: 0                 # optional: repartition the input first (0: keep)
 * strict: false                 # true: the first malformed row fails the job
 * </pre>
 *
 * Column names default to those of {@code blindmatch tokenize}. Local paths (scope, keyset,
 * passphrase file) are resolved against the configuration file's directory; on executors the
 * keyset and passphrase file are looked up at that path, else among the files shipped with
 * {@code spark-submit --files}. Immutable and serializable (it travels to executors).
 *
 * @param columns role column (record_id or label, ip, timestamp or start and end) → input
 *     column, in the role's order
 * @param timeFormat {@code auto} or a {@code TimestampFormat} CLI name
 * @param keyset hmac mode: the encrypted keyset; null in oprf mode
 * @param keyId the key to use, or null for the primary
 * @param passphraseFile null to use the environment variable
 * @param oprf oprf mode's settings, or null in hmac mode
 */
public record JobConfig(
    String role,
    String inputPath,
    String format,
    Map<String, String> columns,
    String timeFormat,
    String scope,
    String keyset,
    Integer keyId,
    String passphraseFile,
    String output,
    int partitions,
    boolean strict,
    OprfSettings oprf) implements java.io.Serializable {

  private static final Set<String> KEYS = Set.of("role", "input", "time_format", "scope",
      "mode", "keyset", "key_id", "passphrase_file", "oprf", "output", "partitions", "strict");
  private static final Set<String> HMAC_KEYS = Set.of("keyset", "key_id", "passphrase_file");
  private static final Set<String> INPUT_KEYS = Set.of("path", "format", "columns");
  private static final Set<String> FORMATS = Set.of("parquet", "csv", "json");
  private static final Set<String> TIME_FORMATS =
      Set.of("auto", "iso8601", "epoch-seconds", "epoch-millis");

  public JobConfig {
    columns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columns));
  }

  public boolean isReport() {
    return role.equals("report");
  }

  /** Whether tokens are keyed through keyholders (oprf mode) rather than a keyset. */
  public boolean isOprf() {
    return oprf != null;
  }

  /** A copy with {@code strict} set. */
  public JobConfig withStrict(boolean s) {
    return new JobConfig(role, inputPath, format, columns, timeFormat, scope, keyset, keyId,
        passphraseFile, output, partitions, s, oprf);
  }

  /**
   * Loads and validates a configuration file, read through {@link StrictYaml} (a duplicate
   * key, an alias or a file over its size cap is an error).
   *
   * @throws JobException naming the file and key, with the reason
   */
  public static JobConfig load(Path file) throws JobException {
    JsonNode root;
    try {
      root = StrictYaml.read(file, "job configuration file");
    } catch (YamlException e) {
      throw new JobException(e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new JobException(file + ": expected a mapping with keys " + KEYS);
    }
    checkKeys(root, KEYS, file, "");
    Path base = file.toAbsolutePath().getParent();
    String role = text(root, "role", file, true);
    if (!role.equals("report") && !role.equals("watchlist")) {
      throw new JobException(file + ": role: must be report or watchlist, not "
          + Excerpt.quote(role));
    }
    JsonNode input = root.get("input");
    if (input == null || !input.isObject()) {
      throw new JobException(file + ": input: required, a mapping with keys " + INPUT_KEYS);
    }
    checkKeys(input, INPUT_KEYS, file, "input.");
    String path = hadoopPath(base, text(input, "path", file, true));
    String format = text(input, "format", file, true).toLowerCase(Locale.ROOT);
    if (!FORMATS.contains(format)) {
      throw new JobException(file + ": input.format: must be one of " + FORMATS + ", not "
          + Excerpt.quote(format));
    }
    String[] roleColumns = role.equals("report") ? ReportRow.COLUMNS : WatchlistRow.COLUMNS;
    Map<String, String> columns = new LinkedHashMap<>();
    for (String c : roleColumns) {
      columns.put(c, c);
    }
    JsonNode cols = input.get("columns");
    if (cols != null) {
      if (!cols.isObject()) {
        throw new JobException(file + ": input.columns: expected a mapping like {"
            + roleColumns[0] + ": my_column}");
      }
      checkKeys(cols, Set.of(roleColumns), file, "input.columns.");
      for (Map.Entry<String, JsonNode> e : cols.properties()) {
        if (!e.getValue().isTextual() || e.getValue().asText().isBlank()) {
          throw new JobException(file + ": input.columns." + e.getKey()
              + ": expected a column name");
        }
        columns.put(e.getKey(), e.getValue().asText());
      }
    }
    String timeFormat = root.has("time_format") ? text(root, "time_format", file, true) : "auto";
    if (!TIME_FORMATS.contains(timeFormat)) {
      throw new JobException(file + ": time_format: must be one of " + TIME_FORMATS
          + ", not " + Excerpt.quote(timeFormat));
    }
    String mode = root.has("mode") ? text(root, "mode", file, true) : "hmac";
    if (!mode.equals("hmac") && !mode.equals("oprf")) {
      throw new JobException(file + ": mode: must be hmac or oprf, not " + Excerpt.quote(mode));
    }
    OprfSettings oprf = null;
    if (mode.equals("oprf")) {
      for (String k : HMAC_KEYS) {
        if (root.has(k)) {
          throw new JobException(file + ": " + k + ": hmac mode only; oprf mode asks the "
              + "keyholders (its TLS key's passphrase comes from the profile's "
              + "passphrase_file)");
        }
      }
      oprf = OprfSettings.parse(root.get("oprf"), base, file);
    } else if (root.has("oprf")) {
      throw new JobException(file + ": oprf: needs mode: oprf");
    }
    Integer keyId = null;
    if (root.has("key_id")) {
      JsonNode k = root.get("key_id");
      try {
        keyId = Integer.parseUnsignedInt(k.asText());
      } catch (NumberFormatException e) {
        throw new JobException(file + ": key_id: expected a key id as 'keys show' prints it");
      }
    }
    int partitions = 0;
    if (root.has("partitions")) {
      JsonNode p = root.get("partitions");
      if (!p.canConvertToInt() || p.asInt() < 0 || !p.isIntegralNumber()) {
        throw new JobException(file + ": partitions: expected a whole number >= 0");
      }
      partitions = p.asInt();
    }
    boolean strict = false;
    if (root.has("strict")) {
      if (!root.get("strict").isBoolean()) {
        throw new JobException(file + ": strict: expected true or false");
      }
      strict = root.get("strict").asBoolean();
    }
    String passphrase = root.has("passphrase_file")
        ? local(base, text(root, "passphrase_file", file, true)) : null;
    String keyset = oprf == null ? local(base, text(root, "keyset", file, true)) : null;
    return new JobConfig(role, path, format, columns, timeFormat,
        local(base, text(root, "scope", file, true)), keyset, keyId, passphrase,
        hadoopPath(base, text(root, "output", file, true)), partitions, strict, oprf);
  }

  /** A URI with a scheme as is; a plain path resolved like a local one. */
  private static String hadoopPath(Path base, String path) {
    return path.matches("[A-Za-z][A-Za-z0-9+.-]+:.*") ? path : local(base, path);
  }

  static String local(Path base, String path) {
    return base.resolve(path).normalize().toString();
  }

  static String text(JsonNode node, String key, Path file, boolean required)
      throws JobException {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      if (required) {
        throw new JobException(file + ": " + key + ": required");
      }
      return null;
    }
    if (!v.isValueNode() || v.asText().isBlank()) {
      throw new JobException(file + ": " + key + ": expected a non-empty value");
    }
    return v.asText();
  }

  static void checkKeys(JsonNode node, Set<String> allowed, Path file, String prefix)
      throws JobException {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        throw new JobException(file + ": " + prefix + Excerpt.key(k) + ": unknown key (allowed: "
            + new java.util.TreeSet<>(allowed) + ")");
      }
    }
  }
}
