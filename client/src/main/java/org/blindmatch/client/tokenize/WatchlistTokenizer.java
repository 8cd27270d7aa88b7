package org.blindmatch.client.tokenize;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.blindmatch.client.csv.CsvException;
import org.blindmatch.client.csv.CsvReader;
import org.blindmatch.client.csv.InputFiles;
import org.blindmatch.crypto.ip.AddressClass;
import org.blindmatch.crypto.ip.AddressClassifier;
import org.blindmatch.crypto.ip.IpAddress;
import org.blindmatch.crypto.ip.IpParseException;
import org.blindmatch.crypto.ip.IpParser;
import org.blindmatch.crypto.ip.IpPrefix;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.scope.Tier;
import org.blindmatch.crypto.time.BucketRange;
import org.blindmatch.crypto.time.TimeParseException;
import org.blindmatch.crypto.time.TimestampFormat;
import org.blindmatch.crypto.time.WindowException;
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
 * every tier's caps before any of its tokens is written, so it is expanded entirely or not
 * at all. One instance per run; not thread-safe.
 */
public final class WatchlistTokenizer {
  static final String[] COLUMNS = {"label", "ip", "start", "end"};
  /** Most tokens one row may expand to in one tier, whatever the caps multiply to. */
  public static final long MAX_TOKENS_PER_ROW_AND_TIER = 1L << 24;

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
   * @throws InputException as for {@link ReportTokenizer#run}; also for windows and CIDRs
   *     over their caps under strict mode
   * @throws IOException if writing fails; nothing is left on disk
   */
  public TokenizeSummary run(TokenizeRequest req) throws InputException, IOException {
    Scope scope = keying.scope();
    List<Tier> tiers = scope.tiers();
    int tierCount = tiers.size();
    WindowExpander[] expanders = new WindowExpander[tierCount];
    int[] tierNumbers = new int[tierCount];
    for (int t = 0; t < tierCount; t++) {
      Tier tier = tiers.get(t);
      expanders[t] = new WindowExpander(tier.bucketWidth(), tier.watchlistToleranceSeconds(),
          tier.maxBucketsPerWindow());
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
        IpPrefix prefix;
        try {
          prefix = IpParser.parseCidr(ReportTokenizer.trimmed(csv.view(col[1])));
        } catch (IpParseException e) {
          ledger.badRow(line, "ip", "bad_ip", e.reason().description());
          continue;
        }
        AddressClass cls = AddressClassifier.classify(prefix);
        if (cls != AddressClass.GLOBAL) {
          ledger.policySkip("non_routable:" + cls.reason());
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
        long start;
        long end;
        try {
          start = format.parseEpochSecond(startText);
        } catch (TimeParseException e) {
          ledger.badRow(line, "start", "bad_timestamp", e.problem()
              + " (file format: " + format.cliName() + ")");
          continue;
        }
        try {
          end = format.parseEpochSecond(endText);
        } catch (TimeParseException e) {
          ledger.badRow(line, "end", "bad_timestamp", e.problem()
              + " (file format: " + format.cliName() + ")");
          continue;
        }
        if (!checkCaps(prefix, start, end, tiers, expanders, ranges, ledger, line)) {
          continue;
        }
        byte[] handle = labelHandles.get(label);
        if (handle == null) {
          handle = new byte[HandleDeriver.LENGTH];
          byte[] bytes = label.getBytes(StandardCharsets.UTF_8);
          handles.derive(bytes, bytes.length, handle, 0);
          mapping.write(handle, 0, bytes, bytes.length);
          labelHandles.put(label, handle);
        }
        for (int t = 0; t < tierCount; t++) {
          int bits = tiers.get(t).prefixFor(prefix.family());
          for (Iterator<IpAddress> it = prefix.addressesAt(bits); it.hasNext(); ) {
            sink.add(t, bits, it.next(), ranges[t], handle);
          }
        }
        sink.rowDone();
      }
      sink.finish();
      req.progress().update(opened.rawSize(), opened.rawSize());
      return TokenizeOutputs.finish(req, scope, format, rows, ledger, mapping, out,
          sink.oprfEvaluations());
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

  /** Checks one row against every tier's caps, filling {@code ranges}; false if skipped. */
  private static boolean checkCaps(IpPrefix prefix, long start, long end, List<Tier> tiers,
      WindowExpander[] expanders, BucketRange[] ranges, SkipLedger ledger, long line)
      throws InputException {
    for (int t = 0; t < tiers.size(); t++) {
      Tier tier = tiers.get(t);
      int bits = tier.prefixFor(prefix.family());
      long addresses = prefix.countAt(bits);
      if (addresses > tier.maxAddressesPerCidr()) {
        ledger.badRow(line, "ip", "cidr_over_cap", "/" + prefix.length() + " expands to "
            + (addresses == Long.MAX_VALUE ? "more than 2^63" : Long.toString(addresses))
            + " addresses at /" + bits + " in tier " + tier.name()
            + ", over its max_addresses_per_cidr of " + tier.maxAddressesPerCidr());
        return false;
      }
      try {
        ranges[t] = expanders[t].expand(start, end);
      } catch (WindowException e) {
        ledger.badRow(line, "start,end", "bad_window", e.getMessage() + " (tier " + tier.name()
            + ")");
        return false;
      }
      if (addresses * ranges[t].count() > MAX_TOKENS_PER_ROW_AND_TIER) {
        ledger.badRow(line, "ip", "row_over_cap", "expands to " + addresses + " addresses × "
            + ranges[t].count() + " buckets in tier " + tier.name() + ", over the limit of "
            + MAX_TOKENS_PER_ROW_AND_TIER + " tokens per row and tier");
        return false;
      }
    }
    return true;
  }
}
