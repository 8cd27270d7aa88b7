package org.blindmatch.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.scope.ScopeException;
import org.blindmatch.crypto.scope.ScopeLoader;
import org.blindmatch.crypto.scope.Tier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code blindmatch scope FILE}: validate a scope file and print its tiers and digest. */
@Command(name = "scope", mixinStandardHelpOptions = true,
    description = "Validate a scope file and print its tiers and digest. Parties compare "
        + "digests to confirm they share a scope.")
final class ScopeCommand implements java.util.concurrent.Callable<Integer> {
  @Spec CommandSpec spec;
  @Parameters(paramLabel = "FILE", description = "Scope file (YAML, or JSON if *.json).")
  Path file;

  @Override
  public Integer call() throws ScopeException {
    Scope scope = ScopeLoader.load(file);
    PrintWriter out = spec.commandLine().getOut();
    out.println("scope  " + scope.id());
    out.println("digest sha256:" + scope.digestHex());
    out.println("tiers");
    for (int i = 0; i < scope.tiers().size(); i++) {
      Tier t = scope.tier(i);
      out.printf("  %d %-12s width=%s v4=/%d v6=/%d tolerance=%ds max_buckets=%d "
              + "max_addresses=%d%n", i, t.name(),
          t.bucketWidth().isNone() ? "none" : t.bucketWidth().seconds() + "s",
          t.ipv4Prefix(), t.ipv6Prefix(), t.watchlistToleranceSeconds(),
          t.maxBucketsPerWindow(), t.maxAddressesPerCidr());
    }
    org.blindmatch.crypto.scope.Disclosure d = scope.disclosure();
    out.println("disclosure min_records=" + d.minRecords() + " min_submitters="
        + d.minSubmitters() + d.dp().map(dp -> " dp=" + dp.mechanism().yamlName()
            + " epsilon_per_run=" + org.blindmatch.crypto.scope.Disclosure.formatEpsilon(
                dp.epsilonPerRunMicros()) + " epsilon_budget="
            + org.blindmatch.crypto.scope.Disclosure.formatEpsilon(dp.epsilonBudgetMicros()))
            .orElse(" dp=none")
        + (d.equals(org.blindmatch.crypto.scope.Disclosure.DEFAULT) ? " (defaults)" : ""));
    return 0;
  }
}
