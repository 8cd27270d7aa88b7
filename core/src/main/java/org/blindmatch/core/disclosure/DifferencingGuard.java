package org.blindmatch.core.disclosure;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.blindmatch.proto.v1.RunInput;
import org.blindmatch.proto.v1.RunTranscript;

/**
 * The differencing guard (PROTOCOL §7.2): two runs of one scope whose report inputs differ only
 * in submissions of fewer than {@code min_submitters} distinct submitters let anyone who gets
 * aggregates from both (every NGO of both, the operator, and through the transcript totals
 * every recipient) subtract one from the other and read those few submitters' contribution.
 * A new run is in conflict with every earlier run of its scope whose report-input set
 * (submitter, submission id) differs from its own by a non-empty set spanning fewer than
 * {@code min_submitters} submitters. Identical input sets are not a conflict: without noise
 * they disclose nothing new, with noise the privacy budget pays for the repeat.
 * Stateless and thread-safe.
 */
public final class DifferencingGuard {
  private DifferencingGuard() {}

  /**
   * One earlier run the new run would difference against.
   *
   * @param runId the earlier run
   * @param submissions how many report submissions the two input sets differ by
   * @param submitters the distinct submitters of those submissions, sorted
   */
  public record Conflict(String runId, int submissions, List<String> submitters) {
    public Conflict {
      submitters = List.copyOf(submitters);
    }
  }

  /**
   * The earlier runs {@code reportInputs} is in conflict with, in the order given.
   *
   * @param reportInputs the new run's report inputs
   * @param earlier earlier runs of the same scope
   * @param minSubmitters the scope's min_submitters; 1 never conflicts
   */
  public static List<Conflict> conflicts(List<RunInput> reportInputs,
      List<RunTranscript> earlier, int minSubmitters) {
    Map<String, Set<String>> runs = new LinkedHashMap<>();
    for (RunTranscript t : earlier) {
      runs.put(t.getRunId(), keys(t.getReportInputsList()));
    }
    return conflicts(keys(reportInputs), runs, minSubmitters);
  }

  /**
   * As {@link #conflicts(List, List, int)} over input sets already reduced to keys.
   *
   * @param reportInputs the new run's report inputs as {@link #key} strings
   * @param earlier earlier runs of the same scope in order: run id to its input keys
   */
  public static List<Conflict> conflicts(Set<String> reportInputs,
      Map<String, Set<String>> earlier, int minSubmitters) {
    List<Conflict> out = new ArrayList<>();
    for (Map.Entry<String, Set<String>> run : earlier.entrySet()) {
      Set<String> diff = new HashSet<>(reportInputs);
      diff.addAll(run.getValue());
      Set<String> both = new HashSet<>(reportInputs);
      both.retainAll(run.getValue());
      diff.removeAll(both);
      if (diff.isEmpty()) {
        continue;
      }
      Set<String> submitters = new TreeSet<>();
      diff.forEach(k -> submitters.add(k.substring(0, k.indexOf('\n'))));
      if (submitters.size() < minSubmitters) {
        out.add(new Conflict(run.getKey(), diff.size(), new ArrayList<>(submitters)));
      }
    }
    return out;
  }

  /** The key of one input: submitter, a line feed, submission id. */
  public static String key(String submitter, String submissionId) {
    return submitter + "\n" + submissionId;
  }

  /** The keys of {@code inputs}. */
  public static Set<String> keys(List<RunInput> inputs) {
    Set<String> s = new HashSet<>();
    for (RunInput in : inputs) {
      s.add(key(in.getSubmitter(), in.getSubmissionId()));
    }
    return s;
  }
}
