package org.blindmatch.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import org.blindmatch.crypto.pki.PemFiles;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.time.Clock;
import java.util.List;
import org.blindmatch.client.audit.AuditState;
import org.blindmatch.client.audit.Witness;
import org.blindmatch.client.audit.WitnessPolicy;
import org.blindmatch.core.claims.Checkpoints;
import org.blindmatch.core.claims.VerifierKey;
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
    subcommands = {AuditCommand.Verify.class, AuditCommand.CheckReceipt.class,
        AuditCommand.WitnessCmd.class})
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

    @Option(names = "--pin", paramLabel = "sha256:HEX",
        description = "The clearinghouse log key's fingerprint as the operator gave it out of "
            + "band (serve clearinghouse prints it). Checked before anything the clearinghouse "
            + "signs is read, and pinned in the profile's pins file; without it the first "
            + "audit pins whatever key is shown, and says so.")
    String pin;

    @Option(names = "--replay", description = "Recompute every new run's join from its "
        + "inputs' committed token sets (streamed by the clearinghouse; checked against the "
        + "logged receipts) and compare every result digest and count with the transcript.")
    boolean replay;

    @Option(names = "--witnesses", paramLabel = "FILE",
        description = "Witness keys (C2SP vkeys as 'audit witness --init' prints them), one a "
            + "line. The verified head is accepted only if its checkpoint carries valid "
            + "cosignatures of at least --min of them; otherwise exit 1 and the state is kept. "
            + "Default: the profile's witnesses/min_witnesses, if any.")
    Path witnesses;

    @Option(names = "--min", paramLabel = "N", defaultValue = "1",
        description = "Cosignatures required with --witnesses (default ${DEFAULT-VALUE}).")
    int min;

    @Option(names = "--json", description = "One blindmatch.audit/v1 JSON document "
        + "(docs/JSON.md) on stdout; a failed check is an error on stderr, exit 1.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      WitnessPolicy policy = witnessPolicy(spec, witnesses, min);
      AuditState kept = AuditState.load(state);
      NodeProfile p = NodeProfile.load(profile);
      if (policy == null) {
        policy = WitnessPolicy.ofProfile(p, profile);
      }
      X509Certificate ca = p.caCertificate() == null ? null
          : PemFiles.readCertificate(p.caCertificate());
      try (FederationClient c = FederationClient.connect(p,
          spec.commandLine().getErr()::println)) {
        if (pin != null) {
          byte[] fp;
          try {
            fp = org.blindmatch.client.federation.KeyPins.parseFingerprint(pin);
          } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "--pin: " + e.getMessage());
          }
          c.expectLogKey(fp);
        }
        LogAuditor.Report r = new LogAuditor(c, ca).verify(kept, replay);
        List<Checkpoints.Cosignature> cosigned =
            policy == null ? List.of() : policy.require(c, r.treeHead());
        r.state().save(state);
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
          var doc = JsonOutput.document("audit");
          var head = doc.putObject("tree_head");
          head.put("size", r.treeHead().getTreeSize());
          head.put("root_hash", HexFormat.of().formatHex(r.treeHead().getRootHash()
              .toByteArray()));
          head.put("timestamp", Instant.ofEpochMilli(r.treeHead().getTimestamp()).toString());
          if (r.previousSize() >= 0) {
            doc.put("consistent_from_size", r.previousSize());
          } else {
            doc.putNull("consistent_from_size");
          }
          var entries = doc.putObject("entries");
          entries.put("receipts", r.receipts()).put("transcripts", r.transcripts())
              .put("members", r.members()).put("scopes", r.scopes())
              .put("key_epochs", r.keyEpochs()).put("revocation_lists", r.revocationLists());
          if (replay) {
            var rp = doc.putObject("replay");
            rp.put("runs_recomputed", r.replayed());
            var not = rp.putArray("not_replayable");
            r.notReplayed().forEach(n -> not.add(String.valueOf(n)));
          }
          var revoked = doc.putArray("revoked");
          r.revoked().forEach(x -> revoked.add(x.describe()));
          if (policy != null) {
            var wn = doc.putObject("witnesses");
            wn.put("required", policy.min()).put("listed", policy.witnesses().size());
            var names = wn.putArray("cosigned");
            cosigned.forEach(x -> names.addObject().put("witness", x.witness().name())
                .put("time", Instant.ofEpochSecond(x.time()).toString()));
          }
          doc.put("log_key", org.blindmatch.client.federation.KeyPins.format(
              r.state().logKey()));
          doc.put("state", state.toString());
          doc.put("verified", true);
          JsonOutput.print(w, doc);
          return 0;
        }
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
          boolean noised = r.disclosureNotes().stream().anyMatch(n -> n.contains("noised"));
          w.println("replay       " + r.replayed() + " runs recomputed, every result digest "
              + "and count agrees" + (noised ? " (for runs with noised counts: their "
              + "suppression and released aggregates; the noise draw cannot be replayed)" : "")
              + (r.notReplayed().isEmpty() ? ""
                  : "; " + r.notReplayed().size() + " not replayable:"));
          r.notReplayed().forEach(n -> w.println("             " + n));
        }
        if (r.attestedEpochs() > 0) {
          w.println("dkg          " + r.attestedEpochs() + " oprf key epoch"
              + (r.attestedEpochs() == 1 ? "" : "s") + " signed by every keyholder (each "
              + "signature under the key its CA-issued certificate names)");
        }
        r.disclosureNotes().forEach(n -> w.println("disclosure   " + n));
        for (var revoked : r.revoked()) {
          w.println("revoked      " + revoked.describe() + " (CA signature verified)");
        }
        if (policy != null) {
          w.println("witnesses    " + cosigned.size() + " of " + policy.witnesses().size()
              + " listed cosigned this head (" + policy.min() + " required): "
              + String.join(", ", cosigned.stream().map(x -> x.witness().name()
                  + " at " + Instant.ofEpochSecond(x.time())).toList()));
        }
        w.println("log key      " + org.blindmatch.client.federation.KeyPins.format(
            r.state().logKey()) + " (every signature above; pinned)");
        w.println("state        " + state);
      }
      return 0;
    }
  }

  /** The {@code --witnesses FILE --min N} policy, or null without {@code --witnesses}. */
  static WitnessPolicy witnessPolicy(CommandSpec spec, Path witnesses, int min)
      throws InputException {
    if (witnesses == null && spec.commandLine().getParseResult().hasMatchedOption("--min")) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--min needs --witnesses");
    }
    if (min < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--min " + min + ": at least 1 cosignature must be required");
    }
    return witnesses == null ? null : WitnessPolicy.load(witnesses, min);
  }

  @Command(name = "witness", mixinStandardHelpOptions = true,
      description = {"Act as a witness of the clearinghouse's log (C2SP tlog-cosignature). "
          + "With --init, create the witness in --state: an Ed25519 cosigning key encrypted "
          + "under the profile's passphrase, and print its verifier key for the parties that "
          + "will require this witness. Without it, fetch the current signed tree head and "
          + "its checkpoint, check the checkpoint extends the one this witness last cosigned "
          + "(consistency proof; never two roots of one size), cosign it and hand the "
          + "cosignature to the clearinghouse, which serves it with the checkpoint."})
  static final class WitnessCmd implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--profile", required = true, paramLabel = "FILE") Path profile;

    @Option(names = "--state", required = true, paramLabel = "DIR",
        description = "The witness's key and last cosigned checkpoint.")
    Path state;

    @Option(names = "--init", description = "Create the witness (never replaces one).")
    boolean init;

    @Option(names = "--name", paramLabel = "NAME",
        description = "With --init: the witness's key name, a schema-less URL such as "
            + "auditor.example/witness (no spaces, no '+').")
    String name;

    @Override
    public Integer call() throws Exception {
      if (init != (name != null)) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            init ? "--init needs --name" : "--name is only for --init");
      }
      NodeProfile p = NodeProfile.load(profile);
      char[] passphrase = p.passphrase();
      PrintWriter w = spec.commandLine().getOut();
      try {
        if (init) {
          VerifierKey key = Witness.init(state, name, passphrase);
          w.println("witness      " + name + " created in " + state);
          w.println("verifier key " + key.format());
          w.println("             (give this line to every party that should require this "
              + "witness: their --witnesses file)");
          return 0;
        }
        try (FederationClient c = FederationClient.connect(p,
            spec.commandLine().getErr()::println)) {
          Witness.Result r = Witness.run(c, state, passphrase, Clock.systemUTC());
          w.println("checkpoint   " + r.cosigned().origin() + " size " + r.cosigned().size()
              + ", root " + r.cosigned().rootHex() + " (log signature verified)");
          w.println(r.previous() == null
              ? "consistency  first cosignature of this witness, nothing kept to compare"
              : "consistency  verified from the last cosigned size " + r.previous().size());
          w.println("cosigned     as " + r.witness().name() + "; the clearinghouse now holds "
              + Integer.toUnsignedString(r.held()) + " witness cosignature" // uint32
              + (r.held() == 1 ? "" : "s")
              + " for this checkpoint");
          w.println("state        " + state);
        }
        return 0;
      } finally {
        java.util.Arrays.fill(passphrase, '\0');
      }
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

    @Option(names = "--witnesses", paramLabel = "FILE",
        description = "Witness keys, one a line: the current head the receipt is proved "
            + "against must carry cosignatures of at least --min of them (default: the "
            + "profile's witnesses/min_witnesses, if any).")
    Path witnesses;

    @Option(names = "--min", paramLabel = "N", defaultValue = "1",
        description = "Cosignatures required with --witnesses (default ${DEFAULT-VALUE}).")
    int min;

    @Override
    public Integer call() throws Exception {
      WitnessPolicy policy = witnessPolicy(spec, witnesses, min);
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
      NodeProfile np = NodeProfile.load(profile);
      if (policy == null) {
        policy = WitnessPolicy.ofProfile(np, profile);
      }
      try (org.blindmatch.client.federation.FederationClient c =
          org.blindmatch.client.federation.FederationClient.connect(np,
              spec.commandLine().getErr()::println)) {
        org.blindmatch.client.audit.ReceiptCheck.Result res =
            org.blindmatch.client.audit.ReceiptCheck.check(c, r, p);
        List<Checkpoints.Cosignature> cosigned =
            policy == null ? List.of() : policy.require(c, res.currentHead());
        spec.commandLine().getOut().println("receipt is entry " + res.index()
            + " of the log; included in the current signed tree head of size "
            + res.currentHead().getTreeSize() + " (received with size "
            + res.savedHead().getTreeSize() + ")"
            + (policy == null ? "" : ", which " + cosigned.size() + " of the "
                + policy.witnesses().size() + " listed witnesses cosigned (" + policy.min()
                + " required)"));
      }
      return 0;
    }
  }
}
