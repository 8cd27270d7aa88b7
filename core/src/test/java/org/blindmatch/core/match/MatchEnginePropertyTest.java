package org.blindmatch.core.match;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.blindmatch.proto.v1.LabelCount;
import org.blindmatch.proto.v1.RecordMatch;
import org.blindmatch.proto.v1.Results;
import org.blindmatch.proto.v1.TierTotals;

/**
 * {@link MatchRun} (hence {@link MatchEngine}) against a naive nested-loop join written
 * here from the match rule of {@code docs/PROTOCOL.md} §7, over random runs: 1–2 key groups,
 * 0–3 report and 0–3 watchlist inputs each, 3 platforms and 2 NGOs (so one submitter often
 * has several inputs), 1–3 tiers among 0, 1, 2, 9, 10, 15, alphabets of 1–6 tokens and 1–5
 * handles (so tokens and handles collide often), duplicated records, k in 0..4. Every
 * recipient's {@code Results} and the totals must be equal, lists in the same order.
 */
class MatchEnginePropertyTest {
  private static final int[] TOKENS = {0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff};
  private static final int[] HANDLES = {0x00, 0x05, 0x7f, 0x80, 0xff};

  @Property(tries = 500, edgeCases = EdgeCasesMode.NONE)
  void matchRunAgreesWithANestedLoopJoin(@ForAll("runs") Run run) throws IOException {
    MatchScenario s = run.scenario();
    MatchRun.Outcome actual = new MatchRun().compute("run-p", s.kThreshold(), s.keyGroups());
    NaiveJoin expected = new NaiveJoin(s);

    assertEquals(List.copyOf(expected.results.keySet()), List.copyOf(actual.results().keySet()),
        "recipients, in order");
    for (String recipient : expected.results.keySet()) {
      Results want = expected.results.get(recipient).build();
      Results got = actual.results().get(recipient);
      if (run.sharedLabels()) {
        // Two watchlists with the same label handle: which comes first in a submitter's list
        // is the merge's tie-break between equal records, not part of the rule. Compare the
        // record matches as multisets there, everything else exactly.
        want = sortedRecordMatches(want);
        got = sortedRecordMatches(got);
      }
      assertEquals(want, got, "results of " + recipient);
    }
    assertEquals(expected.totals, actual.totals(), "totals");

    Statistics.label("record matches").collect(expected.recordMatches > 0);
    Statistics.label("label counts shown").collect(expected.shown > 0);
    Statistics.label("label counts suppressed").collect(expected.suppressed > 0);
    Statistics.label("key groups").collect(s.groups().size());
    Statistics.label("record matches").coverage(c -> c.check(true).percentage(p -> p > 20));
    Statistics.label("label counts suppressed")
        .coverage(c -> c.check(true).percentage(p -> p > 5));
    Statistics.label("label counts shown").coverage(c -> c.check(true).percentage(p -> p > 10));
  }

  /** A generated run, and whether its watchlists draw label handles from one shared pool. */
  record Run(MatchScenario scenario, boolean sharedLabels) {}

  @Provide
  Arbitrary<Run> runs() {
    Arbitrary<List<Integer>> tiers = Arbitraries.of(0, 1, 2, 9, 10, 15).set()
        .ofMinSize(1).ofMaxSize(3).map(t -> t.stream().sorted().toList());
    return Combinators.combine(tiers, Arbitraries.integers().between(1, TOKENS.length),
            Arbitraries.integers().between(1, HANDLES.length), Arbitraries.of(false, true))
        .flatAs((t, nTokens, nHandles, shared) -> {
          Arbitrary<MatchScenario.Rec> rec = Combinators.combine(
                  Arbitraries.of(Arrays.copyOf(boxed(TOKENS), nTokens)),
                  Arbitraries.of(Arrays.copyOf(boxed(HANDLES), nHandles)), Arbitraries.of(t))
              .as(MatchScenario.Rec::new);
          // Each drawn record appears once or twice: duplicates are legal and count as events.
          Arbitrary<List<MatchScenario.Rec>> records = Combinators.combine(rec,
                  Arbitraries.integers().between(1, 2))
              .as((r, n) -> List.of(r, r).subList(0, n)).list().ofMaxSize(8)
              .map(l -> l.stream().flatMap(List::stream).toList());
          Arbitrary<List<Sub>> side = Combinators.combine(
                  Arbitraries.integers().between(0, 2), records)
              .as(Sub::new).list().ofMaxSize(3);
          Arbitrary<List<MatchScenario.Group>> groups = Combinators.combine(side, side)
              .as((r, w) -> List.of(r, w)).list().ofMinSize(1).ofMaxSize(2)
              .map(gs -> groups(gs, shared));
          return Combinators.combine(Arbitraries.integers().between(0, 4), groups)
              .as((k, gs) -> new Run(new MatchScenario(k, gs), shared));
        });
  }

