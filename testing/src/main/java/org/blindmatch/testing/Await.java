package org.blindmatch.testing;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting for an event in a test: the event decides, {@link TestTimeout} only turns a hang into
 * a failure that names what did not happen. Stateless, thread-safe.
 */
public final class Await {
  private Await() {}

  /**
   * Polls {@code event} (every few milliseconds, backing off to 10 ms) until it holds.
   *
   * @param what names the event for the failure message, evaluated only on failure
   * @throws AssertionError if it does not hold within the test timeout
   */
  public static void until(BooleanSupplier event, Supplier<String> what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TestTimeout.get().toNanos();
    long sleep = 2;
    while (!event.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("no " + what.get() + " " + TestTimeout.describe());
      }
      Thread.sleep(sleep);
      sleep = Math.min(sleep * 2, 10);
    }
  }

  /**
   * The future's value, waiting at most the test timeout.
   *
   * @throws ExecutionException as {@link Future#get()} does (tests assert on its cause)
   * @throws AssertionError if the future is not done within the test timeout
   */
  public static <T> T done(Future<T> future) throws ExecutionException, InterruptedException {
    try {
      return future.get(TestTimeout.get().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("the call did not complete " + TestTimeout.describe());
    }
  }

  /**
   * Waits for the process to exit.
   *
   * @throws AssertionError naming {@code what} if it is still running after the test timeout
   */
  public static void exit(Process p, String what) throws InterruptedException {
    if (!p.waitFor(TestTimeout.get().toNanos(), TimeUnit.NANOSECONDS)) {
      throw new AssertionError(what + " (pid " + p.pid() + ") did not exit "
          + TestTimeout.describe());
    }
  }
}
