package org.blindmatch.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.federation.FederationException;
import org.blindmatch.client.federation.NodeProfile;
import org.blindmatch.client.results.RunResults;
import org.blindmatch.client.tokenize.InputException;
import org.blindmatch.crypto.io.AtomicOutput;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.proto.v1.ResultsSummary;
import org.blindmatch.proto.v1.ResultsTierCount;
import org.blindmatch.crypto.scope.Disclosure;
import org.blindmatch.proto.v1.DisclosureApplied;
import org.blindmatch.proto.v1.DpAccount;
import org.blindmatch.proto.v1.Results;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code blindmatch results list | get}: the runs you have results in, and your verified
 * results of one, with handles resolved locally.
 */
@Command(name = "results", mixinStandardHelpOptions = true,
    description = "List the runs you have results in, and fetch your results of one.",
    subcommands = {ResultsCommand.ListRuns.class, ResultsCommand.Get.class})
final class ResultsCommand {

  /** The caller's kind of results: its role, the clearinghouse's being the operator's. */
  static String kind(Role role) {
    return role == Role.CLEARINGHOUSE ? "operator" : role.id();
  }

  private static List<String> tierNames(FederationClient client) throws FederationException {
    List<String> names = new ArrayList<>();
    client.publishedScope().getScope().getTiersList().forEach(t -> names.add(t.getName()));
    return names;
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = {"The runs you have results in, oldest first: run id, start time, and per "
          + "tier the rows of your results and the matched records they count.",
          "Fetch one with `results get --run RUN_ID` (without --run: the latest)."})
  static final class ListRuns implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--profile", required = true, paramLabel = "FILE") Path profile;

    @Option(names = "--json", description = "One blindmatch.results-list/v1 JSON document "
        + "(docs/JSON.md) on stdout.")
    boolean json;

