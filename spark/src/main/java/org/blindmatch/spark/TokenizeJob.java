package org.blindmatch.spark;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.hex;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.trim;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import org.blindmatch.client.tokenize.LabelCoverage;
import org.blindmatch.client.tokenize.TierCoverage;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.blindmatch.client.oprf.KeyholderPool;
import org.blindmatch.client.tokenize.HandleDeriver;
import org.blindmatch.crypto.io.Excerpt;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.scope.ScopeException;
import org.blindmatch.crypto.scope.Tier;
import org.blindmatch.crypto.time.TimeParseException;
import org.blindmatch.crypto.time.TimestampFormat;
import org.blindmatch.crypto.token.HmacTokenDeriver;
import org.blindmatch.crypto.tokenfile.TokenFileException;
import org.blindmatch.crypto.tokenfile.TokenFileHeader;
import org.blindmatch.crypto.tokenfile.TokenFileSet;

/**
 * The driver side of the Spark tokenize job: reads the input, canonicalises every partition
 * ({@link ReportPartition}, {@link WatchlistPartition}) and publishes, under the output
 * directory,
 *
 * <ul>
 *   <li>{@code tokens/}: token part files plus a {@code MANIFEST} — a {@link TokenFileSet}
 *       that {@code blindmatch submit --tokens DIR} sends as one submission. hmac mode: one
 *       part per input partition. oprf mode: one record-less {@code input-NNNNN.bmt} per input
 *       partition with its row counts, and one {@code part-NNNNN.bmt} per partition of the
 *       address shuffle with the tokens (see {@link #addressStage});
 *   <li>{@code mapping/}: Parquet {@code handle, record_id} (or {@code label}) — private to
 *       the owner, like the CLI's {@code .map.csv}; for reports one row per run of a record's
 *       consecutive rows, as in the CLI, for watchlists one row per label;
 *   <li>{@code rejects/}: CSV part files {@code file, record_id|label, field, reason, detail,
 *       policy} of every row that produced no token (never the address).
 * </ul>
 *
 * Everything is written under a temporary sibling and renamed into place at the end, so the
 * output appears complete or not at all. Not thread-safe; one run per instance.
 */
public final class TokenizeJob {
  private final SparkSession spark;

  public TokenizeJob(SparkSession spark) {
    this.spark = spark;
  }

  /**
   * Runs the job.
   *
   * @param overwrite whether an existing output directory may be replaced
   * @throws JobException for a configuration, input or key problem, a bad row in strict
   *     mode, or no row producing a token; nothing is left at the output path
   */
  public JobSummary run(JobConfig cfg, boolean overwrite) throws JobException {
    String scopeText;
    try {
      scopeText = Files.readString(java.nio.file.Path.of(cfg.scope()));
    } catch (IOException e) {
      throw new JobException(cfg.scope() + ": cannot read scope file: " + e.getMessage());
    }
    KeySource keys = new KeySource(scopeText, cfg.scope(), cfg.keyset(), cfg.keyId(),
        cfg.passphraseFile());
    Scope scope;
    KeyholderAccess keyholders = null;
    List<String> warnings = new ArrayList<>();
    if (cfg.isOprf()) {
      try {
        scope = keys.scope();
      } catch (ScopeException e) {
        throw new JobException(e.getMessage());
      }
      keyholders = KeyholderAccess.load(cfg.oprf());
      // Fails early, on the driver, if fewer than t keyholders answer (asks for share keys
      // only: no evaluation, no quota spent).
      try (KeyholderPool pool = keyholders.connect(warnings::add)) {
        pool.activeShares();
      }
    } else {
      HmacTokenDeriver deriver = keys.load(); // fails early, on the driver, with a clear message
      scope = deriver.scope();
    }

    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Path out = new Path(cfg.output());
    Path tmp = new Path(out.getParent(), "." + out.getName() + ".tmp-"
        + spark.sparkContext().applicationId());
    FileSystem fs;
    try {
      fs = out.getFileSystem(hadoop);
      if (fs.exists(out) && !overwrite) {
        throw new JobException(cfg.output() + ": output already exists (use --force to "
            + "replace it)");
      }
      fs.delete(tmp, true);
    } catch (IOException e) {
      throw new JobException(cfg.output() + ": cannot use output: " + e.getMessage());
    }
    try {
      JobSummary s = tokenize(cfg, keys, scope, keyholders, warnings, fs, tmp);
      if (fs.exists(out)) {
        fs.delete(out, true);
      }
      if (!fs.rename(tmp, out)) {
        throw new JobException(cfg.output() + ": cannot move the finished output into place");
      }
      return s;
    } catch (IOException e) {
      throw new JobException(cfg.output() + ": cannot write output: " + e.getMessage(), e);
    } finally {
      try {
        fs.delete(tmp, true);
      } catch (IOException ignored) {
        // best effort: the temporary directory is hidden and named after the application
      }
    }
  }

