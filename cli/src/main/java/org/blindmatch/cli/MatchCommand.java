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

    @Override
    public Integer call() throws Exception {
      String scopeId = scopeId(scope);
      try (FederationClient client = FederationClient.connect(NodeProfile.load(profile),
          spec.commandLine().getErr()::println)) {
        SignedTranscript signed = client.startRun(
            StartRunRequest.newBuilder().setScopeId(scopeId).build());
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
