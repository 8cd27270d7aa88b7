package org.blindmatch.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.blindmatch.crypto.tokenfile.TokenFileException;
import org.blindmatch.crypto.tokenfile.TokenFileHeader;
import org.blindmatch.crypto.tokenfile.TokenFileReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code blindmatch inspect FILE}: print a token file's header and verify its checksum. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Print a token file's header and verify its checksum. Prints no tokens.")
final class InspectCommand implements java.util.concurrent.Callable<Integer> {
  @Spec CommandSpec spec;
  @Parameters(paramLabel = "FILE") Path file;

  @picocli.CommandLine.Option(names = "--json", description = "One blindmatch.inspect/v1 "
      + "JSON document (docs/JSON.md) on stdout.")
  boolean json;

  @Override
  public Integer call() throws IOException, TokenFileException {
    try (TokenFileReader reader = TokenFileReader.open(file)) {
      TokenFileHeader h = reader.header();
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        reader.verify(); // before anything is printed: a bad file prints no document
        var doc = JsonOutput.document("inspect");
        doc.put("file", file.toString());
        doc.put("format", TokenFileHeader.FORMAT_VERSION);
        doc.put("role", h.role().name().toLowerCase(java.util.Locale.ROOT));
        doc.put("mode", h.mode().name().toLowerCase(java.util.Locale.ROOT));
        doc.put("scope_digest", h.scopeDigestHex());
        JsonOutput.uint32(doc, "key_id", h.keyId());
        doc.put("rows_read", h.rowsRead());
        doc.put("rows_skipped", h.rowsSkipped());
        doc.put("records", h.records());
        var tiers = doc.putArray("tiers");
        for (TokenFileHeader.TierCount t : h.tiers()) {
          tiers.addObject().put("tier", t.tierNumber()).put("tokens", t.tokens());
        }
        doc.put("checksum", "ok");
        JsonOutput.print(out, doc);
        return 0;
      }
      out.println("token file  " + file);
      out.println("format      v" + TokenFileHeader.FORMAT_VERSION);
      out.println("role        " + h.role().name().toLowerCase(java.util.Locale.ROOT));
      out.println("mode        " + h.mode().name().toLowerCase(java.util.Locale.ROOT));
      out.println("scope       sha256:" + h.scopeDigestHex());
      out.println("key id      " + Integer.toUnsignedString(h.keyId()));
      out.println("input rows  " + h.rowsRead() + " read, " + h.rowsSkipped() + " skipped");
      out.println("records     " + h.records());
      for (TokenFileHeader.TierCount t : h.tiers()) {
        out.println("  tier " + t.tierNumber() + "    " + t.tokens() + " tokens");
      }
      reader.verify();
      out.println("checksum    ok");
    }
    return 0;
  }
}
