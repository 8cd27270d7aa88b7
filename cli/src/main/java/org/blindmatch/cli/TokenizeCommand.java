package org.blindmatch.cli;

import org.blindmatch.crypto.ec.P256Backends;
import org.blindmatch.client.federation.FederationException;
import com.google.crypto.tink.KeysetHandle;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.blindmatch.client.tokenize.InputException;
import org.blindmatch.client.tokenize.ProgressListener;
import org.blindmatch.client.tokenize.ReportTokenizer;
import org.blindmatch.client.oprf.KeyholderPool;
import org.blindmatch.client.tokenize.TokenKeying;
import org.blindmatch.client.tokenize.TokenizeRequest;
import org.blindmatch.client.tokenize.TierCoverage;
import org.blindmatch.client.tokenize.TokenProvenance;
import org.blindmatch.client.tokenize.TokenizeSummary;
import org.blindmatch.client.tokenize.WatchlistTokenizer;
import org.blindmatch.crypto.keys.EncryptedKeysetFile;
import org.blindmatch.crypto.keys.KeysetException;
import org.blindmatch.crypto.keys.TokenKeyset;
import org.blindmatch.crypto.oprf.OprfException;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.scope.ScopeException;
import org.blindmatch.crypto.scope.ScopeLoader;
import org.blindmatch.crypto.time.TimestampFormat;
import org.blindmatch.crypto.token.HmacTokenDeriver;
import org.blindmatch.crypto.tokenfile.TokenFileHeader;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code blindmatch tokenize}: reports or a watchlist to a token file and a local mapping. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
    description = {
      "Turn report events (record_id,ip,timestamp) or a watchlist (label,ip,start,end) into a "
          + "token file, plus a mapping of opaque handles to your record ids or labels that "
          + "stays with you.",
      "Input may be gzip-compressed. Rows in non-routable address space are skipped and "
          + "counted; malformed rows are skipped and reported (or fatal with --strict)."})
final class TokenizeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  static final class Input {
    @Option(names = "--reports", paramLabel = "CSV", required = true,
        description = "Report events: header record_id,ip,timestamp (platform side).")
    Path reports;

    @Option(names = "--watchlist", paramLabel = "CSV", required = true,
        description = "Watchlist: header label,ip,start,end; ip may be a CIDR (NGO side).")
    Path watchlist;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  @Option(names = "--scope", required = true, paramLabel = "FILE",
      description = "Scope file (YAML or JSON) shared by every party.")
  Path scopeFile;

  @Option(names = "--keyset", paramLabel = "FILE",
      description = "hmac mode: the encrypted token keyset (see 'blindmatch keys new').")
  Path keysetFile;

  @Option(names = "--key-id", paramLabel = "ID",
      description = "Use this key of the keyset instead of the primary.")
  String keyId;

  @Option(names = "--mode", defaultValue = "hmac", paramLabel = "MODE",
      description = "Token mode: hmac (default; needs --keyset) or oprf (needs --keyholders, "
          + "--oprf-key and --profile).")
  String mode;

  @Mixin OprfOptions oprf;

  @Option(names = "--profile", paramLabel = "FILE",
      description = "oprf mode: your node profile; its TLS identity talks to the keyholders.")
  Path profile;

  @Option(names = "--out", required = true, paramLabel = "FILE",
      description = "Token file to write.")
  Path out;

  @Option(names = "--map", paramLabel = "FILE",
      description = "Handle mapping to write (default: <out>.map.csv). Keep it private.")
  Path map;

  @Option(names = "--time-format", defaultValue = "auto", paramLabel = "FORMAT",
      description = "auto (detect once from the file's first timestamp), iso8601, "
          + "epoch-seconds or epoch-millis.")
  String timeFormat;

  @Option(names = "--strict", description = "Stop at the first malformed row.")
  boolean strict;

  @Option(names = "--force", description = "Replace existing output files (the token file, "
      + "its mapping and its .provenance).")
  boolean force;