  /** A generated input before it gets an id: submitter number and records. */
  private record Sub(int submitter, List<MatchScenario.Rec> records) {}

  private static List<MatchScenario.Group> groups(List<List<List<Sub>>> sides, boolean shared) {
    List<MatchScenario.Group> out = new ArrayList<>();
    for (int g = 0; g < sides.size(); g++) {
      List<MatchScenario.Sub> reports = new ArrayList<>();
      List<MatchScenario.Sub> watchlists = new ArrayList<>();
      for (Sub s : sides.get(g).get(0)) {
        reports.add(new MatchScenario.Sub("r" + g + "-" + reports.size(),
            "platform-" + s.submitter(), s.records()));
      }
      for (Sub s : sides.get(g).get(1)) {
        int j = watchlists.size();
        List<MatchScenario.Rec> recs = s.records().stream()
            .map(r -> new MatchScenario.Rec(r.token(),
                shared ? r.handle() : r.handle() | (j + 1) << 8, r.tier()))
            .toList();
        watchlists.add(new MatchScenario.Sub("w" + g + "-" + j, "ngo-" + s.submitter() % 2,
            recs));
      }
      // Two key ids, as a run with an hmac key and an oprf epoch has.
      out.add(new MatchScenario.Group(g == 0 ? 7 : 1, reports, watchlists));
    }
    return out;
  }

  private static Integer[] boxed(int[] a) {
    return Arrays.stream(a).boxed().toArray(Integer[]::new);
  }

  private static Results sortedRecordMatches(Results r) {
    List<RecordMatch> sorted = new ArrayList<>(r.getRecordMatchesList());
    sorted.sort(Comparator.comparing(RecordMatch::toByteString,
        ByteString.unsignedLexicographicalComparator()));
    return r.toBuilder().clearRecordMatches().addAllRecordMatches(sorted).build();
  }

  /**
   * The expected results, by brute force: every report record against every watchlist record
   * of its key group. Shares no code with the engine.
   */
  private static final class NaiveJoin {
    final Map<String, Results.Builder> results = new LinkedHashMap<>();
    final List<TierTotals> totals = new ArrayList<>();
    int recordMatches;
    int shown;
    int suppressed;

    /** (report input, record handle) within one group. */
    private record ReportRecord(int input, int handle) {}

    /** (watchlist input, label handle) within one group. */
    private record Label(int input, int handle) {}

    /** What a report record handle matched: one label in one tier. */
    private record Hit(int handle, Label label, int tier) {}

    private record LabelTier(Label label, int tier) {}

