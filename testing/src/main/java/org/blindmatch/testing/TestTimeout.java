package org.blindmatch.testing;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * The one bound on how long any test waits for an event (a log line, a port, a process exit, a
 * future). Tests wait on the event itself and use this only to fail, with the event named,
 * instead of hanging for ever; it never decides an outcome, so it is generous.
 *
 * <p>Set with the system property {@value #PROPERTY} or the environment variable
 * {@value #ENV} (the property wins): a number of seconds or an ISO-8601 duration such as
 * {@code PT20M}. Default {@link #DEFAULT}. A malformed value fails loudly rather than falling
 * back. Stateless, thread-safe.
 */
public final class TestTimeout {
  public static final String PROPERTY = "blindmatch.test.timeout";
  public static final String ENV = "BLINDMATCH_TEST_TIMEOUT";
  public static final Duration DEFAULT = Duration.ofMinutes(10);

  private TestTimeout() {}

  /** The configured bound. */
  public static Duration get() {
    String v = System.getProperty(PROPERTY);
    String from = PROPERTY;
    if (v == null || v.isBlank()) {
      v = System.getenv(ENV);
      from = ENV;
    }
    if (v == null || v.isBlank()) {
      return DEFAULT;
    }
    Duration d;
    try {
      d = v.trim().matches("\\d+") ? Duration.ofSeconds(Long.parseLong(v.trim()))
          : Duration.parse(v.trim());
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new IllegalStateException(from + "=" + v
          + ": not a number of seconds or an ISO-8601 duration (e.g. PT20M)");
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalStateException(from + "=" + v + ": must be positive");
    }
    return d;
  }

  /** {@link #get()} in whole seconds, for APIs that take a count and a unit. */
  public static long seconds() {
    return Math.max(1, get().toSeconds());
  }

  /** For failure messages: "within the test timeout of 600 s (blindmatch.test.timeout / …)". */
  public static String describe() {
    return "within the test timeout of " + get().toSeconds() + " s (" + PROPERTY + " / " + ENV
        + ")";
  }
}