  /**
   * Set by {@code submit --reports/--watchlist}: outputs of an earlier run made from the same
   * input, scope and key are kept and reused instead of refused (see {@link TokenProvenance}).
   */
  boolean reuseIfUnchanged;

  @Option(names = "--no-progress", description = "Never show a progress bar.")
  boolean noProgress;

  @Option(names = "--json", description = "One blindmatch.tokenize/v1 JSON document "
      + "(docs/JSON.md) on stdout; skipped-row messages go to stderr.")
  boolean json;

  @Option(names = "--threads", paramLabel = "N",
      description = "Threads deriving tokens (default: the number of processors).")
  Integer threads;

  @Mixin PassphraseOptions passphrase;

  @Override
  public Integer call() throws InputException, FederationException, IOException, ScopeException,
      KeysetException, OprfException {
    if (!mode.equals("hmac") && !mode.equals("oprf")) {
      throw new InputException("--mode " + mode + ": expected hmac or oprf");
    }
    TimestampFormat format = null;
    if (!timeFormat.equals("auto")) {
      try {
        format = TimestampFormat.fromName(timeFormat);
      } catch (IllegalArgumentException e) {
        throw new InputException("--time-format: " + e.getMessage());
      }
    }
    Scope scope = ScopeLoader.load(scopeFile);
    if (mode.equals("hmac")) {
      oprf.requireUnused();
      if (profile != null) {
        throw new InputException("--profile is for oprf mode");
      }
      return run(scope, format, new TokenKeying.Hmac(hmacDeriver(scope)));
    }
    if (keysetFile != null || keyId != null) {
      throw new InputException("--keyset and --key-id are for hmac mode; oprf mode asks the "
          + "keyholders");
    }
    PrintWriter err = spec.commandLine().getErr();
    try (KeyholderPool pool = oprf.connect(profile, line -> {
      err.println("warning: " + line);
      err.flush();
    })) {
      return run(scope, format, oprf.keying(scope, pool));
    }
  }

  private HmacTokenDeriver hmacDeriver(Scope scope) throws InputException, KeysetException {
    if (keysetFile == null) {
      throw new InputException("hmac mode needs --keyset");
    }
    char[] p = passphrase.read(false);
    try {
      KeysetHandle keyset = EncryptedKeysetFile.read(keysetFile, TokenKeyset.PURPOSE, p);
      TokenKeyset.SelectedKey key =
          TokenKeyset.select(keyset, keyId == null ? null : KeyIds.parse(keyId));
      return new HmacTokenDeriver(scope, key.key(), key.id());
    } finally {
      Arrays.fill(p, '\0');
    }
  }

  private int run(Scope scope, TimestampFormat format, TokenKeying keying)
      throws InputException, IOException {
    Path inputFile = input.reports != null ? input.reports : input.watchlist;
    Path mapping = map != null ? map : Path.of(out + ".map.csv");
    if (sameFile(mapping, out) || sameFile(mapping, inputFile) || sameFile(out, inputFile)) {
      throw new InputException("--out, --map and the input must be three different files");
    }
    for (Path target : new Path[] {out, mapping}) {
      Path parent = target.toAbsolutePath().getParent();
      if (!Files.isDirectory(parent)) {
        throw new InputException(target + ": cannot write: directory " + parent
            + " does not exist");
      }
    }
    if (!Files.isRegularFile(inputFile)) {
      throw new InputException(inputFile + ": no such file");
    }
    byte[] inputDigest = TokenProvenance.sha256(inputFile);
    Path provenance = TokenProvenance.fileOf(out);
    TokenProvenance.Source source = new TokenProvenance.Source(
        input.reports != null ? TokenFileHeader.Role.REPORT : TokenFileHeader.Role.WATCHLIST,
        inputDigest, scope.digest(), keying.mode(), keying.keyId());
    if (!force) {
      if (reuseIfUnchanged && TokenProvenance.reusable(source, out, mapping)) {
        printReuse(source, scope, inputFile, mapping);
        return 0;
      }
      for (Path existing : new Path[] {out, mapping, provenance}) {
        if (Files.exists(existing)) {
          throw new java.nio.file.FileAlreadyExistsException(existing.toString(), null,
              "already exists (pass --force to replace it)");
        }
      }
    }
    ProgressBar bar = progressBar(inputFile);
    ProgressListener progress = bar == null ? ProgressListener.NONE
        : (read, total) -> bar.stepTo(read);
    TokenizeSummary summary;
    try {
      TokenizeRequest request = new TokenizeRequest(inputFile, out, mapping, force, strict,
          format, progress);
      summary = input.reports != null
          ? new ReportTokenizer(keying, threadCount()).run(request)
          : new WatchlistTokenizer(keying).run(request);
    } finally {
      if (bar != null) {
        bar.close();
      }
    }
    // Written last: a provenance is only ever next to the outputs it describes.
    try {
      TokenProvenance.describe(inputDigest, out, mapping).write(provenance, true);
    } catch (org.blindmatch.crypto.tokenfile.TokenFileException e) {
      throw new IllegalStateException("the token file just written does not read back", e);
    }
    print(summary, scope, inputFile);
    return 0;
  }

