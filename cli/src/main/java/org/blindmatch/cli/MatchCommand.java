package org.blindmatch.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.federation.NodeProfile;
import org.blindmatch.client.tokenize.InputException;
import org.blindmatch.crypto.scope.ScopeException;
import org.blindmatch.crypto.scope.ScopeLoader;
import org.blindmatch.proto.v1.RunTranscript;
import org.blindmatch.proto.v1.SignedTranscript;
import org.blindmatch.proto.v1.StartRunRequest;
import org.blindmatch.core.match.MatchRun;
import org.blindmatch.crypto.scope.Disclosure;
import org.blindmatch.proto.v1.DisclosureApplied;
import org.blindmatch.proto.v1.RecipientDigest;
import org.blindmatch.proto.v1.TierTotals;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code blindmatch match run}: the operator starts a match run. */
@Command(name = "match", mixinStandardHelpOptions = true,
    description = "Clearinghouse operator: run a match.",
    subcommands = {MatchCommand.Run.class})
final class MatchCommand {

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Join every report submission of the scope against its watchlist "
          + "submissions and print the run id and totals.")
  static final class Run implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--profile", required = true, paramLabel = "FILE",
        description = "Operator profile (a clearinghouse-role certificate).")
    Path profile;

    @Option(names = "--scope", required = true, paramLabel = "FILE|ID",
        description = "The scope file (as for tokenize and submit), or just its id.")
    String scope;

    @Option(names = "--json", description = "One blindmatch.run/v1 JSON document "
        + "(docs/JSON.md) on stdout.")
    boolean json;
    @Option(names = "--allow-differencing", paramLabel = "REASON",
        description = "Run although the differencing guard refuses (the inputs differ from an "
            + "earlier run's by submissions of fewer than min_submitters submitters). The "
            + "reason (printable ASCII, at most 200 characters) and the runs it overrides are "
            + "written into the signed, logged transcript, and audit verify reports them.")
    String allowDifferencing;

    @Override
    public Integer call() throws Exception {
      String scopeId = scopeId(scope);
      if (allowDifferencing != null && allowDifferencing.isBlank()) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "--allow-differencing needs a reason");
      }
      try (FederationClient client = FederationClient.connect(NodeProfile.load(profile),
          spec.commandLine().getErr()::println)) {
        SignedTranscript signed = client.startRun(
            StartRunRequest.newBuilder().setScopeId(scopeId)
                .setAllowDifferencing(allowDifferencing == null ? "" : allowDifferencing)
                .build());
        RunTranscript t = RunTranscript.parseFrom(signed.getTranscript());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
          List<String> tiers = new ArrayList<>();
          client.publishedScope().getScope().getTiersList().forEach(x -> tiers.add(x.getName()));
          JsonOutput.print(out, JsonOutput.transcript(JsonOutput.document("run"), t, tiers));
          return 0;
        }
        out.println("run        " + t.getRunId());
        out.println("inputs     " + t.getReportInputsCount() + " report, "
            + t.getWatchlistInputsCount() + " watchlist submissions");
        for (TierTotals tt : t.getTotalsList()) {
          out.printf("  tier %s: %s matched records (%s events) from %s submitters, "
                  + "%s labels%n", Integer.toUnsignedString(tt.getTier()),
              Long.toUnsignedString(tt.getMatchedRecords()),
              Long.toUnsignedString(tt.getMatchedEvents()),
              Long.toUnsignedString(tt.getSubmitters()),
              Long.toUnsignedString(tt.getMatchedLabels()));
        }
        if (t.hasDisclosure()) {
          DisclosureApplied d = t.getDisclosure();
          long suppressed = t.getRecipientsList().stream()
              .filter(r -> r.getRecipient().equals(MatchRun.OPERATOR))
              .mapToLong(RecipientDigest::getSuppressed).sum();
          out.println("disclosure min_records " + Integer.toUnsignedString(d.getMinRecords())
              + ", min_submitters " + Integer.toUnsignedString(d.getMinSubmitters()) + "; "
              + Long.toUnsignedString(suppressed) + " tier(s) suppressed"
              + (d.hasDp() ? "; totals above are NOISED (geometric, epsilon "
                  + Disclosure.formatEpsilon(d.getDp().getEpsilonPerRunMicros())
                  + "); privacy budget spent " + Disclosure.formatEpsilon(
                      d.getDp().getEpsilonSpentMicros()) + " of " + Disclosure.formatEpsilon(
                      d.getDp().getEpsilonBudgetMicros()) : "; totals are exact"));
        }
        if (t.hasDifferencingOverride()) {
          out.println("OVERRIDE   differencing guard overridden against run(s) "
              + String.join(", ", t.getDifferencingOverride().getRunsList())
              + " (logged in the transcript)");
        }
        out.println("recipients " + t.getRecipientsCount() + " (each can fetch its results)");
        return 0;
      } catch (StatusRuntimeException e) {
        throw new InputException("match run failed: " + FederationClient.describe(e));
      } catch (InvalidProtocolBufferException e) {
        throw new InputException("malformed transcript from the server");
      }
    }

    /**
     * {@code --scope} as every command reads it: a scope file (loaded and checked, its id
     * used); a value naming no file is the id itself (the server refuses an unknown one).
     */
    private static String scopeId(String value) throws ScopeException {
      Path file;
      try {
        file = Path.of(value);
      } catch (InvalidPathException e) {
        return value;
      }
      boolean looksLikeFile = value.endsWith(".yaml") || value.endsWith(".yml")
          || value.endsWith(".json") || value.contains("/");
      return Files.isRegularFile(file) || looksLikeFile ? ScopeLoader.load(file).id() : value;
    }
  }
}
