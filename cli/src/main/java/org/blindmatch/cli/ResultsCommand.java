package org.blindmatch.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.federation.FederationException;
import org.blindmatch.client.federation.NodeProfile;
import org.blindmatch.client.results.HandleMappings;
import org.blindmatch.client.results.RunResults;
import org.blindmatch.client.tokenize.InputException;
import org.blindmatch.crypto.io.AtomicOutput;
import org.blindmatch.core.match.MatchRun;
import org.blindmatch.crypto.scope.Disclosure;
import org.blindmatch.proto.v1.DisclosureApplied;
import org.blindmatch.proto.v1.DpAccount;
import org.blindmatch.proto.v1.LabelCount;
import org.blindmatch.proto.v1.RecordMatch;
import org.blindmatch.proto.v1.Results;
import org.blindmatch.proto.v1.TierTotals;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code blindmatch results get}: your results of a run, with handles resolved locally. */
@Command(name = "results", mixinStandardHelpOptions = true,
    description = "Fetch your results of a match run.",
    subcommands = {ResultsCommand.Get.class})
final class ResultsCommand {

  @Command(name = "get", mixinStandardHelpOptions = true,
      description = {"Fetch and verify your results (transcript signature, results digest), "
          + "then resolve handles with your mapping files.",
          "Platform: record_id,tier,label,events (label is the NGO's opaque handle).",
          "NGO: label,tier,matched_records,submitters (aggregates below min_records or "
              + "min_submitters are suppressed; noised counts are written ~N).",
          "Operator: tier,matched_records,matched_events,matched_labels,submitters."})
  static final class Get implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--profile", required = true, paramLabel = "FILE") Path profile;

    @Option(names = "--run", required = true, paramLabel = "RUN_ID") String runId;

    @Option(names = "--map", paramLabel = "FILE",
        description = "Your mapping file(s) from tokenize (repeatable).")
    List<Path> maps = new ArrayList<>();

    @Option(names = "--format", defaultValue = "csv", paramLabel = "FORMAT",
        description = "csv (default) or json.")
    String format;

    @Option(names = "--out", paramLabel = "FILE",
        description = "Write here instead of stdout (refused if FILE exists, unless --force).")
    Path out;

    @Option(names = "--force", description = "Replace an existing --out file.")
    boolean force;

