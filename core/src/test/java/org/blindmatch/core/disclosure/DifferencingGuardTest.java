package org.blindmatch.core.disclosure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.blindmatch.proto.v1.RunInput;
import org.blindmatch.proto.v1.RunTranscript;
import org.junit.jupiter.api.Test;

class DifferencingGuardTest {
  private static final String A = "blindmatch://f/platform/a";
  private static final String B = "blindmatch://f/platform/b";
  private static final String C = "blindmatch://f/platform/c";

  private static RunInput in(String submitter, String id) {
    return RunInput.newBuilder().setSubmitter(submitter).setSubmissionId(id).build();
  }

  private static RunTranscript run(String id, RunInput... inputs) {
    return RunTranscript.newBuilder().setRunId(id).addAllReportInputs(List.of(inputs)).build();
  }

  @Test
  void theClassicPairDiffersByOneSubmissionAndIsAConflict() {
    List<DifferencingGuard.Conflict> c = DifferencingGuard.conflicts(
        List.of(in(A, "a1"), in(B, "b1"), in(C, "c1")),
        List.of(run("run-1", in(A, "a1"), in(B, "b1"))), 2);
    assertEquals(List.of(new DifferencingGuard.Conflict("run-1", 1, List.of(C))), c);
  }

  @Test
  void manySubmissionsOfOneSubmitterAreStillOneSubmitter() {
    assertTrue(DifferencingGuard.conflicts(List.of(in(A, "a1"), in(A, "a2"), in(B, "b1")),
        List.of(run("run-1", in(A, "a1"), in(B, "b2"))), 2).isEmpty(),
        "a2, b1 and b2 differ: two submitters");
    List<DifferencingGuard.Conflict> c = DifferencingGuard.conflicts(List.of(in(A, "a2"), in(A, "a3"), in(B, "b1")),
        List.of(run("run-1", in(A, "a1"), in(B, "b1"))), 2);
    assertEquals(List.of(new DifferencingGuard.Conflict("run-1", 3, List.of(A))), c,
        "a replaced submission differences against the old one");
  }

  @Test
  void newInputsOfEnoughSubmittersAndIdenticalInputsPass() {
    assertTrue(DifferencingGuard.conflicts(List.of(in(A, "a1"), in(B, "b1"), in(C, "c1")),
        List.of(run("run-1", in(A, "a1"))), 2).isEmpty(), "two new submitters");
    assertTrue(DifferencingGuard.conflicts(List.of(in(A, "a1"), in(B, "b1")),
        List.of(run("run-1", in(A, "a1"), in(B, "b1"))), 2).isEmpty(), "identical inputs");
    assertTrue(DifferencingGuard.conflicts(List.of(in(A, "a1"), in(B, "b1")),
        List.of(run("run-1", in(A, "a1"))), 1).isEmpty(), "min_submitters 1: no guard");
  }

  @Test
  void everyConflictingRunIsNamedAndABoundOfThreeNeedsThreeSubmitters() {
    List<DifferencingGuard.Conflict> c = DifferencingGuard.conflicts(
        List.of(in(A, "a1"), in(B, "b1"), in(C, "c1")),
        List.of(run("run-1", in(A, "a1")), run("run-2", in(A, "a1"), in(B, "b1")),
            run("run-3")), 3);
    assertEquals(List.of("run-1", "run-2"), c.stream().map(DifferencingGuard.Conflict::runId)
        .toList(), "run-3 (empty) differs by three submitters");
  }
}
