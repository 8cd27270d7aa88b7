package org.blindmatch.core.transport;

import org.blindmatch.crypto.io.Excerpt;
/**
 * A network endpoint as written in configs and on the command line: {@code host:port}, the
 * host a name, an IPv4 address or a bracketed IPv6 address ({@code [::1]:7443}). Immutable.
 *
 * @param host the host, brackets removed
 * @param port 0..65535 (0 only where a listener may pick any port)
 */
public record HostPort(String host, int port) {

  /**
   * Parses {@code host:port}.
   *
   * @param allowAnyPort whether port 0 ("any free port", for listeners) is accepted
   * @throws IllegalArgumentException quoting the text, if it is not host:port
   */
  public static HostPort parse(String text, boolean allowAnyPort) {
    int colon = text.lastIndexOf(':');
    int port = -1;
    if (colon > 0) {
      try {
        port = Integer.parseInt(text.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
    }
    String host = colon > 0 ? text.substring(0, colon) : "";
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (colon <= 0 || host.isEmpty() || host.contains("[") || host.contains("]")
        || port < (allowAnyPort ? 0 : 1) || port > 65535) {
      throw new IllegalArgumentException(Excerpt.quote(text) + " is not host:port");
    }
    return new HostPort(host, port);
  }
}