  @SuppressWarnings("deprecation") // the per-run handle key crosses to executors in Tink's format
  private JobSummary tokenize(JobConfig cfg, KeySource keys, Scope scope,
      KeyholderAccess keyholders, List<String> warnings, FileSystem fs, Path tmp)
      throws JobException, IOException {
    Dataset<Row> input = select(cfg, read(cfg));
    TimestampFormat format = timeFormat(cfg, input);
    if (cfg.partitions() > 0) {
      input = input.repartition(cfg.partitions());
    }
    Map<String, String> hadoopConf = new HashMap<>();
    for (Map.Entry<String, String> e : spark.sparkContext().hadoopConfiguration()) {
      hadoopConf.put(e.getKey(), e.getValue());
    }
    byte[] handleKey;
    try {
      handleKey = TinkProtoKeysetFormat.serializeKeyset(HandleDeriver.freshKey(),
          InsecureSecretKeyAccess.get());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    Path tokensDir = new Path(tmp, "tokens");
    Path rejectsDir = new Path(tmp, "rejects");
    fs.mkdirs(tokensDir);
    fs.mkdirs(rejectsDir);
    String idName = cfg.isReport() ? "record_id" : "label";
    PartSettings settings = new PartSettings(keys, handleKey, format, cfg.strict(),
        tokensDir.toString(), rejectsDir.toString(), idName, hadoopConf,
        keyholders == null ? null : keyholders.epoch());
    ReasonCounts counts = new ReasonCounts();
    spark.sparkContext().register(counts, "blindmatch rows skipped by reason");
    ReasonCounts tierSkips = new ReasonCounts();
    spark.sparkContext().register(tierSkips, "blindmatch rows skipped per tier");
    ReasonCounts labels = new ReasonCounts();
    spark.sparkContext().register(labels, "blindmatch labels with tokens per tier");
    PartitionTokenizer partitions = cfg.isReport() ? new ReportPartition(settings, counts)
        : new WatchlistPartition(settings, counts, tierSkips, labels);
    // hmac mode, one pass: the mapping is the job's output; token parts and rejects are
    // written by each task as it finishes. A report mapping keeps the CLI's one line per run
    // of a record's consecutive rows; a watchlist's few labels are de-duplicated across
    // partitions. oprf mode: the first pass also yields the address rows, kept for the
    // keyholder stage.
    Dataset<Row> parsed = null;
    Dataset<Row> mapping;
    if (keyholders == null) {
      mapping = input.mapPartitions(partitions, Encoders.row(HmacRows.schema(idName)));
    } else {
      parsed = input.mapPartitions(partitions, Encoders.row(AddressRows.schema()))
          .persist(StorageLevel.MEMORY_AND_DISK());
      mapping = parsed.where(col("id").isNotNull())
          .select(lower(hex(col("handle"))).as("handle"), col("id").as(idName));
    }
    if (!cfg.isReport()) {
      mapping = mapping.distinct();
    }
    long handles;
    long evaluations = -1;
    try {
      mapping.write().parquet(new Path(tmp, "mapping").toString());
      handles = spark.read().parquet(new Path(tmp, "mapping").toString()).count();
      if (parsed != null) {
        evaluations = addressStage(parsed, cfg, keys, keyholders, settings, warnings);
      }
    } catch (Exception e) { // Spark throws checked SparkException undeclared
      String message = taskMessage(e);
      if (message != null) {
        throw new JobException(message);
      }
      throw e;
    } finally {
      if (parsed != null) {
        parsed.unpersist();
      }
    }
    fs.delete(new Path(rejectsDir, "_attempts"), true);
    fs.delete(new Path(tokensDir, "_attempts"), true);
    Map<String, Long> parts = new TreeMap<>();
    TokenFileHeader sum = null;
    for (FileStatus st : fs.listStatus(tokensDir, p -> p.getName().endsWith(".bmt"))) {
      TokenFileHeader h = header(fs, st.getPath());
      parts.put(st.getPath().getName(), h.records());
      sum = sum == null ? h : add(sum, h);
    }
    String source = cfg.inputPath();
    if (sum == null || sum.rowsRead() == 0) {
      throw new JobException(source + ": no data rows; nothing to tokenize");
    }
    Map<String, Long> skips = counts.value();
    if (sum.rowsRead() == sum.rowsSkipped()) {
      throw new JobException(source + ": none of the " + sum.rowsRead() + " rows produced a "
          + "token (skipped: " + skips + ")");
    }
    try (OutputStream o = fs.create(new Path(tokensDir, TokenFileSet.MANIFEST), true)) {
      o.write(TokenFileSet.manifest(new LinkedHashMap<>(parts))
          .getBytes(StandardCharsets.UTF_8));
    }
    List<String> tierNames = new ArrayList<>();
    for (Tier t : scope.tiers()) {
      tierNames.add(t.name());
    }
    return new JobSummary(cfg.output(), sum, parts.size(), tierNames, format, skips, handles,
        evaluations, List.copyOf(new java.util.LinkedHashSet<>(warnings)),
        cfg.isReport() ? List.of() : coverage(tierNames, tierSkips.value(), labels.value()));
  }

  /** The per-tier summary of a watchlist run, as {@code blindmatch tokenize} computes it. */
  private static List<TierCoverage> coverage(List<String> tierNames,
      Map<String, Long> tierSkips, Map<String, Long> labels) {
    Map<String, Map<String, Long>> skips = new LinkedHashMap<>();
    tierSkips.forEach((key, n) -> {
      int tab = key.indexOf('\t');
      skips.computeIfAbsent(key.substring(0, tab), k -> new TreeMap<>())
          .put(key.substring(tab + 1), n);
    });
    LabelCoverage coverage = new LabelCoverage();
    labels.keySet().forEach(key -> {
      int tab = key.indexOf('\t');
      String label = key.substring(tab + 1);
      String tier = key.substring(0, tab);
      if (tier.equals(WatchlistPartition.SEEN)) {
        coverage.seen(label);
      } else {
        coverage.covered(label, Integer.parseInt(tier));
      }
    });
    return coverage.result(tierNames, skips);
  }

  /**
   * oprf mode, second stage: the address rows are hash-partitioned by (prefix length, masked
   * address) and sorted within each partition, so every distinct address lands in exactly one
   * task, in one run: that is the dataset-wide distinct, and each address is evaluated once
   * ({@link AddressPartition}). What crosses this shuffle is what the first stage read — masked
   * addresses, buckets, opaque handles — never an OPRF output: outputs are asked for, used and
   * dropped inside the task that writes the tokens.
   *
   * @return distinct addresses evaluated
   */
  private long addressStage(Dataset<Row> parsed, JobConfig cfg, KeySource keys,
      KeyholderAccess keyholders, PartSettings settings, List<String> warnings) {
    OprfSettings o = cfg.oprf();
    Dataset<Row> events = parsed.where(col("id").isNull())
        .select("bits", "masked", "tier", "first", "last", "handle");
    Column[] key = {col("bits"), col("masked")};
    events = o.addressPartitions() > 0 ? events.repartition(o.addressPartitions(), key)
        : events.repartition(key);
    LongAccumulator evaluated = spark.sparkContext().longAccumulator(
        "blindmatch distinct addresses evaluated");
    CollectionAccumulator<String> taskWarnings = spark.sparkContext().collectionAccumulator(
        "blindmatch keyholder warnings");
    events.sortWithinPartitions("bits", "masked").foreachPartition(new AddressPartition(keys,
        cfg.isReport() ? TokenFileHeader.Role.REPORT : TokenFileHeader.Role.WATCHLIST,
        keyholders, new RateLimitBackoff.Policy(o.rateLimitRetries(), o.rateLimitBackoffMillis(),
            60_000), o.batch(), o.requestsInFlight(), settings.tokensDir(),
        settings.hadoopConf(), evaluated, taskWarnings));
    warnings.addAll(taskWarnings.value());
    return evaluated.value();
  }

  private static final String CORRUPT = "_blindmatch_short_row";

  private Dataset<Row> read(JobConfig cfg) throws JobException {
    try {
      if (!cfg.format().equals("csv")) {
        return spark.read().format(cfg.format()).load(cfg.inputPath());
      }
      // As the CLI reads CSV: a header line, RFC 4180 quotes, every value a string, kept
      // untrimmed. Spark reads an empty field as null, and a row with too few fields as a
      // malformed record: the corrupt-record column tells the two apart (its raw line is
      // reduced to a flag in select and never leaves the job).
      StructType header = spark.read().option("header", "true").option("escape", "\"")
          .csv(cfg.inputPath()).schema();
      StructType schema = new StructType();
      for (StructField f : header.fields()) {
        schema = schema.add(f.name(), DataTypes.StringType, true);
      }
      schema = schema.add(CORRUPT, DataTypes.StringType, true);
      spark.conf().set("spark.sql.csv.parser.columnPruning.enabled", "false");
      return spark.read().schema(schema).option("header", "true").option("escape", "\"")
          .option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", CORRUPT)
          .csv(cfg.inputPath());
    } catch (RuntimeException e) {
      throw new JobException(cfg.inputPath() + ": cannot read as " + cfg.format() + ": "
          + firstLine(e.getMessage()));
    }
  }

  /**
   * The role's columns as strings (timestamps rendered as ISO-8601 UTC), then whether the row
   * lacks a required field (as the CLI's {@code missing_field}), then the file.
   */
  private static Dataset<Row> select(JobConfig cfg, Dataset<Row> df) throws JobException {
    Map<String, StructField> fields = new HashMap<>();
    for (StructField f : df.schema().fields()) {
      if (!f.name().equals(CORRUPT)) {
        fields.put(f.name().toLowerCase(Locale.ROOT), f);
      }
    }
    boolean csv = cfg.format().equals("csv");
    List<Column> cols = new ArrayList<>();
    Column missing = lit(false);
    for (Map.Entry<String, String> c : cfg.columns().entrySet()) {
      StructField f = fields.get(c.getValue().toLowerCase(Locale.ROOT));
      if (f == null) {
        throw new JobException(cfg.inputPath() + ": no column " + Excerpt.quote(c.getValue()) + " for "
            + c.getKey() + " (columns: " + String.join(", ", fields.keySet()) + "; set "
            + "input.columns." + c.getKey() + " in the job configuration)");
      }
      Column v = col("`" + f.name() + "`");
      if (csv || cols.size() > 0) {
        missing = missing.or(v.isNull());
      }
      DataType t = f.dataType();
      if (t.equals(DataTypes.TimestampType) || t.equals(DataTypes.TimestampNTZType)) {
        v = date_format(v, "yyyy-MM-dd'T'HH:mm:ssXXX");
      } else if (!t.equals(DataTypes.StringType)) {
        v = v.cast(DataTypes.StringType);
      }
      // In CSV a null is an empty field unless the row is short.
      cols.add((csv ? coalesce(v, lit("")) : v).as(c.getKey()));
    }
    if (csv) {
      missing = col(CORRUPT).isNotNull().and(missing);
    }
    cols.add(missing.as("missing"));
    cols.add(input_file_name().as("file"));
    return df.select(cols.toArray(Column[]::new));
  }

  /** The configured format, or the one detected from the first non-empty time value. */
  private static TimestampFormat timeFormat(JobConfig cfg, Dataset<Row> input)
      throws JobException {
    if (!cfg.timeFormat().equals("auto")) {
      return TimestampFormat.fromName(cfg.timeFormat());
    }
    String column = cfg.isReport() ? "timestamp" : "start";
    List<Row> first = input.select(trim(col(column))).where(col(column).isNotNull()
        .and(trim(col(column)).notEqual("")).and(col("missing").equalTo(false))).limit(1)
        .collectAsList();
    if (first.isEmpty()) {
      return TimestampFormat.fromName("iso8601"); // no value to parse: every row is skipped
    }
    try {
      return TimestampFormat.detect(first.get(0).getString(0));
    } catch (TimeParseException e) {
      throw new JobException(cfg.inputPath() + ": " + cfg.columns().get(column)
          + ": cannot detect the time format from the first value: " + e.getMessage()
          + " (set time_format in the job configuration)");
    }
  }

  private static TokenFileHeader header(FileSystem fs, Path part) throws IOException,
      JobException {
    byte[] b = new byte[TokenFileHeader.FIXED_LENGTH + 255 * TokenFileHeader.TIER_ENTRY_LENGTH];
    int n;
    try (InputStream in = fs.open(part)) {
      n = in.readNBytes(b, 0, b.length);
    }
    try {
      return TokenFileHeader.decode(ByteBuffer.wrap(b, 0, n));
    } catch (TokenFileException e) {
      throw new JobException(part + ": " + e.getMessage());
    }
  }

  private static TokenFileHeader add(TokenFileHeader a, TokenFileHeader b) {
    List<TokenFileHeader.TierCount> tiers = new ArrayList<>();
    for (int i = 0; i < a.tiers().size(); i++) {
      tiers.add(new TokenFileHeader.TierCount(a.tiers().get(i).tierNumber(),
          a.tiers().get(i).tokens() + b.tiers().get(i).tokens()));
    }
    return new TokenFileHeader(a.role(), a.mode(), a.scopeDigest(), a.keyId(),
        a.records() + b.records(), a.rowsRead() + b.rowsRead(),
        a.rowsSkipped() + b.rowsSkipped(), tiers);
  }

  /**
   * The message for the user if {@code e} is, or wraps, a task's {@link StrictFailure} or
   * {@link KeyholderFailure} (on a cluster only their text crosses, inside Spark's message).
   */
  static String taskMessage(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StrictFailure || t instanceof KeyholderFailure) {
        return t.getMessage();
      }
      String m = t.getMessage();
      String found = marked(m, StrictFailure.class, StrictFailure.MARKER);
      if (found == null) {
        found = marked(m, KeyholderFailure.class, KeyholderFailure.MARKER);
      }
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  private static String marked(String m, Class<?> type, String marker) {
    if (m == null || !m.contains(marker)) {
      return null;
    }
    int end = m.indexOf(marker) + marker.length();
    int start = m.lastIndexOf(type.getName() + ": ", end);
    return start < 0 ? firstLine(m) : m.substring(start + type.getName().length() + 2, end);
  }

  private static String firstLine(String m) {
    if (m == null) {
      return "";
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
