package org.blindmatch.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import org.blindmatch.client.oprf.KeyholderCounts;
import org.blindmatch.client.federation.NodeProfile;
import org.blindmatch.client.tokenize.InputException;
import org.blindmatch.crypto.oprf.OprfException;
import org.blindmatch.crypto.oprf.OprfKeyFiles;
import org.blindmatch.proto.v1.EvaluationCount;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code blindmatch keyholder counts}: the keyholders' evaluation ledgers, for auditors. */
@Command(name = "keyholder", mixinStandardHelpOptions = true,
    description = "Keyholders of oprf mode, as auditors see them (the server itself is "
        + "'blindmatch serve keyholder').",
    subcommands = {KeyholderCommand.Counts.class})
final class KeyholderCommand {

  @Command(name = "counts", mixinStandardHelpOptions = true,
      description = {"Ask each keyholder over mutual TLS how many evaluations each caller "
          + "identity requested, per key epoch, from its durable ledger "
          + "(KeyholderService.GetEvaluationCounts; auditor and clearinghouse roles).",
          "Prints CSV: share,keyholder,identity,epoch,evaluations. Only servers whose "
              + "certificate names a holder in the public file are asked. Exit status 1 if "
              + "any keyholder did not answer (each is named on stderr; the others are "
              + "printed)."})
  static final class Counts implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--profile", required = true, paramLabel = "FILE",
        description = "Auditor (or operator) profile: its TLS identity asks the keyholders.")
    Path profile;

    @Option(names = "--keyholders", required = true, split = ",", paramLabel = "HOST:PORT",
        description = "The keyholders to ask, comma-separated.")
    List<String> keyholders;

    @Option(names = "--oprf-key", required = true, paramLabel = "FILE",
        description = "The key epoch's public file: names the holder of each share.")
    Path publicFile;

    @Option(names = "--json", description = "One blindmatch.keyholder-counts/v1 JSON document "
        + "(docs/JSON.md) on stdout; a keyholder that did not answer is listed with its "
        + "problem (and on stderr), exit 1.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      OprfKeyFiles.EpochPublicKey key =
          org.blindmatch.crypto.oprf.dkg.DkgPublicFile.read(publicFile).key();
      List<KeyholderCounts.Answer> answers =
          KeyholderCounts.fetch(NodeProfile.load(profile), keyholders, key);
      int failed = json ? printJson(answers, spec.commandLine().getOut(),
          spec.commandLine().getErr())
          : print(answers, spec.commandLine().getOut(), spec.commandLine().getErr());
      return failed == 0 ? 0 : BlindmatchCli.EXIT_INPUT;
    }

    /** As {@link #print}, as one {@code blindmatch.keyholder-counts/v1} document. */
    static int printJson(List<KeyholderCounts.Answer> answers, PrintWriter out,
        PrintWriter err) {
      var doc = JsonOutput.document("keyholder-counts");
      var keyholders = doc.putArray("keyholders");
      List<KeyholderCounts.Answer> sorted = new ArrayList<>(answers);
      sorted.sort(Comparator.comparing(KeyholderCounts.Answer::address));
      int failed = 0;
      for (KeyholderCounts.Answer a : sorted) {
        var k = keyholders.addObject();
        k.put("address", a.address());
        if (a.problem() != null) {
          err.println("blindmatch: " + (a.problem().contains(a.address()) ? a.problem()
              : "keyholder at " + a.address() + ": " + a.problem()));
          k.put("problem", a.problem());
          failed++;
          continue;
        }
        k.put("share", a.share());
        k.put("keyholder", a.keyholder().uri().toString());
        List<EvaluationCount> counts = new ArrayList<>(a.counts());
        counts.sort(Comparator.comparing(EvaluationCount::getIdentity)
            .thenComparing(EvaluationCount::getEpoch, Integer::compareUnsigned));
        var array = k.putArray("counts");
        for (EvaluationCount c : counts) {
          var o = array.addObject();
          o.put("identity", c.getIdentity());
          JsonOutput.uint32(o, "epoch", c.getEpoch());
          JsonOutput.uint64(o, "evaluations", c.getEvaluations());
        }
      }
      JsonOutput.print(out, doc);
      err.flush();
      return failed;
    }

    /**
     * Prints the answers as CSV on {@code out} (by share, then identity, then epoch as the
     * uint32 it is; epochs and counts unsigned) and each keyholder that did not answer on
     * {@code err}.
     *
     * @return how many keyholders did not answer
     */
    static int print(List<KeyholderCounts.Answer> answers, PrintWriter out, PrintWriter err) {
      out.println("share,keyholder,identity,epoch,evaluations");
      List<KeyholderCounts.Answer> answered = new ArrayList<>();
      int failed = 0;
      for (KeyholderCounts.Answer a : answers) {
        if (a.problem() != null) {
          // A failed call's line already names "the keyholder at ADDRESS" (CallFailures).
          err.println("blindmatch: " + (a.problem().contains(a.address()) ? a.problem()
              : "keyholder at " + a.address() + ": " + a.problem()));
          failed++;
        } else {
          answered.add(a);
        }
      }
      answered.sort(Comparator.comparingInt(KeyholderCounts.Answer::share));
      for (KeyholderCounts.Answer a : answered) {
        List<EvaluationCount> counts = new ArrayList<>(a.counts());
        counts.sort(Comparator.comparing(EvaluationCount::getIdentity)
            .thenComparing(EvaluationCount::getEpoch, Integer::compareUnsigned));
        for (EvaluationCount c : counts) {
          out.println(a.share() + "," + a.keyholder().uri() + "," + c.getIdentity() + ","
              + Integer.toUnsignedString(c.getEpoch()) + ","
              + Long.toUnsignedString(c.getEvaluations()));
        }
      }
      out.flush();
      err.flush();
      return failed;
    }
  }
}
