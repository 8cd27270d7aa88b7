package org.blindmatch.server.rpc;

import io.grpc.Server;
import java.util.concurrent.TimeUnit;

/** How every blindmatch server stops: no new calls, running calls get a grace period. */
public final class GracefulShutdown {
  /** How long running calls may take to finish. */
  public static final long GRACE_SECONDS = 10;

  private GracefulShutdown() {}

  /** Shuts {@code server} down, waiting up to {@link #GRACE_SECONDS} before forcing it. */
  public static void stop(Server server) {
    server.shutdown();
    try {
      if (!server.awaitTermination(GRACE_SECONDS, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
