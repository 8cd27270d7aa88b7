package org.blindmatch.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import org.blindmatch.crypto.pki.PemFiles;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import org.blindmatch.client.audit.AuditState;
import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.audit.LogAuditor;
import org.blindmatch.client.federation.NodeProfile;
import org.blindmatch.client.tokenize.InputException;
import org.blindmatch.crypto.sign.NodeSigner;
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
      description = {"Fetch the signed tree head and check it is consistent with the head kept "
          + "in --state; read the entries added since, check they extend the kept tree to the "
          + "signed root, and check every one: transcript signatures, each receipt's "
          + "commitment signed by its submitter's logged key, no submission "
          + "logged twice, every run input a logged receipt (root, count, key id), transcript "
          + "counts within their inputs, members, scopes and key epochs well-formed and "
          + "referenced ones logged. With --replay, recompute every new run from the streamed "
          + "token sets and compare each result digest and the totals. On success the state "
          + "is updated; on failure it is kept and the exit status is 1."})
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--profile", required = true, paramLabel = "FILE") Path profile;

    @Option(names = "--state", required = true, paramLabel = "DIR",
        description = "Where the last verified head and what later entries are checked "
            + "against are kept (created on the first run).")
    Path state;

    @Option(names = "--replay", description = "Recompute every new run's join from its "
        + "inputs' committed token sets (streamed by the clearinghouse; checked against the "
        + "logged receipts) and compare every result digest and count with the transcript.")
    boolean replay;

    @Override
    public Integer call() throws Exception {
      AuditState kept = AuditState.load(state);
      NodeProfile p = NodeProfile.load(profile);
      X509Certificate ca = p.caCertificate() == null ? null
          : PemFiles.readCertificate(p.caCertificate());
      try (FederationClient c = FederationClient.connect(p)) {
        LogAuditor.Report r = new LogAuditor(c, ca).verify(kept, replay);
        r.state().save(state);
        PrintWriter w = spec.commandLine().getOut();
        w.println("tree head    size " + r.treeHead().getTreeSize() + ", root "
            + HexFormat.of().formatHex(r.treeHead().getRootHash().toByteArray()) + ", "
            + Instant.ofEpochMilli(r.treeHead().getTimestamp()) + " (signature verified)");
        w.println(r.previousSize() < 0 ? "consistency  first audit, nothing kept to compare"
            : "consistency  verified from size " + r.previousSize() + "; entries from "
                + r.previousSize() + " on checked");
        w.println("entries      " + r.receipts() + " receipts, " + r.transcripts()
            + " transcripts, " + r.members() + " members, " + r.scopes() + " scopes, "
            + r.keyEpochs() + " key epochs, " + r.revocationLists() + " revocation lists "
            + "(transcript and submitter signatures verified with "
            + NodeSigner.implementation() + ", run inputs logged)");
        if (replay) {
          w.println("replay       " + r.replayed() + " runs recomputed, every result digest "
              + "and count agrees" + (r.notReplayed().isEmpty() ? ""
                  : "; " + r.notReplayed().size() + " not replayable:"));
          r.notReplayed().forEach(n -> w.println("             " + n));
        }
        for (var revoked : r.revoked()) {
          w.println("revoked      " + revoked.describe() + " (CA signature verified)");
        }
        w.println("state        " + state);
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
    public Integer call() throws Exception {
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
        org.blindmatch.client.audit.ReceiptCheck.Result res =
            org.blindmatch.client.audit.ReceiptCheck.check(c, r, p);
        spec.commandLine().getOut().println("receipt is entry " + res.index()
            + " of the log; included in the current signed tree head of size "
            + res.currentHead().getTreeSize() + " (received with size "
            + res.savedHead().getTreeSize() + ")");
      }
      return 0;
    }
  }
}