    @Override
    public Integer call() throws FederationException, InputException, IOException {
      if (!format.equals("csv") && !format.equals("json")) {
        throw new InputException("--format: " + format + " is not csv or json");
      }
      if (out != null && !force && java.nio.file.Files.exists(out)) {
        throw new java.nio.file.FileAlreadyExistsException(out.toString(), null,
            "already exists (pass --force to replace it)");
      }
      String text;
      try (FederationClient client = FederationClient.connect(NodeProfile.load(profile),
          spec.commandLine().getErr()::println)) {
        RunResults rr = RunResults.fetch(client, runId);
        List<String> tierNames = new ArrayList<>();
        client.publishedScope().getScope().getTiersList().forEach(t -> tierNames.add(t.getName()));
        text = render(rr.results(), tierNames);
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

    /** The table for {@code r} in {@link #format}; tier numbers named from {@code tiers}. */
    String render(Results r, List<String> tiers) throws InputException {
      HexFormat hex = HexFormat.of();
      List<String> header;
      List<List<Object>> rows = new ArrayList<>();
      boolean operator = r.getRecipient().equals(MatchRun.OPERATOR);
      if (!operator && (!r.getRecordMatchesList().isEmpty() || (r.getLabelCountsCount() == 0
          && r.getTotalsCount() == 0 && r.getSuppressed() == 0))) {
        header = List.of("record_id", "tier", "label", "events");
        Set<String> wanted = new HashSet<>();
        r.getRecordMatchesList().forEach(m -> wanted.add(hex.formatHex(m.getRecordHandle()
            .toByteArray())));
        Map<String, String> ids = HandleMappings.resolve(maps, wanted);
        for (RecordMatch m : r.getRecordMatchesList()) {
          String h = hex.formatHex(m.getRecordHandle().toByteArray());
          rows.add(List.of(ids.getOrDefault(h, "handle:" + h), tier(tiers, m.getTier()),
              hex.formatHex(m.getLabelHandle().toByteArray()), m.getEvents()));
        }
      } else if (!operator && (r.getLabelCountsCount() > 0 || r.getSuppressed() != 0)) {
        header = List.of("label", "tier", "matched_records", "submitters");
        Set<String> wanted = new HashSet<>();
        r.getLabelCountsList().forEach(c -> wanted.add(hex.formatHex(c.getLabelHandle()
            .toByteArray())));
        Map<String, String> labels = HandleMappings.resolve(maps, wanted);
        for (LabelCount c : r.getLabelCountsList()) {
          String h = hex.formatHex(c.getLabelHandle().toByteArray());
          rows.add(List.of(labels.getOrDefault(h, "handle:" + h), tier(tiers, c.getTier()),
              count(r, c.getMatchedRecords()), count(r, c.getSubmitters())));
        }
        summary(r, "label aggregates");
      } else {
        header = List.of("tier", "matched_records", "matched_events", "matched_labels",
            "submitters");
        for (TierTotals t : r.getTotalsList()) {
          rows.add(List.of(tier(tiers, t.getTier()), count(r, t.getMatchedRecords()),
              count(r, t.getMatchedEvents()), count(r, t.getMatchedLabels()),
              count(r, t.getSubmitters())));
        }
        summary(r, "tier totals");
      }
      return format.equals("json") ? json(header, rows) : csv(header, rows);
    }

    /** A count as released: a {@link Noised} value when the run added noise to it. */
    private static Object count(Results r, long value) {
      return r.getDisclosure().hasDp() ? new Noised(value) : (Object) value;
    }

    /**
     * A noised uint64 count: {@code ~N} in CSV, {@code {"noised": N}} in JSON, never a bare
     * number a reader could take for an exact count.
     */
    private record Noised(long value) {
      @Override
      public String toString() {
        return "~" + Long.toUnsignedString(value);
      }
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

    /** Tier {@code n} (uint32 on the wire) by name, or its number if the scope has none. */
    private static String tier(List<String> tiers, int n) {
      return n >= 0 && n < tiers.size() ? tiers.get(n) : Integer.toUnsignedString(n);
    }

    private static String csv(List<String> header, List<List<Object>> rows) {
      StringBuilder b = new StringBuilder(String.join(",", header)).append('\n');
      for (List<Object> row : rows) {
        for (int i = 0; i < row.size(); i++) {
          if (i > 0) {
            b.append(',');
          }
          // Every Long here is a uint64 count from the wire.
          String v = row.get(i) instanceof Long l ? Long.toUnsignedString(l)
              : String.valueOf(row.get(i));
          if (v.contains(",") || v.contains("\"") || v.contains("\n")) {
            v = "\"" + v.replace("\"", "\"\"") + "\"";
          }
          b.append(v);
        }
        b.append('\n');
      }
      return b.toString();
    }

    private static String json(List<String> header, List<List<Object>> rows) {
      com.fasterxml.jackson.databind.ObjectMapper mapper =
          new com.fasterxml.jackson.databind.ObjectMapper();
      com.fasterxml.jackson.databind.node.ArrayNode array = mapper.createArrayNode();
      for (List<Object> row : rows) {
        com.fasterxml.jackson.databind.node.ObjectNode o = array.addObject();
        for (int i = 0; i < header.size(); i++) {
          Object v = row.get(i);
          if (v instanceof Long l) { // a uint64 count from the wire
            o.put(header.get(i), l >= 0 ? BigInteger.valueOf(l)
                : new BigInteger(Long.toUnsignedString(l)));
          } else if (v instanceof Noised n) {
            o.putObject(header.get(i)).put("noised",
                new BigInteger(Long.toUnsignedString(n.value())));
          } else {
            o.put(header.get(i), String.valueOf(v));
          }
        }
      }
      StringWriter w = new StringWriter();
      try {
        mapper.writerWithDefaultPrettyPrinter().writeValue(w, array);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return w + "\n";
    }
  }
}