    NaiveJoin(MatchScenario s) {
      Map<Integer, long[]> sums = new TreeMap<>(); // tier -> records, events, labels
      Map<Integer, Set<String>> tierSubmitters = new TreeMap<>();
      for (MatchScenario.Group g : s.groups()) {
        for (MatchScenario.Sub in : g.reports()) {
          results(in.submitter());
        }
        for (MatchScenario.Sub in : g.watchlists()) {
          results(in.submitter());
        }
        if (g.reports().isEmpty() || g.watchlists().isEmpty()) {
          continue;
        }
        Map<LabelTier, Set<ReportRecord>> labelRecords = new HashMap<>();
        Map<LabelTier, Set<String>> labelSubmitters = new HashMap<>();
        Map<Integer, Set<ReportRecord>> tierRecords = new HashMap<>();
        Map<Integer, Set<Label>> tierLabels = new HashMap<>();
        Map<Integer, Long> tierEvents = new HashMap<>();
        for (int i = 0; i < g.reports().size(); i++) {
          MatchScenario.Sub report = g.reports().get(i);
          Map<Hit, Long> events = new HashMap<>();
          Map<Hit, Integer> firstToken = new HashMap<>();
          for (MatchScenario.Rec r : report.records()) {
            Set<Label> matched = new HashSet<>();
            for (int j = 0; j < g.watchlists().size(); j++) {
              for (MatchScenario.Rec w : g.watchlists().get(j).records()) {
                if (w.token() == r.token()) {
                  matched.add(new Label(j, w.handle()));
                }
              }
            }
            if (matched.isEmpty()) {
              continue;
            }
            ReportRecord rr = new ReportRecord(i, r.handle());
            tierEvents.merge(r.tier(), 1L, Long::sum);
            tierRecords.computeIfAbsent(r.tier(), t -> new HashSet<>()).add(rr);
            tierSubmitters.computeIfAbsent(r.tier(), t -> new HashSet<>()).add(report.submitter());
            for (Label l : matched) {
              Hit h = new Hit(r.handle(), l, r.tier());
              events.merge(h, 1L, Long::sum);
              firstToken.merge(h, r.token(), Math::min);
              LabelTier lt = new LabelTier(l, r.tier());
              labelRecords.computeIfAbsent(lt, x -> new HashSet<>()).add(rr);
              labelSubmitters.computeIfAbsent(lt, x -> new HashSet<>()).add(report.submitter());
              tierLabels.computeIfAbsent(r.tier(), t -> new HashSet<>()).add(l);
            }
          }
          // A submitter's list: by the smallest token the pair matched on, then record
          // handle, tier, label handle (MatchOutcome's documented order).
          List<Hit> hits = new ArrayList<>(events.keySet());
          hits.sort(Comparator.comparing((Hit h) -> firstToken.get(h))
              .thenComparing((a, b) -> Arrays.compareUnsigned(handle(a.handle()),
                  handle(b.handle())))
              .thenComparing(Hit::tier)
              .thenComparing((a, b) -> Arrays.compareUnsigned(handle(a.label().handle()),
                  handle(b.label().handle()))));
          for (Hit h : hits) {
            recordMatches++;
            results(report.submitter()).addRecordMatches(RecordMatch.newBuilder()
                .setSubmissionId(report.id())
                .setRecordHandle(ByteString.copyFrom(handle(h.handle())))
                .setLabelHandle(ByteString.copyFrom(handle(h.label().handle())))
                .setTier(h.tier())
                .setEvents(events.get(h)));
          }
        }
        for (int j = 0; j < g.watchlists().size(); j++) {
          MatchScenario.Sub watchlist = g.watchlists().get(j);
          List<LabelTier> mine = new ArrayList<>();
          for (LabelTier lt : labelRecords.keySet()) {
            if (lt.label().input() == j) {
              mine.add(lt);
            }
          }
          // By label handle, then tier as a decimal string (MatchOutcome's documented order).
          mine.sort(Comparator.comparing((LabelTier lt) -> handle(lt.label().handle()),
                  Arrays::compareUnsigned)
              .thenComparing(lt -> String.valueOf(lt.tier())));
          Results.Builder b = results(watchlist.submitter());
          for (LabelTier lt : mine) {
            int records = labelRecords.get(lt).size();
            if (records < s.kThreshold()) {
              suppressed++;
              b.setSuppressed(b.getSuppressed() + 1);
              continue;
            }
            shown++;
            b.addLabelCounts(LabelCount.newBuilder()
                .setSubmissionId(watchlist.id())
                .setLabelHandle(ByteString.copyFrom(handle(lt.label().handle())))
                .setTier(lt.tier())
                .setMatchedRecords(records)
                .setSubmitters(labelSubmitters.get(lt).size()));
          }
        }
        for (Map.Entry<Integer, Long> e : tierEvents.entrySet()) {
          long[] sum = sums.computeIfAbsent(e.getKey(), t -> new long[3]);
          sum[0] += tierRecords.get(e.getKey()).size();
          sum[1] += e.getValue();
          sum[2] += tierLabels.get(e.getKey()).size();
        }
      }
      sums.forEach((tier, sum) -> totals.add(TierTotals.newBuilder().setTier(tier)
          .setMatchedRecords(sum[0]).setMatchedEvents(sum[1]).setMatchedLabels(sum[2])
          .setSubmitters(tierSubmitters.get(tier).size()).build()));
      results(MatchRun.OPERATOR).addAllTotals(totals);
    }

    private Results.Builder results(String recipient) {
      return results.computeIfAbsent(recipient,
          r -> Results.newBuilder().setRunId("run-p").setRecipient(r));
    }

    private static byte[] handle(int h) {
      return new MatchScenario.Rec(0, h, 0).handleBytes();
    }
  }
}
