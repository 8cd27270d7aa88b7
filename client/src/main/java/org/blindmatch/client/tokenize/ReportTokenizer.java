package org.blindmatch.client.tokenize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.blindmatch.client.csv.CsvException;
import org.blindmatch.client.csv.CsvReader;
import org.blindmatch.client.csv.InputFiles;
import org.blindmatch.crypto.ip.IpAddress;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.scope.Tier;
import org.blindmatch.crypto.time.TimeParseException;
import org.blindmatch.crypto.time.TimestampFormat;
import org.blindmatch.crypto.token.HmacTokenDeriver;
import org.blindmatch.crypto.tokenfile.TokenFileHeader.Role;
import org.blindmatch.crypto.tokenfile.TokenFileWriter;

/**
 * Tokenises a platform's report events: CSV {@code record_id,ip,timestamp} to a report token
 * file (one record per event and tier) and the owner's handle mapping.
 *
 * <p>The calling thread reads, validates and assigns handles; worker threads derive tokens
 * for batches of events, which are written in input order. Streams: memory is bounded by the
 * batches in flight, not by the input. Either both outputs appear complete or neither does.
 * Not thread-safe; use one instance per run.
 */
public final class ReportTokenizer {
  static final String[] COLUMNS = ReportRow.COLUMNS;
  private static final int PROGRESS_EVERY = 1 << 16;

  private final TokenKeying keying;
  private final int threads;

  /**
   * @param keying how tokens are keyed (hmac or oprf)
   * @param threads worker threads deriving tokens (the calling thread parses the input)
   */
  public ReportTokenizer(TokenKeying keying, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1");
    }
    this.keying = keying;
    this.threads = threads;
  }

  /** hmac mode with {@code deriver}. */
  public ReportTokenizer(HmacTokenDeriver deriver, int threads) {
    this(new TokenKeying.Hmac(deriver), threads);
  }

  /**
   * Runs the request.
   *
   * @throws InputException for a fatal input problem (unreadable or empty file, missing
   *     columns, undetectable time format, malformed CSV, a bad row under strict mode, or no
   *     row producing a token); nothing is left on disk
   * @throws IOException if writing fails; nothing is left on disk
   */
  public TokenizeSummary run(TokenizeRequest req) throws InputException, IOException {
    Scope scope = keying.scope();
    int tierCount = scope.tiers().size();
    String source = req.input().toString();
    SkipLedger ledger = new SkipLedger(source, req.strict());
    InputFiles.Opened opened = open(req.input());
    int[] tierNumbers = new int[tierCount];
    for (int t = 0; t < tierCount; t++) {
      tierNumbers[t] = t;
    }
    OprfOutputs oprf = keying instanceof TokenKeying.Oprf o
        ? new OprfOutputs(scope.digest(), o) : null;
    TokenPipeline.BatchTokens tokens = keying instanceof TokenKeying.Hmac h
        ? new HmacBatchTokens(h.deriver()) : new OprfBatchTokens(scope);
    try (OprfOutputs closeOprf = oprf;
        TokenPipeline pipeline = new TokenPipeline(tokens, threads);
        CsvReader csv = new CsvReader(opened.stream(), source);
        MappingWriter mapping = MappingWriter.create(req.mapping(), req.overwrite(), "record_id");
        TokenFileWriter out = TokenFileWriter.create(req.output(), req.overwrite(), Role.REPORT,
            keying.mode(), scope.digest(), keying.keyId(), tierNumbers)) {
      pipeline.writeTo(out);
      OprfStage stage = oprf == null ? null : new OprfStage(scope, oprf, pipeline);
      if (!csv.next()) {
        throw new InputException(source + ": empty file; expected a header line "
            + String.join(",", COLUMNS));
      }
      int[] col = Columns.require(csv, source, COLUMNS);
      int width = Columns.width(col);
      TimestampFormat format = req.timeFormat();
      EventBatch batch = new EventBatch();
      byte[] handle = new byte[HandleDeriver.LENGTH];
      byte[] lastId = new byte[64];
      int lastIdLen = -1;
      HandleDeriver handles = new HandleDeriver(Role.REPORT);
      long rows = 0;
      while (csv.next()) {
        rows++;
        if ((rows & (PROGRESS_EVERY - 1)) == 0) {
          req.progress().update(opened.rawBytesRead().get(), opened.rawSize());
        }
        long line = csv.line();
        if (csv.fieldCount() < width) {
          ledger.badRow(line, "row", "missing_field", "has " + csv.fieldCount()
              + " fields, the header needs " + width);
          continue;
        }
        if (csv.isEmpty(col[0])) {
          ledger.badRow(line, "record_id", "empty_record_id", "empty");
          continue;
        }
        IpAddress address;
        long epochSecond;
        try {
          address = ReportRow.address(csv.view(col[1]));
          CharSequence time = trimmed(csv.view(col[2]));
          if (format == null && time.length() > 0) {
            format = detect(time, source, line);
          }
          epochSecond = ReportRow.epochSecond(time, format, "timestamp");
        } catch (RowSkip skip) {
          ledger.skip(line, skip);
          continue;
        }
        int idLen = csv.fieldLength(col[0]);
        if (idLen != lastIdLen || !csv.fieldEquals(col[0], lastId, idLen)) {
          lastId = csv.copyField(col[0], lastId);
          lastIdLen = idLen;
          handles.derive(lastId, idLen, handle, 0);
          mapping.write(handle, 0, lastId, idLen);
        }
        batch.add(address, epochSecond, handle);
        if (batch.isFull()) {
          submit(batch, stage, pipeline);
          batch = new EventBatch();
        }
      }
      submit(batch, stage, pipeline);
      if (stage != null) {
        stage.drain();
      } else {
        pipeline.drain();
      }
      req.progress().update(opened.rawSize(), opened.rawSize());
      // An event is never skipped from one tier only: each tier gets one record of it.
      return TokenizeOutputs.finish(req, scope, format, rows, ledger, mapping, out,
          oprf == null ? -1 : oprf.evaluated(), List.of());
    } catch (CsvException e) {
      throw new InputException(e.getMessage());
    }
  }

  private static void submit(EventBatch batch, OprfStage stage, TokenPipeline pipeline)
      throws IOException {
    if (stage != null) {
      stage.submit(batch);
    } else {
      pipeline.submit(batch);
    }
  }

  static InputFiles.Opened open(Path input) throws InputException {
    if (!Files.isRegularFile(input)) {
      throw new InputException(input + ": no such file");
    }
    try {
      return InputFiles.open(input);
    } catch (IOException e) {
      throw new InputException(input + ": cannot read: " + e.getMessage(), e);
    }
  }

  static TimestampFormat detect(CharSequence value, String source, long line)
      throws InputException {
    try {
      return TimestampFormat.detect(value);
    } catch (TimeParseException e) {
      throw new InputException(source + ":" + line + ": timestamp: " + e.getMessage());
    }
  }

  static List<String> tierNames(Scope scope) {
    List<String> names = new ArrayList<>();
    for (Tier t : scope.tiers()) {
      names.add(t.name());
    }
    return names;
  }

  /** The value without surrounding ASCII spaces and tabs (CSV exports often pad). */
  static CharSequence trimmed(CharSequence s) {
    return ReportRow.trimmed(s);
  }
}
