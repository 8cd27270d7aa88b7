package org.blindmatch.core.disclosure;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
    Set<String> now = keys(reportInputs);
    List<Conflict> out = new ArrayList<>();
    for (RunTranscript t : earlier) {
      Set<String> then = keys(t.getReportInputsList());
      Set<String> diff = new HashSet<>(now);
      diff.addAll(then);
      Set<String> both = new HashSet<>(now);
      both.retainAll(then);
      diff.removeAll(both);
      if (diff.isEmpty()) {
        continue;
      }
      Set<String> submitters = new TreeSet<>();
      diff.forEach(k -> submitters.add(k.substring(0, k.indexOf('\n'))));
      if (submitters.size() < minSubmitters) {
        out.add(new Conflict(t.getRunId(), diff.size(), new ArrayList<>(submitters)));
      }
    }
    return out;
  }

  private static Set<String> keys(List<RunInput> inputs) {
    Set<String> s = new HashSet<>();
    for (RunInput in : inputs) {
      s.add(in.getSubmitter() + "\n" + in.getSubmissionId());
    }
    return s;
  }
}
