package org.blindmatch.cli;

import org.blindmatch.client.federation.FederationException;
import org.blindmatch.client.submit.SubmissionException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.federation.NodeProfile;
import org.blindmatch.client.submit.Submitter;
import org.blindmatch.client.tokenize.InputException;
import org.blindmatch.crypto.hash.Sha256;
import org.blindmatch.crypto.io.AtomicOutput;
import org.blindmatch.crypto.tokenfile.TokenFileException;
import org.blindmatch.crypto.tokenfile.TokenFileSet;
import org.blindmatch.proto.v1.Receipt;
import org.blindmatch.proto.v1.ReceiptBody;
import java.util.ArrayList;
import java.util.List;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code blindmatch submit}: send a token file to the clearinghouse and keep the receipt. */
@Command(name = "submit", mixinStandardHelpOptions = true,
    description = {"Submit a token file to the clearinghouse over mutual TLS: records are "
        + "sorted, committed to by a signed Merkle root, streamed in chunks, and the signed "
        + "receipt is verified and saved.",
        "Re-running with the same --id resumes an interrupted upload or returns the same "
            + "receipt. With --reports/--watchlist a re-run reuses CSV.bmt and its mapping when "
            + "they were made from the same CSV, scope and key, and refuses when not (--force "
            + "re-tokenizes)."})
