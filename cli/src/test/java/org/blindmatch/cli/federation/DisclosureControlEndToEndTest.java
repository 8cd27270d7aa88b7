package org.blindmatch.cli.federation;

import static org.blindmatch.cli.federation.FederationTests.fail;
import static org.blindmatch.cli.federation.FederationTests.ok;
import static org.blindmatch.cli.federation.FederationTests.tokenize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.blindmatch.cli.BlindmatchCli;
import org.blindmatch.crypto.pki.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disclosure control across runs (issue 20), driven through the CLI against an in-process
 * clearinghouse over mutual TLS: contributor thresholds seen by the NGO and the operator, the
 * differencing guard and its logged override, and a differential-privacy budget, each checked
 * again by {@code audit verify --replay} from the log.
 */
class DisclosureControlEndToEndTest {
  private static final Pattern RUN = Pattern.compile("(?m)^run\\s+(\\S+)$");

  /** stdout and stderr of one successful CLI call. */
  private record Out(String out, String err) {}

  private static Out okBoth(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = BlindmatchCli.execute(args, new PrintWriter(out), new PrintWriter(err));
    assertEquals(0, status, () -> String.join(" ", args) + " failed: " + err);
    return new Out(out.toString(), err.toString());
  }

  private static String runId(String matchRunOutput) {
    Matcher m = RUN.matcher(matchRunOutput);
    assertTrue(m.find(), matchRunOutput);
    return m.group(1);
  }

  private static String matchRun(Path operator, String... extra) {
    String[] base = {"match", "run", "--profile", operator.toString(), "--scope", "test-scope"};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return ok(args);
  }

  /** Report CSV of {@code n} records {@code prefix-i} at {@code ip}, at {@code time}. */
  private static void reports(Path file, String prefix, int n, String ip, String time)
      throws Exception {
    StringBuilder b = new StringBuilder("record_id,ip,timestamp\n");
    for (int i = 1; i <= n; i++) {
      b.append(prefix).append('-').append(i).append(',').append(ip).append(',').append(time)
          .append('\n');
    }
    Files.writeString(file, b.toString());
  }

  private static void submit(TestFederation fed, Path profile, String csv, String id) {
    tokenize(fed, "--reports", csv, id + ".bmt");
    ok("submit", "--profile", profile.toString(), "--tokens",
        fed.dir.resolve(id + ".bmt").toString(), "--id", id);
  }

  private static Path watchlist(TestFederation fed, Path ngo) throws Exception {
    Files.writeString(fed.dir.resolve("w.csv"), """
        label,ip,start,end
        Bavet,45.77.12.9,2026-03-03T00:00:00Z,2026-03-03T23:59:59Z
        KK Park,45.77.12.20,2026-03-03T00:00:00Z,2026-03-03T23:59:59Z
        """);
    tokenize(fed, "--watchlist", "w.csv", "w.bmt");
    ok("submit", "--profile", ngo.toString(), "--tokens", fed.dir.resolve("w.bmt").toString(),
        "--id", "w1");
    return fed.dir.resolve("w.bmt.map.csv");
  }

  private static final String IN_WINDOW = "2026-03-03T08:30:00Z";
  private static final String OUT_OF_WINDOW = "2026-03-09T08:30:00Z";