  private void printReuse(TokenProvenance.Source source, Scope scope, Path inputFile,
      Path mapping) throws IOException {
    TokenFileHeader h;
    try (var r = org.blindmatch.crypto.tokenfile.TokenFileReader.open(out)) {
      h = r.header();
    } catch (org.blindmatch.crypto.tokenfile.TokenFileException e) {
      throw new IllegalStateException("checked token file does not read back", e);
    }
    PrintWriter w = spec.commandLine().getOut();
    if (json) {
      var doc = JsonOutput.document("tokenize");
      doc.put("input", inputFile.toString());
      doc.put("role", h.role().name().toLowerCase(Locale.ROOT));
      doc.put("scope_id", scope.id());
      doc.put("scope_digest", scope.digestHex());
      doc.put("mode", h.mode().name().toLowerCase(Locale.ROOT));
      JsonOutput.uint32(doc, "key_id", h.keyId());
      doc.put("tokens", h.records());
      doc.put("wrote", out.toString());
      doc.put("mapping", mapping.toString());
      doc.put("reused", true);
      JsonOutput.print(w, doc);
      return;
    }
    w.println("input        " + inputFile + " (" + h.role().name().toLowerCase(Locale.ROOT)
        + ", sha256:" + TokenProvenance.shortHex(source.inputSha256()) + "…)");
    w.println("scope        " + scope.id() + " sha256:" + scope.digestHex());
    w.println("key id       " + Integer.toUnsignedString(h.keyId()) + " ("
        + h.mode().name().toLowerCase(Locale.ROOT) + ")");
    w.println("reusing      " + out + " (" + h.records() + " tokens) and " + mapping
        + ": made from this input, scope and key (" + TokenProvenance.fileOf(out)
        + "); not re-tokenized, handles unchanged");
  }

  private int threadCount() throws InputException {
    int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    if (n < 1 || n > 256) {
      throw new InputException("--threads: " + n + " is not in 1..256");
    }
    return n;
  }

