package org.blindmatch.crypto.time;

import java.util.Objects;

/**
 * A time window could not be turned into buckets; see {@link WindowExpander#expand}.
 *
 * <p>Immutable once thrown and may be shared between threads.
 */
public final class WindowException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why the window was rejected. */
  public enum Kind {
    /** The window ends before it starts. */
    REVERSED,
    /** The window covers more buckets than the configured cap. */
    TOO_MANY_BUCKETS,
    /** Widening the window by the tolerance leaves the range of a {@code long}. */
    OVERFLOW
  }

  private final Kind kind;

  WindowException(Kind kind, String message) {
    super(message);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  /** Returns why the window was rejected; never null. */
  public Kind kind() {
    return kind;
  }
}