final class SubmitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--profile", required = true, paramLabel = "FILE",
      description = "Node profile: server, certificates, signing key.")
  Path profile;

  static final class Input {
    @Option(names = "--tokens", required = true, paramLabel = "FILE",
        description = "Token file from 'blindmatch tokenize', or a directory of part "
            + "token files with a MANIFEST (the Spark job's tokens/ output), submitted as one.")
    Path tokens;

    @Option(names = "--reports", required = true, paramLabel = "CSV",
        description = "Report events: tokenized first (to CSV.bmt, CSV.bmt.map.csv and "
            + "CSV.bmt.provenance; an earlier run's files are reused if made from the same CSV, "
            + "scope and key), then submitted. Needs --scope and --keyset.")
    Path reports;

    @Option(names = "--watchlist", required = true, paramLabel = "CSV",
        description = "A watchlist: tokenized first, then submitted. Needs --scope and "
            + "--keyset.")
    Path watchlist;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  @Option(names = "--scope", paramLabel = "FILE",
      description = "With --reports/--watchlist: the scope file.")
  Path scope;

  @Option(names = "--keyset", paramLabel = "FILE",
      description = "With --reports/--watchlist in hmac mode: the token keyset.")
  Path keyset;

  @Option(names = "--mode", defaultValue = "hmac", paramLabel = "MODE",
      description = "With --reports/--watchlist: hmac (default) or oprf (with --keyholders "
          + "and --oprf-key; the profile's identity asks the keyholders).")
  String mode;

  @Mixin OprfOptions oprf;

  @Mixin PassphraseOptions passphrase;

  @Option(names = "--no-progress", description = "Never show a progress bar.")
  boolean noProgress;

  @Option(names = "--json", description = "One blindmatch.submit/v1 JSON document "
      + "(docs/JSON.md) on stdout; with --reports/--watchlist the tokenize summary goes to "
      + "stderr.")
  boolean json;

  @Option(names = "--id", paramLabel = "ID",
      description = "Submission id (default: the token file's SHA-256 prefix).")
  String id;

  @Option(names = "--receipt", paramLabel = "FILE",
      description = "Where to save the signed receipt (default: <tokens>.receipt).")
  Path receiptFile;

  @Option(names = "--force",
      description = "Re-tokenize --reports/--watchlist even if an earlier run's CSV.bmt and "
          + "mapping exist (they are replaced, and with them the way to read results of a "
          + "submission made from them), and replace a receipt file holding another "
          + "receipt.")
  boolean force;

  @Override
  public Integer call() throws FederationException, SubmissionException, InputException,
      IOException, org.blindmatch.client.audit.AuditException {
    NodeProfile p = NodeProfile.load(profile);
    org.blindmatch.client.audit.WitnessPolicy witnessPolicy =
        org.blindmatch.client.audit.WitnessPolicy.ofProfile(p, profile);
    if (input.tokens != null && (oprf.keyholders != null || oprf.publicFile != null)) {
      throw new InputException("--keyholders and --oprf-key are for tokenizing "
          + "--reports/--watchlist; a token file is already keyed");
    }
    Path tokens = input.tokens != null ? input.tokens : tokenizeFirst();
    String submissionId = id != null ? id : defaultId(tokens);
    Path receiptPath = receiptFile != null ? receiptFile : Path.of(tokens + ".receipt");
    try (FederationClient client =
        FederationClient.connect(p, spec.commandLine().getErr()::println)) {
      Path temp = tokens.toAbsolutePath().getParent();
      ProgressBar bar = noProgress || System.console() == null ? null
          : new ProgressBarBuilder().setTaskName("submit " + tokens.getFileName())
              .setInitialMax(Math.max(1, Files.isDirectory(tokens) ? 1
                  : (Files.size(tokens) - 100) / 33))
              .setUnit(" records", 1).setStyle(ProgressBarStyle.ASCII)
              .setUpdateIntervalMillis(250)
              .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
      Submitter.Submitted s;
      try {
        s = new Submitter(client).submit(tokens, submissionId, temp,
            sent -> {
              if (bar != null) {
                bar.stepTo(sent);
              }
            });
      } finally {
        if (bar != null) {
          bar.close();
        }
      }
      byte[] receiptBytes = s.receipt().toByteArray();
      if (!force && Files.exists(receiptPath)
          && !java.util.Arrays.equals(Files.readAllBytes(receiptPath), receiptBytes)) {
        throw new InputException(receiptPath + ": exists and holds "
            + describeReceipt(receiptPath) + ", not this receipt of " + submissionId
            + "; it is kept. " + submissionId + " is committed, but its receipt was not "
            + "saved: re-run with --receipt FILE (a re-run returns the same receipt), or with "
            + "--force to replace the file");
      }
      try (AtomicOutput out = AtomicOutput.create(receiptPath, true)) {
        out.stream().write(receiptBytes);
        out.commit();
      }
      Path positionPath = Path.of(receiptPath + ".logpos");
      try (AtomicOutput out = AtomicOutput.create(positionPath, true)) {
        out.stream().write(s.logPosition().toByteArray());
        out.commit();
      }
      PrintWriter w = spec.commandLine().getOut();
      if (json) {
        var doc = JsonOutput.document("submit");
        doc.put("submission_id", submissionId);
        doc.put("submitter", client.identity().uri().toString());
        doc.put("tokens", tokens.toString());
        doc.put("records", s.records());
        doc.put("merkle_root", HexFormat.of().formatHex(s.merkleRoot()));
        JsonOutput.instant(doc, "expires_at", s.body().getExpiresAt());
        doc.put("receipt", receiptPath.toString());
        var log = doc.putObject("log");
        log.put("index", s.logPosition().getIndex());
        log.put("tree_size", s.treeHead().getTreeSize());
        log.put("root_hash", HexFormat.of().formatHex(s.treeHead().getRootHash()
            .toByteArray()));
        log.put("position", positionPath.toString());
        JsonOutput.print(w, doc);
        return 0;
      }
      w.println("submitted  " + submissionId + " as " + client.identity());
      w.println("records    " + s.records());
      w.println("root       " + HexFormat.of().formatHex(s.merkleRoot()));
      w.println("expires    " + java.time.Instant.ofEpochSecond(s.body().getExpiresAt()));
      w.println("receipt    " + receiptPath + " (signature verified)");
      w.println("log        entry " + s.logPosition().getIndex() + " of "
          + s.treeHead().getTreeSize() + ", " + positionPath + " (inclusion verified)");
      w.flush();
      if (witnessPolicy != null) {
        try {
          var cosigned = witnessPolicy.require(client, s.treeHead());
          w.println("witnesses  " + cosigned.size() + " of " + witnessPolicy.witnesses().size()
              + " listed cosigned the receipt's tree head (" + witnessPolicy.min()
              + " required)");
        } catch (org.blindmatch.client.audit.AuditException e) {
          throw new org.blindmatch.client.audit.AuditException(submissionId + " is committed "
              + "and its receipt saved, but the profile's witness policy is not met: "
              + e.getMessage() + ". Once they have cosigned, prove the receipt with 'blindmatch "
              + "audit check-receipt --profile " + profile + " " + receiptPath + "'");
        }
      }
    }
    return 0;
  }

  /** What an existing receipt file holds, for a message. */
  private static String describeReceipt(Path receiptPath) throws IOException {
    try {
      Receipt existing = Receipt.parseFrom(Files.readAllBytes(receiptPath));
      return "the receipt of submission "
          + ReceiptBody.parseFrom(existing.getBody()).getCommitment().getSubmissionId();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return "something that is not a receipt";
    }
  }

  /** Runs {@code tokenize} on the CSV input (or reuses its earlier outputs); the token file. */
  private Path tokenizeFirst() throws InputException {
    boolean oprfMode = mode.equals("oprf");
    if (scope == null || (!oprfMode && keyset == null)) {
      throw new InputException("--reports/--watchlist need --scope and, in hmac mode, "
          + "--keyset");
    }
    Path csv = input.reports != null ? input.reports : input.watchlist;
    Path out = Path.of(csv + ".bmt");
    List<String> args = new ArrayList<>(List.of(
        input.reports != null ? "--reports" : "--watchlist", csv.toString(),
        "--scope", scope.toString(), "--out", out.toString(), "--mode", mode));
    if (force) {
      args.add("--force");
    }
    if (oprfMode) {
      args.addAll(List.of("--profile", profile.toString()));
      args.addAll(oprf.asArguments());
    } else {
      args.addAll(List.of("--keyset", keyset.toString()));
    }
    if (passphrase.passphraseFile != null) {
      args.addAll(List.of("--passphrase-file", passphrase.passphraseFile.toString()));
    }
    if (noProgress) {
      args.add("--no-progress");
    }
    TokenizeCommand command = new TokenizeCommand();
    command.reuseIfUnchanged = true;
    CommandLine tokenize = new CommandLine(command);
    // stdout carries one document with --json: the tokenize summary is a notice then.
    tokenize.setOut(json ? spec.commandLine().getErr() : spec.commandLine().getOut());
    tokenize.setErr(spec.commandLine().getErr());
    tokenize.setExecutionExceptionHandler(spec.commandLine().getExecutionExceptionHandler());
    if (tokenize.execute(args.toArray(String[]::new)) != 0) {
      throw new InputException("tokenizing " + csv + " failed; nothing was submitted");
    }
    return out;
  }

  /** The SHA-256 prefix of the token file (of a part directory: manifest, then parts). */
  private static String defaultId(Path tokens) throws IOException, InputException {
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(tokens)) {
      try {
        files.add(tokens.resolve(TokenFileSet.MANIFEST));
        files.addAll(TokenFileSet.open(tokens).parts());
      } catch (TokenFileException e) {
        throw new InputException(e.getMessage());
      }
    } else {
      files.add(tokens);
    }
    java.security.MessageDigest md = Sha256.newDigest();
    byte[] buf = new byte[1 << 16];
    for (Path f : files) {
      try (var in = Files.newInputStream(f)) {
        int n;
        while ((n = in.read(buf)) > 0) {
          md.update(buf, 0, n);
        }
      }
    }
    return "sub-" + HexFormat.of().formatHex(md.digest(), 0, 12);
  }
}