  @Test
  void thresholdsGuardAndOverrideWithTheDefaultDisclosure(@TempDir Path dir) throws Exception {
    // The scope writes no disclosure block: min_records 3, min_submitters 2.
    try (TestFederation fed = new TestFederation(dir, 1, true, false, "")) {
      Path a = fed.node(Role.PLATFORM, "platform-a");
      Path b = fed.node(Role.PLATFORM, "platform-b");
      Path c = fed.node(Role.PLATFORM, "platform-c");
      Path d = fed.node(Role.PLATFORM, "platform-d");
      Path e = fed.node(Role.PLATFORM, "platform-e");
      Path ngo = fed.node(Role.NGO, "ngo");
      Path operator = fed.node(Role.CLEARINGHOUSE, "operator");
      Path auditor = fed.node(Role.AUDITOR, "auditor");
      Path map = watchlist(fed, ngo);
      // A: 3 records at Bavet inside the window (both tiers). B: 2 at Bavet and 3 at KK Park,
      // six days later (ip-only only). So ip+hour has one submitter; Bavet ip-only has 5
      // records of 2 submitters; KK Park ip-only 3 records of one submitter.
      reports(dir.resolve("a.csv"), "A", 3, "45.77.12.9", IN_WINDOW);
      Files.writeString(dir.resolve("b.csv"), """
          record_id,ip,timestamp
          B-1,45.77.12.9,2026-03-09T08:30:00Z
          B-2,45.77.12.9,2026-03-09T08:30:00Z
          B-3,45.77.12.20,2026-03-09T08:30:00Z
          B-4,45.77.12.20,2026-03-09T08:30:00Z
          B-5,45.77.12.20,2026-03-09T08:30:00Z
          """);
      submit(fed, a, "a.csv", "a1");
      submit(fed, b, "b.csv", "b1");
      String out1 = matchRun(operator);
      String run1 = runId(out1);
      assertTrue(out1.contains("disclosure min_records 3, min_submitters 2; 1 tier(s) "
          + "suppressed; totals are exact"), out1);

      Out ngoResults = okBoth("results", "get", "--profile", ngo.toString(), "--run", run1,
          "--map", map.toString());
      assertEquals("label,tier,matched_records,submitters\nBavet,ip-only,5,2\n",
          ngoResults.out(), "one platform's aggregates are not shown, however many records");
      assertTrue(ngoResults.err().contains("2 label aggregates suppressed (fewer than 3 "
          + "matched records or 2 submitters); counts are exact"), ngoResults.err());
      Out opResults = okBoth("results", "get", "--profile", operator.toString(), "--run", run1);
      assertEquals("tier,matched_records,matched_events,matched_labels,submitters\n"
          + "ip-only,8,8,2,2\n", opResults.out(), "ip+hour (platform A alone) is suppressed");
      assertTrue(opResults.err().contains("1 tier totals suppressed"), opResults.err());

      // The classic differencing pair: the same inputs plus one platform's submission.
      reports(dir.resolve("c.csv"), "C", 1, "45.77.12.9", OUT_OF_WINDOW);
      submit(fed, c, "c.csv", "c1");
      String refused = fail("match", "run", "--profile", operator.toString(), "--scope",
          "test-scope");
      assertTrue(refused.contains("FAILED_PRECONDITION"), refused);
      assertTrue(refused.contains("differencing guard"), refused);
      assertTrue(refused.contains("earlier run " + run1 + " by 1 submission(s) of 1 "
          + "submitter(s) [blindmatch://test/platform/platform-c]"), refused);
      assertTrue(refused.contains("--allow-differencing"), refused);

      String out2 = matchRun(operator, "--allow-differencing", "approved by the oversight board");
      String run2 = runId(out2);
      assertTrue(out2.contains("OVERRIDE   differencing guard overridden against run(s) "
          + run1), out2);

      // Spaced: two more platforms' submissions differ from both earlier runs by 2+ submitters.
      reports(dir.resolve("d.csv"), "D", 2, "45.77.12.20", OUT_OF_WINDOW);
      reports(dir.resolve("e.csv"), "E", 2, "45.77.12.20", OUT_OF_WINDOW);
      submit(fed, d, "d.csv", "d1");
      submit(fed, e, "e.csv", "e1");
      String out3 = matchRun(operator);
      assertFalse(out3.contains("OVERRIDE"), out3);
      String run3 = runId(out3);
      String w3 = ok("results", "get", "--profile", ngo.toString(), "--run", run3,
          "--map", map.toString());
      assertTrue(w3.contains("KK Park,ip-only,7,3\n"), "three platforms now: " + w3);

      String audit = ok("audit", "verify", "--profile", auditor.toString(), "--state",
          dir.resolve("audit-state").toString(), "--replay");
      assertTrue(audit.contains("replay       3 runs recomputed"), audit);
      assertTrue(audit.contains("(run " + run2 + "): differencing guard OVERRIDDEN by the "
          + "operator against run(s) " + run1 + "; reason: \"approved by the oversight board\""),
          audit);
      assertFalse(audit.contains("(run " + run3 + "): differencing"), audit);
    }
  }

