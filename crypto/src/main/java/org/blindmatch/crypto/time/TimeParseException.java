package org.blindmatch.crypto.time;

import org.blindmatch.crypto.io.Excerpt;

/**
 * A timestamp value could not be parsed, or its format could not be determined.
 *
 * <p>The message has the form {@code "<value>": <problem>}, for example {@code
 * "2024-13-01T00:00:00Z": month 13 out of range}. The quoted value is cut to its first 60
 * characters and every character outside printable ASCII is escaped as {@code \}{@code uXXXX}, so
 * the message is safe to print to a terminal or a log even when the input is hostile.
 *
 * <p>Instances are immutable once thrown and may be shared between threads.
 */
public final class TimeParseException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String problem;

  /**
   * Creates an exception for {@code value}.
   *
   * @param value the offending input, quoted (truncated and escaped) into the message; not null
   * @param problem what is wrong with it, in lower case without a final period; not null
   * @throws NullPointerException if an argument is null
   */
  public TimeParseException(CharSequence value, String problem) {
    super(Excerpt.quote(value) + ": " + problem);
    this.problem = problem;
  }

  /** Returns the problem alone, without the quoted value. */
  public String problem() {
    return problem;
  }
}
