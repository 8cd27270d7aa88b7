package org.blindmatch.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.blindmatch.client.results.HandleMappings;
import org.blindmatch.client.results.RunResults;
import org.blindmatch.client.tokenize.InputException;
import org.blindmatch.crypto.scope.Disclosure;
import org.blindmatch.proto.v1.DisclosureApplied;
import org.blindmatch.proto.v1.DpAccount;
import org.blindmatch.proto.v1.LabelCount;
import org.blindmatch.crypto.scope.Disclosure;
import org.blindmatch.proto.v1.DisclosureApplied;
import org.blindmatch.proto.v1.DpAccount;
import org.blindmatch.proto.v1.RecordMatch;
import org.blindmatch.crypto.scope.Disclosure;
import org.blindmatch.proto.v1.DisclosureApplied;
import org.blindmatch.proto.v1.DpAccount;
import org.blindmatch.proto.v1.Results;
import org.blindmatch.crypto.scope.Disclosure;
import org.blindmatch.proto.v1.DisclosureApplied;
import org.blindmatch.proto.v1.DpAccount;
import org.blindmatch.proto.v1.RunTranscript;
import org.blindmatch.crypto.scope.Disclosure;
import org.blindmatch.proto.v1.DisclosureApplied;
import org.blindmatch.proto.v1.DpAccount;
import org.blindmatch.proto.v1.TierTotals;

/**
 * A caller's verified results as one sorted table whose shape follows the role: a platform's
 * {@code record_id,tier,label,events} (its record ids resolved through its own mapping; the
 * label is the NGO's opaque handle), an NGO's {@code label,tier,matched_records,submitters}
 * (labels resolved through its mapping), the operator's
 * {@code tier,matched_records,matched_events,matched_labels,submitters}. Rows are sorted by
 * their columns left to right (text columns as text, tiers and counts by unsigned number).
 * Every handle must resolve: a wrong or missing mapping is an error naming the file, never a
 * silent {@code handle:} id, unless unresolved handles were asked for. Immutable.
 *
 * @param kind platform, ngo or operator
 * @param header the column names
 * @param rows one list of cells per row: {@link String} text, {@link Long} uint64 counts,
 *     {@link Noised} noised counts and {@link Tier} tiers
 */
record ResultsTable(String kind, List<String> header, List<List<Object>> rows) {

  /**
   * A noised uint64 count (the run added differential-privacy noise, PROTOCOL §7.2): {@code ~N}
   * in CSV, {@code {"noised": N}} in JSON, never a bare number a reader could take as exact.
   */
  record Noised(long value) {
    @Override
    public String toString() {
      return "~" + Long.toUnsignedString(value);
    }
  }

  /** A count as released in {@code r}: {@link Noised} when the run added noise to it. */
  private static Object count(Results r, long value) {
    return r.getDisclosure().hasDp() ? new Noised(value) : (Object) value;
  }

