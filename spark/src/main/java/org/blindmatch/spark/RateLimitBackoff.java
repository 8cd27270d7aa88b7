package org.blindmatch.spark;

import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import java.util.Random;
import org.blindmatch.client.oprf.KeyholderPool;
import org.blindmatch.client.tokenize.OprfEvaluator;

/**
 * Evaluates batches through a keyholder pool and, when the pool gives up because keyholders
 * refused with {@code RESOURCE_EXHAUSTED} ({@link KeyholderPool.RateLimitedException}), waits
 * and asks again through a freshly connected pool: bounded, exponential, with jitter. Every
 * other failure, and the last refusal, is thrown at once with a message naming the
 * keyholders. The pool's own fail-over is untouched: a refusing keyholder is replaced by a
 * spare one first, and this only waits when fewer than t remain. Thread-safe: concurrent
 * {@link #evaluate} calls share one pool; a refused pool is retired (closed only by
 * {@link #close}, so calls still running on it finish) and the next call connects afresh.
 */
final class RateLimitBackoff implements AutoCloseable {
  /** Connects a fresh evaluator (a {@link KeyholderPool}). */
  @FunctionalInterface
  interface Connector {
    OprfEvaluator connect() throws JobException;
  }

  /** Waits; tests pass a recorder. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  /**
   * How long to wait: attempt {@code a} (0-based) waits a uniformly random time in
   * {@code [d/2, d]} with {@code d = min(maxMillis, initialMillis × 2^a)}.
   *
   * @param retries further attempts after the first refusal, 0..20
   * @param initialMillis the first {@code d}
   * @param maxMillis the cap on {@code d}
   */
  record Policy(int retries, long initialMillis, long maxMillis) implements Serializable {
    private static final long serialVersionUID = 1L;

    Policy {
      if (retries < 0 || initialMillis < 1 || maxMillis < initialMillis) {
        throw new IllegalArgumentException("retries >= 0, 1 <= initial <= max");
      }
    }

    long delay(int attempt, Random random) {
      long d = initialMillis << Math.min(attempt, 30);
      d = Math.min(maxMillis, d < 0 ? maxMillis : d);
      return d / 2 + (long) (random.nextDouble() * (d - d / 2));
    }
  }

  private final Connector connector;
  private final Policy policy;
  private final Sleeper sleeper;
  private final Random random;
  private OprfEvaluator current;
  private final List<OprfEvaluator> retired = new java.util.ArrayList<>();

  RateLimitBackoff(Connector connector, Policy policy, Sleeper sleeper, Random random) {
    this.connector = connector;
    this.policy = policy;
    this.sleeper = sleeper;
    this.random = random;
  }

  /**
   * The OPRF outputs of {@code inputs}, in order.
   *
   * @throws IOException if the keyholders cannot evaluate, or still refuse after the last
   *     retry; the message names them and says why, never an input or output
   */
  List<byte[]> evaluate(List<byte[]> inputs) throws IOException {
    long waited = 0;
    for (int attempt = 0; ; attempt++) {
      OprfEvaluator evaluator = evaluator();
      try {
        return evaluator.evaluate(inputs);
      } catch (KeyholderPool.RateLimitedException e) {
        retire(evaluator); // it dropped the refusing keyholders; a fresh pool asks them again
        if (attempt >= policy.retries()) {
          throw new IOException("keyholders refused with RESOURCE_EXHAUSTED (over their quota "
              + "or rate limit) " + (attempt + 1) + " times, waiting " + waited + " ms in all "
              + "between attempts: " + String.join("; ", e.keyholders()) + " (last answer: "
              + e.getMessage() + ")");
        }
        long d = policy.delay(attempt, random);
        waited += d;
        try {
          sleeper.sleep(d);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while waiting for rate-limited keyholders", ie);
        }
      }
    }
  }

  private synchronized OprfEvaluator evaluator() throws IOException {
    if (current == null) {
      try {
        current = connector.connect();
      } catch (JobException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
    return current;
  }

  private synchronized void retire(OprfEvaluator evaluator) {
    if (evaluator != null && current == evaluator) {
      retired.add(current);
      current = null;
    }
  }

  @Override
  public synchronized void close() {
    retire(current);
    for (OprfEvaluator e : retired) {
      if (e instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception ignored) {
          // a pool's close only shuts channels down
        }
      }
    }
    retired.clear();
  }
}
