package org.blindmatch.spark;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
import org.apache.spark.util.TaskCompletionListener;
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
 * columns as strings, whether the row lacks a required field, the input file); out, one part
 * token file {@code part-NNNNN.bmt} and, if any row was skipped, one rejects file
 * {@code part-NNNNN.csv} (each written locally, then copied to the run's directory and
 * renamed into place, so a retried task replaces it whole), and a lazy stream of handle
 * mapping rows ({@link #output}). Memory stays bounded whatever the partition size.
 */
abstract class PartitionTokenizer implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  /** Output rows: handle (hex), id (record id or label). */
  static StructType output(String idName) {
    return new StructType().add("handle", DataTypes.StringType, false)
        .add(idName, DataTypes.StringType, false);
  }

  /** Header of the rejects part files ({@code id} is record_id or label). */
  static String rejectsHeader(String idName) {
    return "file," + idName + ",field,reason,detail,policy\n";
  }

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
    final java.nio.file.Path rejectsFile;
    private java.io.Writer rejects;
    long skipped;

    Sink(TokenFileWriter tokens, java.nio.file.Path rejectsFile) {
      this.tokens = tokens;
      this.rejectsFile = rejectsFile;
    }

    void mapping(byte[] handle, String id) {
      pending.add(RowFactory.create(HEX.formatHex(handle), id));
    }

    /** Records a skipped row; in strict mode a malformed row fails the task. */
    void skip(Row in, String id, String field, String reason, String detail, boolean policy) {
      String file = in.getString(in.length() - 1);
      if (!policy && settings.strict()) {
        throw new StrictFailure(file + ": " + field + ": " + detail);
      }
      skipped++;
      counts.add(reason);
      try {
        if (rejects == null) {
          rejects = Files.newBufferedWriter(rejectsFile, StandardCharsets.UTF_8);
          rejects.write(rejectsHeader(settings.idName()));
        }
        rejects.write(csv(file) + "," + csv(id) + "," + csv(field) + "," + csv(reason) + ","
            + csv(detail) + "," + policy + "\n");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Closes the rejects file; true if it holds any row. */
    boolean closeRejects() throws IOException {
      if (rejects == null) {
        return false;
      }
      rejects.close();
      return true;
    }
  }

  /** A handler for one task, deriving tokens with {@code deriver} and handles with {@code handles}. */
  abstract RowHandler handler(HmacTokenDeriver deriver, HandleDeriver handles);

  @SuppressWarnings("deprecation") // the per-run key crosses to executors in Tink's format
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
    java.nio.file.Path localRejects = Files.createTempFile("blindmatch-rejects-", ".csv");
    TokenFileWriter writer = TokenFileWriter.create(local, true, role,
        TokenFileHeader.KeyMode.HMAC, deriver.scope().digest(), deriver.keyId(), tierNumbers);
    // A killed or failed task leaves no local part behind.
    TaskContext.get().addTaskCompletionListener((TaskCompletionListener) ctx -> {
      try {
        writer.close();
        Files.deleteIfExists(local);
        Files.deleteIfExists(localRejects);
      } catch (IOException ignored) {
        // temporary directory: best effort
      }
    });
    Sink sink = new Sink(writer, localRejects);
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
        publish(local, settings.tokensDir(), "bmt");
        if (sink.closeRejects()) {
          publish(localRejects, settings.rejectsDir(), "csv");
        }
      }

      private void closeQuietly() {
        finished = true;
        try {
          writer.close();
          sink.closeRejects();
          Files.deleteIfExists(local);
          Files.deleteIfExists(localRejects);
        } catch (IOException ignored) {
          // the task fails anyway
        }
      }
    };
  }

  /** A CSV field per RFC 4180 (quoted when needed); null as empty. */
  static String csv(String v) {
    if (v == null) {
      return "";
    }
    if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) {
      return v;
    }
    return "\"" + v.replace("\"", "\"\"") + "\"";
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

  /** Moves a finished local file into {@code dirName} under its partition's name. */
  private void publish(java.nio.file.Path local, String dirName, String ext)
      throws IOException {
    TaskContext task = TaskContext.get();
    String name = String.format("part-%05d.%s", task.partitionId(), ext);
    Configuration conf = new Configuration(false);
    settings.hadoopConf().forEach(conf::set);
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
