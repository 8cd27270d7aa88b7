package org.blindmatch.core.transport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.blindmatch.crypto.io.Excerpt;
import org.blindmatch.crypto.ip.IpParseException;
import org.blindmatch.crypto.ip.IpParser;

/** Guards the plaintext development mode ({@code --insecure-loopback}) to loopback binds. */
public final class LoopbackOnly {
  private LoopbackOnly() {}

  /**
   * The socket address to bind a plaintext server to, if {@code host} is a loopback address.
   *
   * <p>{@code host} must be {@code localhost} (the JVM's loopback address, without consulting
   * DNS or the hosts file) or a literal loopback IP address ({@code 127.0.0.0/8}, {@code ::1}).
   * Host names are never resolved, so the checked address is exactly the bound one.
   *
   * @param port 0 (any free port) to 65535
   * @throws IllegalArgumentException for any other host, a wildcard address, or a bad port
   */
  public static InetSocketAddress requireLoopback(String host, int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port " + port + " is not in 0..65535");
    }
    if (host == null) {
      throw new IllegalArgumentException("insecure loopback mode: no bind address");
    }
    InetAddress address;
    if ("localhost".equals(host)) {
      address = InetAddress.getLoopbackAddress();
    } else {
      try {
        address = InetAddress.getByAddress(IpParser.parseAddress(host).toBytes());
      } catch (IpParseException | UnknownHostException e) {
        throw new IllegalArgumentException("insecure loopback mode: bind address " + Excerpt.quote(host)
            + " must be localhost or a literal loopback IP address");
      }
    }
    if (!address.isLoopbackAddress()) {
      throw new IllegalArgumentException("insecure loopback mode: refusing to listen without "
          + "TLS on " + host + "; only loopback addresses (127.0.0.1, ::1, localhost) are "
          + "allowed");
    }
    return new InetSocketAddress(address, port);
  }
}