  /** A tier cell: its wire number and its scope name (its number if the scope has none). */
  record Tier(int number, String name) {
    static Tier of(int n, List<String> names) {
      return new Tier(n, n >= 0 && n < names.size() ? names.get(n) : Integer.toUnsignedString(n));
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * The table of {@code r}, which {@link RunResults} has checked to have {@code kind}'s shape.
   *
   * @param kind platform, ngo or operator: the caller's role
   *
   * @param maps the caller's mapping files (record ids or labels)
   * @param unresolved print opaque handles instead of requiring {@code maps} to resolve them
   * @param tiers the scope's tier names by number
   * @throws InputException if a handle does not resolve through {@code maps} (naming them)
   */
  static ResultsTable of(String kind, Results r, List<Path> maps, boolean unresolved,
      List<String> tiers) throws InputException {
    HexFormat hex = HexFormat.of();
    List<List<Object>> rows = new ArrayList<>();
    if (kind.equals("operator")) {
      for (TierTotals t : r.getTotalsList()) {
        rows.add(List.of(Tier.of(t.getTier(), tiers), count(r, t.getMatchedRecords()),
            count(r, t.getMatchedEvents()), count(r, t.getMatchedLabels()),
            count(r, t.getSubmitters())));
      }
      return sorted("operator", List.of("tier", "matched_records", "matched_events",
          "matched_labels", "submitters"), rows);
    }
    if (kind.equals("ngo")) {
      Set<String> wanted = new LinkedHashSet<>();
      r.getLabelCountsList().forEach(c -> wanted.add(hex.formatHex(c.getLabelHandle()
          .toByteArray())));
      Map<String, String> labels = resolve(maps, wanted, unresolved, "label");
      for (LabelCount c : r.getLabelCountsList()) {
        String h = hex.formatHex(c.getLabelHandle().toByteArray());
        rows.add(List.of(labels.getOrDefault(h, h), Tier.of(c.getTier(), tiers),
            count(r, c.getMatchedRecords()), count(r, c.getSubmitters())));
      }
      return sorted("ngo", List.of(unresolved ? "label_handle" : "label", "tier",
          "matched_records", "submitters"), rows);
    }
    Set<String> wanted = new LinkedHashSet<>();
    r.getRecordMatchesList().forEach(m -> wanted.add(hex.formatHex(m.getRecordHandle()
        .toByteArray())));
    Map<String, String> ids = resolve(maps, wanted, unresolved, "record");
    for (RecordMatch m : r.getRecordMatchesList()) {
      String h = hex.formatHex(m.getRecordHandle().toByteArray());
      rows.add(List.of(ids.getOrDefault(h, h), Tier.of(m.getTier(), tiers),
          hex.formatHex(m.getLabelHandle().toByteArray()), m.getEvents()));
    }
    return sorted("platform", List.of(unresolved ? "record_handle" : "record_id", "tier",
        "label", "events"), rows);
  }

  private static Map<String, String> resolve(List<Path> maps, Set<String> wanted,
      boolean unresolved, String what) throws InputException {
    if (unresolved || wanted.isEmpty()) {
      return Map.of();
    }
    if (maps.isEmpty()) {
      throw new InputException("these results have " + wanted.size() + " " + what
          + " handle(s) to resolve and no --map was given: pass the mapping file tokenize "
          + "wrote next to the token file you submitted (--map FILE), or --unresolved to "
          + "print the opaque handles");
    }
    Map<String, String> found = HandleMappings.resolve(maps, wanted);
    if (found.size() != wanted.size()) {
      throw new InputException(String.join(", ", maps.stream().map(Path::toString).toList())
          + ": resolves " + found.size() + " of the " + wanted.size() + " " + what
          + " handle(s) in these results: not the mapping of the token file you submitted "
          + "for this run (each tokenize run writes its own; pass the one next to the token "
          + "file you submitted)");
    }
    return found;
  }

  private static ResultsTable sorted(String kind, List<String> header, List<List<Object>> rows) {
    rows.sort(ROW_ORDER);
    return new ResultsTable(kind, header, List.copyOf(rows));
  }

  private static final Comparator<List<Object>> ROW_ORDER = (a, b) -> {
    for (int i = 0; i < a.size(); i++) {
      int c = compare(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  };

  private static int compare(Object a, Object b) {
    if (a instanceof Long x && b instanceof Long y) {
      return Long.compareUnsigned(x, y);
    }
    if (a instanceof Noised x && b instanceof Noised y) {
      return Long.compareUnsigned(x.value(), y.value());
    }
    if (a instanceof Tier x && b instanceof Tier y) {
      return Integer.compareUnsigned(x.number(), y.number());
    }
    return String.valueOf(a).compareTo(String.valueOf(b));
  }

  /** The table as CSV with a header line (RFC 4180 quoting where needed). */
  String csv() {
    StringBuilder b = new StringBuilder(String.join(",", header)).append('\n');
    for (List<Object> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        if (i > 0) {
          b.append(',');
        }
        String v = cell(row.get(i));
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
          v = "\"" + v.replace("\"", "\"\"") + "\"";
        }
        b.append(v);
      }
      b.append('\n');
    }
    return b.toString();
  }

  private static String cell(Object v) {
    return v instanceof Long l ? Long.toUnsignedString(l) : String.valueOf(v);
  }

  /**
   * The {@code blindmatch.results/v1} document (docs/JSON.md): the run's verified context
   * then the rows. Fields the results message gains (e.g. disclosure-control parameters) are
   * added here, next to {@code suppressed}.
   */
  ObjectNode json(RunResults verified) {
    RunTranscript t = verified.transcript();
    Results r = verified.results();
    ObjectNode doc = JsonOutput.document("results");
    doc.put("run_id", t.getRunId());
    JsonOutput.instant(doc, "started_at", t.getStartedAt());
    doc.put("scope_id", t.getScopeId());
    doc.put("scope_digest", HexFormat.of().formatHex(t.getScopeDigest().toByteArray()));
    JsonOutput.uint32(doc, "k", t.getKThreshold());
    doc.put("recipient", r.getRecipient());
    doc.put("kind", kind);
    JsonOutput.uint64(doc, "suppressed", r.getSuppressed());
    if (r.hasDisclosure()) {
      DisclosureApplied d = r.getDisclosure();
      ObjectNode disclosure = doc.putObject("disclosure");
      JsonOutput.uint32(disclosure, "min_records", d.getMinRecords());
      JsonOutput.uint32(disclosure, "min_submitters", d.getMinSubmitters());
      if (d.hasDp()) {
        DpAccount dp = d.getDp();
        ObjectNode o = disclosure.putObject("dp");
        o.put("mechanism", dp.getMechanism());
        o.put("epsilon_per_run", Disclosure.formatEpsilon(dp.getEpsilonPerRunMicros()));
        o.put("epsilon_budget", Disclosure.formatEpsilon(dp.getEpsilonBudgetMicros()));
        o.put("epsilon_spent", Disclosure.formatEpsilon(dp.getEpsilonSpentMicros()));
        o.put("epsilon_remaining", Disclosure.formatEpsilon(
            dp.getEpsilonBudgetMicros() - dp.getEpsilonSpentMicros()));
        JsonOutput.uint32(o, "sensitivity", dp.getSensitivity());
      }
    }
    ObjectNode log = doc.putObject("log");
    log.put("index", verified.logIndex());
    log.put("tree_size", verified.head().getTreeSize());
    log.put("root_hash", HexFormat.of().formatHex(verified.head().getRootHash().toByteArray()));
    doc.set("columns", doc.arrayNode().addAll(header.stream()
        .map(h -> doc.textNode(h)).toList()));
    ArrayNode array = doc.putArray("rows");
    for (List<Object> row : rows) {
      ObjectNode o = array.addObject();
      for (int i = 0; i < header.size(); i++) {
        Object v = row.get(i);
        if (v instanceof Long l) {
          JsonOutput.uint64(o, header.get(i), l);
        } else if (v instanceof Noised n) {
          JsonOutput.uint64(o.putObject(header.get(i)), "noised", n.value());
        } else {
          o.put(header.get(i), String.valueOf(v));
        }
      }
    }
    return doc;
  }
}
