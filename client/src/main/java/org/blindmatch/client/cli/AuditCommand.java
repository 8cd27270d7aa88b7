package org.blindmatch.client.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.federation.LogAuditor;
import org.blindmatch.client.federation.NodeProfile;
import org.blindmatch.client.tokenize.InputException;
import org.blindmatch.crypto.io.AtomicOutput;
import org.blindmatch.proto.v1.SignedTreeHead;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code blindmatch audit verify}: an auditor's check of the transparency log. */
@Command(name = "audit", mixinStandardHelpOptions = true,
    description = "Auditor checks of the clearinghouse's transparency log.",
    subcommands = {AuditCommand.Verify.class, AuditCommand.CheckReceipt.class})
final class AuditCommand {

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = {"Fetch the signed tree head, check it is consistent with the head kept "
          + "in --state, read every entry and check it hashes to the signed root, check every "
          + "receipt's and transcript's signature and that every run's inputs are logged "
          + "receipts. On success the new head is kept in --state."})
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--profile", required = true, paramLabel = "FILE") Path profile;

    @Option(names = "--state", required = true, paramLabel = "FILE",
        description = "The last verified signed tree head (created on the first run).")
    Path state;

    @Override
    public Integer call() throws InputException, IOException {
      SignedTreeHead previous = null;
      if (Files.exists(state)) {
        try {
          previous = SignedTreeHead.parseFrom(Files.readAllBytes(state));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
          throw new InputException(state + ": not a signed tree head");
        }
      }
      try (FederationClient c = FederationClient.connect(NodeProfile.load(profile))) {
        LogAuditor.Report r = new LogAuditor(c).verify(previous);
        try (AtomicOutput out = AtomicOutput.create(state, true)) {
          out.stream().write(r.head().toByteArray());
          out.commit();
        }
        PrintWriter w = spec.commandLine().getOut();
        w.println("tree head  size " + r.treeHead().getTreeSize() + ", root "
            + HexFormat.of().formatHex(r.treeHead().getRootHash().toByteArray()) + ", "
            + Instant.ofEpochMilli(r.treeHead().getTimestamp()) + " (signature verified)");
        w.println(r.previousSize() < 0 ? "consistency  first audit, nothing kept to compare"
            : "consistency  verified from size " + r.previousSize());
        w.println("entries    " + r.receipts() + " receipts, " + r.transcripts()
            + " transcripts (signatures verified, run inputs logged)");
        w.println("state      " + state);
      }
      return 0;
    }
  }

  @Command(name = "check-receipt", mixinStandardHelpOptions = true,
      description = "Prove a receipt from 'submit' is in the clearinghouse's log now: its saved "
          + "log position (RECEIPT.logpos) names it, and a fresh inclusion proof verifies "
          + "against the current signed tree head.")
  static final class CheckReceipt implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--profile", required = true, paramLabel = "FILE") Path profile;
    @picocli.CommandLine.Parameters(paramLabel = "RECEIPT") Path receipt;

    @Override
    public Integer call() throws InputException, IOException {
      Path position = Path.of(receipt + ".logpos");
      org.blindmatch.proto.v1.Receipt r;
      org.blindmatch.proto.v1.LogPosition p;
      try {
        r = org.blindmatch.proto.v1.Receipt.parseFrom(java.nio.file.Files.readAllBytes(receipt));
        p = org.blindmatch.proto.v1.LogPosition.parseFrom(
            java.nio.file.Files.readAllBytes(position));
      } catch (java.nio.file.NoSuchFileException e) {
        throw new InputException(e.getFile() + ": no such file");
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new InputException(receipt + ": not a receipt and log position saved by submit");
      }
      try (org.blindmatch.client.federation.FederationClient c =
          org.blindmatch.client.federation.FederationClient.connect(
              org.blindmatch.client.federation.NodeProfile.load(profile))) {
        org.blindmatch.client.federation.ReceiptCheck.Result res =
            org.blindmatch.client.federation.ReceiptCheck.check(c, r, p);
        spec.commandLine().getOut().println("receipt is entry " + res.index()
            + " of the log; included in the current signed tree head of size "
            + res.currentHead().getTreeSize() + " (received with size "
            + res.savedHead().getTreeSize() + ")");
      }
      return 0;
    }
  }
}
