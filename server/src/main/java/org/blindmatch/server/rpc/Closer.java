package org.blindmatch.server.rpc;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Resources a server owns, closed in reverse order of registration: on a failed start-up
 * (everything opened so far) and at shutdown. A failure to close one resource does not stop
 * the others from closing. Not thread-safe: used by the thread that starts or stops a server.
 */
public final class Closer implements AutoCloseable {
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();

  /** Registers {@code resource} and returns it. */
  public <T extends AutoCloseable> T register(T resource) {
    resources.push(resource);
    return resource;
  }

  /** Closes every registered resource, last registered first; closing twice does nothing. */
  @Override
  public void close() {
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        // Shutting down: the remaining resources must still be closed.
      }
    }
  }
}
