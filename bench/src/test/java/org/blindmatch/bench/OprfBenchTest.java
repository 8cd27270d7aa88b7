package org.blindmatch.bench;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The OPRF benchmark runs end to end on a small batch (it checks internally that the threshold
 * outputs equal the full key's) and prints every figure it promises. Timings are not asserted.
 */
class OprfBenchTest {
  @Test
  void smallBatchPrintsAllFigures() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      OprfBench.run(16, 0);
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("batch 16"), out);
    for (String figure : new String[] {"mult/s/core", "keyholder BlindEvaluate batch with proof",
        "evaluations/s/core, ratio", "client verify proof + finalize",
        "threshold 2-of-3 per element: verify 2 proofs", "combine + unblind + finalize",
        "request decode", "best of 3"}) {
      assertTrue(out.contains(figure), figure + " missing from:\n" + out);
    }
  }

  @Test
  void batchOutsideTheProtocolRangeIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> OprfBench.run(0, 1));
    assertThrows(IllegalArgumentException.class, () -> OprfBench.run(65536, 1));
  }
}