  /** Whether two paths name one file: same normalised path, or (if both exist) same inode. */
  private static boolean sameFile(Path a, Path b) throws IOException {
    if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
      return true;
    }
    return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
  }

  private ProgressBar progressBar(Path inputFile) {
    if (noProgress || System.console() == null) {
      return null;
    }
    return new ProgressBarBuilder()
        .setTaskName("tokenize " + inputFile.getFileName())
        .setInitialMax(Math.max(1, inputFile.toFile().length()))
        .setUnit(" MiB", 1 << 20)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(250)
        .setConsumer(new ConsoleProgressBarConsumer(System.err))
        .build();
  }

  private void print(TokenizeSummary s, Scope scope, Path inputFile) {
    PrintWriter w = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    TokenFileHeader h = s.header();
    if (json) {
      for (String m : s.badRowMessages()) {
        err.println("skipped " + m);
      }
      var doc = JsonOutput.document("tokenize");
      doc.put("input", inputFile.toString());
      doc.put("role", h.role().name().toLowerCase(Locale.ROOT));
      doc.put("timestamps", s.timeFormat() == null ? null : s.timeFormat().cliName());
      doc.put("scope_id", scope.id());
      doc.put("scope_digest", scope.digestHex());
      doc.put("mode", h.mode().name().toLowerCase(Locale.ROOT));
      JsonOutput.uint32(doc, "key_id", h.keyId());
      if (h.mode() != TokenFileHeader.KeyMode.HMAC) {
        doc.put("oprf_evaluations", s.oprfEvaluations());
      }
      doc.put("rows_read", h.rowsRead());
      doc.put("rows_skipped", h.rowsSkipped());
      var skips = doc.putObject("skips");
      s.skips().forEach(skips::put);
      var tiers = doc.putArray("tiers");
      for (TokenFileHeader.TierCount t : h.tiers()) {
        var o = tiers.addObject();
        o.put("tier", s.tierNames().get(t.tierNumber()));
        o.put("tokens", t.tokens());
        for (TierCoverage c : s.tierCoverage()) {
          if (c.tier().equals(s.tierNames().get(t.tierNumber()))) {
            var ts = o.putObject("skips");
            c.skips().forEach(ts::put);
            o.put("labels_without_token", c.labelsWithoutToken());
          }
        }
      }
      doc.put("tokens", h.records());
      doc.put("handles", s.handles());
      doc.put("wrote", s.output().toString());
      doc.put("mapping", s.mapping().toString());
      doc.put("reused", false);
      JsonOutput.print(w, doc);
      return;
    }
    for (String m : s.badRowMessages()) {
      err.println("skipped " + m);
    }
    if (s.noted() > s.badRowMessages().size()) {
      err.println("skipped " + (s.noted() - s.badRowMessages().size())
          + " more rows or tier expansions (counts below)");
    }
    for (TierCoverage t : s.tierCoverage()) {
      if (t.labelsWithoutToken() > 0) {
        // Labels are named on stdout only (the summary is the owner's); messages never echo them.
        err.println("warning: tier " + t.tier() + ": " + t.labelsWithoutToken()
            + " label(s) got no token in this tier and cannot match in it (named below)");
      }
    }
    w.println("input        " + inputFile + " (" + h.role().name().toLowerCase(Locale.ROOT)
        + ", timestamps " + (s.timeFormat() == null ? "-" : s.timeFormat().cliName()) + ")");
    w.println("scope        " + scope.id() + " sha256:" + scope.digestHex());
    if (h.mode() == TokenFileHeader.KeyMode.HMAC) {
      w.println("key id       " + Integer.toUnsignedString(h.keyId()) + " (hmac)");
    } else {
      w.println("key epoch    " + Integer.toUnsignedString(h.keyId()) + " (oprf)");
      w.println("evaluations  " + s.oprfEvaluations() + " distinct masked addresses asked "
          + "of the keyholders (blinded)");
      w.println("oprf backend " + P256Backends.selected().name());
    }
    w.println("rows read    " + h.rowsRead());
    w.println("rows skipped " + h.rowsSkipped());
    for (Map.Entry<String, Long> e : s.skips().entrySet()) {
      w.printf("  %-22s %d%n", e.getKey(), e.getValue());
    }
    TierCoverage.summaryLines(s.tierCoverage()).forEach(w::println);
    w.println("tokens       " + h.records());
    for (TokenFileHeader.TierCount t : h.tiers()) {
      w.printf("  tier %-17s %d%n", s.tierNames().get(t.tierNumber()), t.tokens());
    }
    w.println("handles      " + s.handles());
    w.println("wrote        " + s.output());
    w.println("mapping      " + s.mapping() + " (private: maps handles to your "
        + (h.role() == TokenFileHeader.Role.REPORT ? "record ids" : "labels") + ")");
  }
}
