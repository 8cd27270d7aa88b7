package org.blindmatch.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.blindmatch.client.oprf.KeyholderPool;
import org.blindmatch.client.tokenize.OprfEvaluator;
import org.junit.jupiter.api.Test;

/**
 * The keyholder stage's back-off: waits that double from the first, capped, each jittered
 * into [d/2, d]; a fresh evaluator after each refusal; other failures thrown at once; after
 * the last retry a message naming the keyholders.
 */
class RateLimitBackoffTest {
  private static final String NAME = "keyholder 2 (blindmatch://f/keyholder/kh-2 at h:7500)";

  /** Refuses the first {@code refusals} calls (over all instances), then answers. */
  private static final class Fake implements OprfEvaluator, AutoCloseable {
    static int calls;
    static int closed;
    final int refusals;

    Fake(int refusals) {
      this.refusals = refusals;
    }

    @Override
    public int epoch() {
      return 1;
    }

    @Override
    public int maxBatch() {
      return 10;
    }

    @Override
    public List<byte[]> evaluate(List<byte[]> inputs) throws IOException {
      if (calls++ < refusals) {
        throw new KeyholderPool.RateLimitedException("OPRF evaluation failed: " + NAME
            + ": RESOURCE_EXHAUSTED: evaluation quota of epoch 1 exceeded", List.of(NAME));
      }
      return inputs;
    }

    @Override
    public void close() {
      closed++;
    }
  }

  @Test
  void waitsExponentiallyWithJitterThenSucceeds() throws IOException {
    Fake.calls = 0;
    Fake.closed = 0;
    List<Long> waits = new ArrayList<>();
    int[] connects = {0};
    try (RateLimitBackoff b = new RateLimitBackoff(() -> {
      connects[0]++;
      return new Fake(3);
    }, new RateLimitBackoff.Policy(5, 100, 300), waits::add, new Random(1))) {
      List<byte[]> in = List.of(new byte[] {1});
      assertEquals(in, b.evaluate(in));
    }
    assertEquals(3, waits.size());
    long[][] bounds = {{50, 100}, {100, 200}, {150, 300}};
    for (int i = 0; i < 3; i++) {
      long w = waits.get(i);
      assertTrue(w >= bounds[i][0] && w <= bounds[i][1], "wait " + i + ": " + w);
    }
    assertEquals(4, connects[0], "a fresh pool after each refusal");
    assertEquals(4, Fake.closed, "each pool closed");
  }

  @Test
  void givesUpAfterTheLastRetryNamingTheKeyholder() {
    Fake.calls = 0;
    List<Long> waits = new ArrayList<>();
    RateLimitBackoff b = new RateLimitBackoff(() -> new Fake(100),
        new RateLimitBackoff.Policy(2, 10, 1000), waits::add, new Random(2));
    IOException e = assertThrows(IOException.class, () -> b.evaluate(List.of(new byte[1])));
    assertEquals(2, waits.size());
    assertTrue(e.getMessage().startsWith("keyholders refused with RESOURCE_EXHAUSTED (over "
        + "their quota or rate limit) 3 times"), e.getMessage());
    assertTrue(e.getMessage().contains(NAME), e.getMessage());
  }

  @Test
  void otherFailuresAreNotRetried() {
    List<Long> waits = new ArrayList<>();
    RateLimitBackoff b = new RateLimitBackoff(() -> new OprfEvaluator() {
      @Override
      public int epoch() {
        return 1;
      }

      @Override
      public int maxBatch() {
        return 1;
      }

      @Override
      public List<byte[]> evaluate(List<byte[]> inputs) throws IOException {
        throw new IOException("OPRF evaluation failed: keyholder 1: DLEQ proof does not verify");
      }
    }, new RateLimitBackoff.Policy(5, 10, 1000), waits::add, new Random(3));
    IOException e = assertThrows(IOException.class, () -> b.evaluate(List.of(new byte[1])));
    assertTrue(e.getMessage().contains("DLEQ"), e.getMessage());
    assertTrue(waits.isEmpty());
  }

  @Test
  void aFailedReconnectIsReported() {
    RateLimitBackoff b = new RateLimitBackoff(() -> {
      throw new JobException("only 1 of the 3 keyholders answered correctly, and epoch 1 "
          + "needs 2");
    }, new RateLimitBackoff.Policy(1, 10, 1000), w -> { }, new Random(4));
    IOException e = assertThrows(IOException.class, () -> b.evaluate(List.of(new byte[1])));
    assertTrue(e.getMessage().startsWith("only 1 of the 3"), e.getMessage());
  }
}
