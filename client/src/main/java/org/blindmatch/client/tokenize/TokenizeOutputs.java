package org.blindmatch.client.tokenize;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.time.TimestampFormat;
import org.blindmatch.crypto.tokenfile.TokenFileHeader;
import org.blindmatch.crypto.tokenfile.TokenFileWriter;

/** How every tokenize run ends: refuse an empty result, then publish both outputs or none. */
final class TokenizeOutputs {
  private TokenizeOutputs() {}

  /**
   * Checks that the input had rows and at least one produced a token, then commits the
   * mapping and the token file; if the token file cannot be committed the mapping is removed.
   *
   * @param oprfEvaluations distinct addresses evaluated through keyholders, or -1 in hmac mode
   * @param coverage per tier, its skips and labels without a token (empty for reports)
   * @throws InputException if there were no rows or every row was skipped
   */
  static TokenizeSummary finish(TokenizeRequest req, Scope scope, TimestampFormat format,
      long rows, SkipLedger ledger, MappingWriter mapping, TokenFileWriter out,
      long oprfEvaluations, List<TierCoverage> coverage) throws InputException, IOException {
    String source = req.input().toString();
    if (rows == 0) {
      throw new InputException(source + ": no data rows after the header; nothing to tokenize");
    }
    if (rows == ledger.total()) {
      throw new InputException(source + ": none of the " + rows + " rows produced a token "
          + "(skipped: " + ledger.counts() + ")"
          + (ledger.messages().isEmpty() ? "" : "; first problem: " + ledger.messages().get(0)));
    }
    mapping.commit();
    TokenFileHeader header;
    try {
      header = out.finish(rows, ledger.total());
    } catch (IOException | RuntimeException e) {
      // The mapping is already in place: remove it, so that neither output survives.
      Files.deleteIfExists(req.mapping());
      throw e;
    }
    return new TokenizeSummary(req.output(), req.mapping(), header,
        ReportTokenizer.tierNames(scope), format, mapping.lines(), ledger.counts(),
        ledger.messages(), ledger.noted(), oprfEvaluations, coverage);
  }
}