  @Test
  void aDpScopeNoisesCountsChargesItsBudgetAndRefusesARunPastIt(@TempDir Path dir)
      throws Exception {
    String disclosure = "disclosure:\n  min_records: 1\n  min_submitters: 1\n"
        + "  dp: {epsilon_per_run: 1.5, epsilon_budget: 3, mechanism: geometric}\n";
    try (TestFederation fed = new TestFederation(dir, 1, true, false, disclosure)) {
      Path a = fed.node(Role.PLATFORM, "platform-a");
      Path ngo = fed.node(Role.NGO, "ngo");
      Path operator = fed.node(Role.CLEARINGHOUSE, "operator");
      Path auditor = fed.node(Role.AUDITOR, "auditor");
      Path map = watchlist(fed, ngo);
      reports(dir.resolve("a.csv"), "A", 4, "45.77.12.9", IN_WINDOW);
      submit(fed, a, "a.csv", "a1");

      String out1 = matchRun(operator);
      String run1 = runId(out1);
      assertTrue(out1.contains("totals above are NOISED (geometric, epsilon 1.5); privacy "
          + "budget spent 1.5 of 3"), out1);
      Out w = okBoth("results", "get", "--profile", ngo.toString(), "--run", run1,
          "--map", map.toString());
      assertTrue(w.out().matches("label,tier,matched_records,submitters\n"
          + "Bavet,ip\\+hour,~\\d+,~\\d+\nBavet,ip-only,~\\d+,~\\d+\n"), w.out());
      assertTrue(w.err().contains("counts marked ~ are NOISED, not exact: geometric noise, "
          + "epsilon 1.5 per run, sensitivity 12; privacy budget spent 1.5 of 3, remaining 1.5"),
          w.err());
      String json = ok("results", "get", "--profile", ngo.toString(), "--run", run1,
          "--map", map.toString(), "--json");
      com.fasterxml.jackson.databind.JsonNode doc =
          new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
      assertTrue(doc.path("rows").size() == 2, json);
      for (com.fasterxml.jackson.databind.JsonNode row : doc.path("rows")) {
        // a noised count is never a bare number
        assertTrue(row.path("matched_records").path("noised").isIntegralNumber(), json);
        assertTrue(row.path("submitters").path("noised").isIntegralNumber(), json);
      }
      assertTrue(doc.path("disclosure").path("dp").path("epsilon_spent").asText().equals("1.5"),
          json);
      assertTrue(doc.path("disclosure").path("dp").path("epsilon_remaining").asText()
          .equals("1.5"), json);
      Out op = okBoth("results", "get", "--profile", operator.toString(), "--run", run1);
      assertTrue(op.out().contains("ip-only,~"), op.out());
      assertTrue(op.err().contains("0 tier totals suppressed"), op.err());

      String out2 = matchRun(operator);
      assertTrue(out2.contains("privacy budget spent 3 of 3"), out2);
      String refused = fail("match", "run", "--profile", operator.toString(), "--scope",
          "test-scope");
      assertTrue(refused.contains("FAILED_PRECONDITION"), refused);
      assertTrue(refused.contains("privacy budget exhausted: scope test-scope has spent "
          + "epsilon 3 of its budget 3 and a run costs 1.5"), refused);

      String audit = ok("audit", "verify", "--profile", auditor.toString(), "--state",
          dir.resolve("audit-state").toString(), "--replay");
      assertTrue(audit.contains("replay       2 runs recomputed"), audit);
      assertTrue(audit.contains("(run " + run1 + "): noised (geometric, epsilon 1.5, "
          + "sensitivity 12); budget spent 1.5 of 3, remaining 1.5"), audit);
      assertTrue(audit.contains("budget spent 3 of 3, remaining 0"), audit);
    }
  }
}
