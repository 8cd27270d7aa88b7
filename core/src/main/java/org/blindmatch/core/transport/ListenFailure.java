package org.blindmatch.core.transport;

import java.io.IOException;
import java.util.Locale;

/**
 * The one sentence for a port a server cannot bind: "cannot listen on HOST:PORT: address in
 * use (…)", naming the setting to change. Stateless.
 */
public final class ListenFailure {
  private ListenFailure() {}

  /**
   * An {@link IOException} whose message names the address, the cause and what to do, with
   * {@code e} as its cause.
   *
   * @param setting the configuration key that names the address ({@code listen},
   *     {@code health_listen}, {@code metrics_listen})
   */
  public static IOException of(String setting, String host, int port, IOException e) {
    return new IOException("cannot listen on " + host + ":" + port + " (" + setting + "): "
        + reason(e, setting), e);
  }

  /**
   * The cause by the errno text: Netty's epoll transport reports bind errors as its own
   * IOException, not {@link java.net.BindException}, so the type alone does not tell.
   */
  private static String reason(IOException e, String setting) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (m.contains("address already in use") || m.contains("address in use")) {
        return "address in use (another process is listening there: stop it, or choose "
            + "another port for " + setting + ")";
      }
      if (m.contains("permission denied")) {
        return "permission denied (ports below 1024 need privileges: choose a higher port "
            + "for " + setting + ")";
      }
      if (m.contains("cannot assign requested address")) {
        return "this machine has no such address (check " + setting + ")";
      }
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return String.valueOf(root.getMessage());
  }
}