    @Override
    public Integer call() throws FederationException {
      List<ResultsSummary> runs;
      List<String> tiers;
      try (FederationClient client = FederationClient.connect(NodeProfile.load(profile),
          spec.commandLine().getErr()::println)) {
        runs = RunResults.list(client);
        tiers = tierNames(client);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode doc = JsonOutput.document("results-list");
        ArrayNode array = doc.putArray("runs");
        for (ResultsSummary s : runs) {
          ObjectNode o = array.addObject();
          o.put("run_id", s.getRunId());
          JsonOutput.instant(o, "started_at", s.getStartedAt());
          o.put("scope_id", s.getScopeId());
          ArrayNode ts = o.putArray("tiers");
          for (ResultsTierCount t : s.getTiersList()) {
            ObjectNode to = ts.addObject();
            to.put("tier", ResultsTable.Tier.of(t.getTier(), tiers).name());
            JsonOutput.uint64(to, "rows", t.getRows());
            JsonOutput.uint64(to, "matched_records", t.getMatchedRecords());
          }
          JsonOutput.uint64(o, "suppressed", s.getSuppressed());
        }
        JsonOutput.print(out, doc);
        return 0;
      }
      if (runs.isEmpty()) {
        spec.commandLine().getErr().println("no results yet: no match run has used your "
            + "submissions");
        return 0;
      }
      out.println("run_id,started_at,tier,rows,matched_records,suppressed");
      for (ResultsSummary s : runs) {
        String head = s.getRunId() + "," + Instant.ofEpochSecond(s.getStartedAt());
        String suppressed = Long.toUnsignedString(s.getSuppressed());
        if (s.getTiersCount() == 0) {
          out.println(head + ",,0,0," + suppressed);
        }
        for (ResultsTierCount t : s.getTiersList()) {
          out.println(head + "," + ResultsTable.Tier.of(t.getTier(), tiers).name() + ","
              + Long.toUnsignedString(t.getRows()) + ","
              + Long.toUnsignedString(t.getMatchedRecords()) + "," + suppressed);
        }
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true,
      description = {"Fetch and verify your results (transcript signed and in the log, "
          + "addressed to you, committed by digest, of your role's shape), then resolve "
          + "handles with your mapping files. Rows are sorted.",
          "Platform: record_id,tier,label,events (label is the NGO's opaque handle).",
          "NGO: label,tier,matched_records,submitters (aggregates below min_records or "
              + "min_submitters are suppressed; noised counts are written ~N).",
          "Operator: tier,matched_records,matched_events,matched_labels,submitters."})
  static final class Get implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--profile", required = true, paramLabel = "FILE") Path profile;

    @Option(names = "--run", paramLabel = "RUN_ID",
        description = "The run (see `results list`); default: your latest.")
    String runId;

    @Option(names = "--map", paramLabel = "FILE",
        description = "Your mapping file(s) from tokenize (repeatable); every handle in the "
            + "results must resolve.")
    List<Path> maps = new ArrayList<>();

    @Option(names = "--unresolved", description = "Print your opaque handles instead of "
        + "resolving them (no --map needed).")
    boolean unresolved;

    @Option(names = "--json", description = "One blindmatch.results/v1 JSON document "
        + "(docs/JSON.md) instead of CSV.")
    boolean json;

    @Option(names = "--out", paramLabel = "FILE",
        description = "Write here instead of stdout (refused if FILE exists, unless --force).")
    Path out;

    @Option(names = "--force", description = "Replace an existing --out file.")
    boolean force;

    @Override
    public Integer call() throws FederationException, InputException, IOException,
        org.blindmatch.client.audit.AuditException {
      if (unresolved && !maps.isEmpty()) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "--unresolved and --map exclude each other");
      }
      if (out != null && !force && Files.exists(out)) {
        throw new java.nio.file.FileAlreadyExistsException(out.toString(), null,
            "already exists (pass --force to replace it)");
      }
      String text;
      NodeProfile p = NodeProfile.load(profile);
      org.blindmatch.client.audit.WitnessPolicy witnesses =
          org.blindmatch.client.audit.WitnessPolicy.ofProfile(p, profile);
      try (FederationClient client = FederationClient.connect(p,
          spec.commandLine().getErr()::println)) {
        if (witnesses != null) { // the profile's witnesses: accept no head they did not see
          witnesses.requireOnCurrentHead(client);
        }
        String run = runId != null ? runId : RunResults.latestRunId(client);
        RunResults rr = RunResults.fetch(client, run);
        text = render(rr, kind(client.identity().role()), tierNames(client));
      }
      if (out == null) {
        PrintWriter w = spec.commandLine().getOut();
        w.print(text);
        w.flush();
      } else {
        try (AtomicOutput o = AtomicOutput.create(out, force)) {
          o.stream().write(text.getBytes(StandardCharsets.UTF_8));
          o.commit();
        }
      }
      return 0;
    }

    /** The output for verified {@code rr} of a {@code kind} caller; tiers named from the scope. */
    String render(RunResults rr, String kind, List<String> tiers) throws InputException {
      ResultsTable table = ResultsTable.of(kind, rr.results(), maps, unresolved, tiers);
      if (json) {
        return JsonOutput.text(table.json(rr));
      }
      if (!kind.equals("platform")) {
        summary(rr.results(), kind.equals("operator") ? "tier totals" : "label aggregates");
      }
      return table.csv();
    }

    /** The summary line (stderr): suppressed aggregates and the noise of these results. */
    private void summary(Results r, String what) {
      if (!r.hasDisclosure()) {
        if (r.getSuppressed() != 0) {
          spec.commandLine().getErr().println(Long.toUnsignedString(r.getSuppressed())
              + " " + what + " were below the threshold k and are suppressed");
        }
        return;
      }
      DisclosureApplied d = r.getDisclosure();
      StringBuilder b = new StringBuilder(Long.toUnsignedString(r.getSuppressed()) + " " + what
          + " suppressed (fewer than " + Integer.toUnsignedString(d.getMinRecords())
          + " matched records or " + Integer.toUnsignedString(d.getMinSubmitters())
          + " submitters)");
      if (d.hasDp()) {
        DpAccount dp = d.getDp();
        b.append("; counts marked ~ are NOISED, not exact: ").append(dp.getMechanism())
            .append(" noise, epsilon ").append(Disclosure.formatEpsilon(
                dp.getEpsilonPerRunMicros()))
            .append(" per run, sensitivity ").append(Integer.toUnsignedString(
                dp.getSensitivity()))
            .append("; privacy budget spent ").append(Disclosure.formatEpsilon(
                dp.getEpsilonSpentMicros()))
            .append(" of ").append(Disclosure.formatEpsilon(dp.getEpsilonBudgetMicros()))
            .append(", remaining ").append(Disclosure.formatEpsilon(
                dp.getEpsilonBudgetMicros() - dp.getEpsilonSpentMicros()));
      } else {
        b.append("; counts are exact");
      }
      spec.commandLine().getErr().println(b);
    }
  }
}
