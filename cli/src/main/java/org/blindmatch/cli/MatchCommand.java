package org.blindmatch.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.federation.NodeProfile;
import org.blindmatch.client.tokenize.InputException;
import org.blindmatch.proto.v1.RunTranscript;
import org.blindmatch.proto.v1.SignedTranscript;
import org.blindmatch.proto.v1.StartRunRequest;
import org.blindmatch.proto.v1.TierTotals;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

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

    @Option(names = "--scope", required = true, paramLabel = "ID", description = "Scope id.")
    String scope;

    @Override
    public Integer call() throws Exception {
      try (FederationClient client = FederationClient.connect(NodeProfile.load(profile),
          spec.commandLine().getErr()::println)) {
        SignedTranscript signed = client.startRun(
            StartRunRequest.newBuilder().setScopeId(scope).build());
        RunTranscript t = RunTranscript.parseFrom(signed.getTranscript());
        PrintWriter out = spec.commandLine().getOut();
        out.println("run        " + t.getRunId());
        out.println("inputs     " + t.getReportInputsCount() + " report, "
            + t.getWatchlistInputsCount() + " watchlist submissions");
        for (TierTotals tt : t.getTotalsList()) {
          out.printf("  tier %d: %d matched records (%d events) from %d submitters, "
                  + "%d labels%n", tt.getTier(), tt.getMatchedRecords(), tt.getMatchedEvents(),
              tt.getSubmitters(), tt.getMatchedLabels());
        }
        out.println("recipients " + t.getRecipientsCount() + " (each can fetch its results)");
        return 0;
      } catch (StatusRuntimeException e) {
        throw new InputException("match run failed: " + FederationClient.describe(e));
      } catch (InvalidProtocolBufferException e) {
        throw new InputException("malformed transcript from the server");
      }
    }
  }
}
