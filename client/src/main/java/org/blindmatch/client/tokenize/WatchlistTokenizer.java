package org.blindmatch.client.tokenize;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.blindmatch.client.csv.CsvException;
import org.blindmatch.client.csv.CsvReader;
import org.blindmatch.client.csv.InputFiles;
import org.blindmatch.crypto.ip.IpPrefix;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.scope.Tier;
import org.blindmatch.crypto.time.BucketRange;
import org.blindmatch.crypto.time.TimestampFormat;
import org.blindmatch.crypto.time.WindowExpander;
import org.blindmatch.crypto.token.HmacTokenDeriver;
import org.blindmatch.crypto.tokenfile.TokenFileHeader.Role;
import org.blindmatch.crypto.tokenfile.TokenFileWriter;

/**
 * Tokenises an NGO watchlist: CSV {@code label,ip,start,end}, where {@code ip} is an address
 * or CIDR and {@code [start, end]} the window it was observed in, to a watchlist token file
 * and the owner's label mapping.
 *
 * <p>Per tier, each row expands to every masked address of its CIDR at the tier's prefix
 * times every bucket of its window widened by the tier's tolerance. A row is checked against
 * every tier's caps before any of its tokens is written: a tier whose caps it exceeds skips it
 * (counted for that tier), every other tier expands it entirely. The summary names, per tier,
 * the labels that got no token in it. One instance per run; not thread-safe.
 */
public final class WatchlistTokenizer {
  static final String[] COLUMNS = WatchlistRow.COLUMNS;
  /** Most tokens one row may expand to in one tier, whatever the caps multiply to. */
  public static final long MAX_TOKENS_PER_ROW_AND_TIER = WatchlistRow.MAX_TOKENS_PER_ROW_AND_TIER;

  private final TokenKeying keying;

  /** @param keying how tokens are keyed (hmac or oprf) */
  public WatchlistTokenizer(TokenKeying keying) {
    this.keying = keying;
  }

  /** hmac mode with {@code deriver}. */
  public WatchlistTokenizer(HmacTokenDeriver deriver) {
    this(new TokenKeying.Hmac(deriver));
  }

  /**
   * Runs the request.
   *
   * @throws InputException as for {@link ReportTokenizer#run}; also for a window or CIDR
   *     over a tier's caps under strict mode
   * @throws IOException if writing fails; nothing is left on disk
   */
  public TokenizeSummary run(TokenizeRequest req) throws InputException, IOException {
    Scope scope = keying.scope();
    List<Tier> tiers = scope.tiers();
    int tierCount = tiers.size();
    WindowExpander[] expanders = WatchlistRow.expanders(scope);
    int[] tierNumbers = new int[tierCount];
    for (int t = 0; t < tierCount; t++) {
      tierNumbers[t] = t;
    }
    String source = req.input().toString();
    SkipLedger ledger = new SkipLedger(source, req.strict());
    InputFiles.Opened opened = ReportTokenizer.open(req.input());
    try (CsvReader csv = new CsvReader(opened.stream(), source);
        MappingWriter mapping = MappingWriter.create(req.mapping(), req.overwrite(), "label");
        TokenFileWriter out = TokenFileWriter.create(req.output(), req.overwrite(),
            Role.WATCHLIST, keying.mode(), scope.digest(), keying.keyId(), tierNumbers);
        WatchlistTokens sink = sink(scope, out)) {
      if (!csv.next()) {
        throw new InputException(source + ": empty file; expected a header line "
            + String.join(",", COLUMNS));
      }
      int[] col = Columns.require(csv, source, COLUMNS);
      int width = Columns.width(col);
      TimestampFormat format = req.timeFormat();
      HandleDeriver handles = new HandleDeriver(Role.WATCHLIST);
      Map<String, byte[]> labelHandles = new HashMap<>();
      BucketRange[] ranges = new BucketRange[tierCount];
      RowSkip[] tierSkips = new RowSkip[tierCount];
      List<String> tierNames = ReportTokenizer.tierNames(scope);
      LabelCoverage coverage = new LabelCoverage();
      long rows = 0;
      while (csv.next()) {
        rows++;
        req.progress().update(opened.rawBytesRead().get(), opened.rawSize());
        long line = csv.line();
        if (csv.fieldCount() < width) {
          ledger.badRow(line, "row", "missing_field", "has " + csv.fieldCount()
              + " fields, the header needs " + width);
          continue;
        }
        String label = csv.field(col[0]).trim();
        if (label.isEmpty()) {
          ledger.badRow(line, "label", "empty_label", "empty");
          continue;
        }
        coverage.seen(label);
        IpPrefix prefix;
        try {
          prefix = WatchlistRow.prefix(csv.view(col[1]));
        } catch (RowSkip skip) {
          ledger.skip(line, skip);
          continue;
        }
        CharSequence startText = ReportTokenizer.trimmed(csv.view(col[2]));
        CharSequence endText = ReportTokenizer.trimmed(csv.view(col[3]));
        if (startText.length() == 0 || endText.length() == 0) {
          ledger.badRow(line, startText.length() == 0 ? "start" : "end", "bad_timestamp",
              "empty");
          continue;
        }
        if (format == null) {
          format = ReportTokenizer.detect(startText, source, line);
        }
        int kept;
        try {
          long start = ReportRow.epochSecond(startText, format, "start");
          long end = ReportRow.epochSecond(endText, format, "end");
          kept = WatchlistRow.ranges(prefix, start, end, tiers, expanders, ranges, tierSkips);
        } catch (RowSkip skip) {
          ledger.skip(line, skip);
          continue;
        }
        if (kept == 0) {
          ledger.everyTierSkip(line, tierNames, tierSkips);
          continue;
        }
        for (int t = 0; t < tierCount; t++) {
          if (tierSkips[t] != null) {
            ledger.tierSkip(line, tierNames.get(t), tierSkips[t]);
          } else {
            coverage.covered(label, t);
          }
        }
        byte[] handle = labelHandles.get(label);
        if (handle == null) {
          handle = new byte[HandleDeriver.LENGTH];
          byte[] bytes = label.getBytes(StandardCharsets.UTF_8);
          handles.derive(bytes, bytes.length, handle, 0);
          mapping.write(handle, 0, bytes, bytes.length);
          labelHandles.put(label, handle);
        }
        sink.addRow(prefix, ranges, handle);
      }
      sink.finish();
      req.progress().update(opened.rawSize(), opened.rawSize());
      return TokenizeOutputs.finish(req, scope, format, rows, ledger, mapping, out,
          sink.oprfEvaluations(), coverage.result(tierNames, ledger.tierCounts()));
    } catch (CsvException e) {
      throw new InputException(e.getMessage());
    }
  }

  private WatchlistTokens sink(Scope scope, TokenFileWriter out) {
    if (keying instanceof TokenKeying.Hmac h) {
      return new WatchlistTokens.Hmac(h.deriver(), out);
    }
    return new WatchlistTokens.Oprf(scope,
        new OprfOutputs(scope.digest(), (TokenKeying.Oprf) keying), out);
  }
}
