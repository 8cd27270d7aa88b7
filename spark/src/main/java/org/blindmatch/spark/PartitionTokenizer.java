package org.blindmatch.spark;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.blindmatch.client.tokenize.HandleDeriver;
import org.blindmatch.crypto.token.HmacTokenDeriver;
import org.blindmatch.crypto.tokenfile.TokenFileHeader;
import org.blindmatch.crypto.tokenfile.TokenFileWriter;

/**
 * Tokenises one partition: rows in ({@code id, ip, time columns…, missing, file}: the role's
 * columns as strings, whether the row lacks a required field, the input file), one part
 * token file {@code part-NNNNN.bmt} out (written locally, then copied to the run's tokens
 * directory and renamed into place, so a retried task replaces it whole), and a lazy
 * stream of {@link #OUTPUT} rows: the handle mapping lines and the skipped rows with their
 * reasons. Memory stays bounded whatever the partition size. One instance per task.
 */
abstract class PartitionTokenizer implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  /** Output row kinds. */
  static final String MAPPING = "map";
  static final String SKIP = "skip";

  /** kind, handle (hex), id (record id or label), file, field, reason, detail, policy. */
  static final StructType OUTPUT = new StructType()
      .add("kind", DataTypes.StringType, false)
      .add("handle", DataTypes.StringType, true)
      .add("id", DataTypes.StringType, true)
      .add("file", DataTypes.StringType, true)
      .add("field", DataTypes.StringType, true)
      .add("reason", DataTypes.StringType, true)
      .add("detail", DataTypes.StringType, true)
      .add("policy", DataTypes.BooleanType, true);

  private static final java.util.HexFormat HEX = java.util.HexFormat.of();

  final PartSettings settings;
  private final ReasonCounts counts;
  private final TokenFileHeader.Role role;

  PartitionTokenizer(PartSettings settings, ReasonCounts counts, TokenFileHeader.Role role) {
    this.settings = settings;
    this.counts = counts;
    this.role = role;
  }

  /** Per-task state of a subclass: handles one input row. */
  interface RowHandler {
    void row(Row in, Sink out) throws IOException;
  }

  /** Where a row handler puts its results. */
  final class Sink {
    final TokenFileWriter tokens;
    final ArrayDeque<Row> pending = new ArrayDeque<>();
    long skipped;

    Sink(TokenFileWriter tokens) {
      this.tokens = tokens;
    }

    void mapping(byte[] handle, String id) {
      pending.add(RowFactory.create(MAPPING, HEX.formatHex(handle), id, null, null, null, null,
          null));
    }

    /** Records a skipped row; in strict mode a malformed row fails the task. */
    void skip(Row in, String id, String field, String reason, String detail, boolean policy) {
      String file = in.getString(in.length() - 1);
      if (!policy && settings.strict()) {
        throw new StrictFailure(file + ": " + field + ": " + detail);
      }
      skipped++;
      counts.add(reason);
      pending.add(RowFactory.create(SKIP, null, id, file, field, reason, detail, policy));
    }
  }

  /** A handler for one task, deriving tokens with {@code deriver} and handles with {@code handles}. */
  abstract RowHandler handler(HmacTokenDeriver deriver, HandleDeriver handles);

  HandleDeriver handles() {
    try {
      return new HandleDeriver(role, TinkProtoKeysetFormat.parseKeyset(settings.handleKey(),
          InsecureSecretKeyAccess.get()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the run's handle key", e);
    }
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) throws IOException {
    if (!input.hasNext()) {
      return java.util.Collections.emptyIterator();
    }
    HmacTokenDeriver deriver = settings.keys().deriver();
    int tiers = deriver.scope().tiers().size();
    int[] tierNumbers = new int[tiers];
    for (int t = 0; t < tiers; t++) {
      tierNumbers[t] = t;
    }
    java.nio.file.Path local = Files.createTempFile("blindmatch-part-", ".bmt");
    TokenFileWriter writer = TokenFileWriter.create(local, true, role,
        TokenFileHeader.KeyMode.HMAC, deriver.scope().digest(), deriver.keyId(), tierNumbers);
    Sink sink = new Sink(writer);
    RowHandler handler = handler(deriver, handles());
    return new Iterator<>() {
      private long rows;
      private boolean finished;

      @Override
      public boolean hasNext() {
        try {
          while (sink.pending.isEmpty() && !finished) {
            if (input.hasNext()) {
              rows++;
              handler.row(input.next(), sink);
            } else {
              finish();
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
          closeQuietly();
          throw e;
        }
        return !sink.pending.isEmpty();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return sink.pending.poll();
      }

      private void finish() throws IOException {
        finished = true;
        flushHandler(handler);
        writer.finish(rows, sink.skipped);
        publish(local);
      }

      private void closeQuietly() {
        finished = true;
        try {
          writer.close();
          Files.deleteIfExists(local);
        } catch (IOException ignored) {
          // the task fails anyway
        }
      }
    };
  }

  /** Column {@code i} as text; null (a missing value in Parquet or JSON) reads as empty. */
  static String text(Row in, int i) {
    return in.isNullAt(i) ? "" : in.getString(i);
  }

  /** Whether the row lacks a required field (the CLI's {@code missing_field}). */
  static boolean missing(Row in) {
    return in.getBoolean(in.length() - 2);
  }

  /** Lets a handler write records it still buffers. */
  void flushHandler(RowHandler handler) throws IOException {}

  /** Copies the finished part to the tokens directory under its partition's name. */
  private void publish(java.nio.file.Path local) throws IOException {
    TaskContext task = TaskContext.get();
    String name = String.format("part-%05d.bmt", task.partitionId());
    Configuration conf = new Configuration(false);
    settings.hadoopConf().forEach(conf::set);
    Path dir = new Path(settings.tokensDir());
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
