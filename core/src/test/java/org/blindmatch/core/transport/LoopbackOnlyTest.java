package org.blindmatch.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class LoopbackOnlyTest {

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "::1", "0:0:0:0:0:0:0:1",
      "::ffff:127.0.0.1", "localhost"})
  void acceptsLoopback(String host) {
    InetSocketAddress a = LoopbackOnly.requireLoopback(host, 8443);
    assertTrue(a.getAddress().isLoopbackAddress());
    assertEquals(8443, a.getPort());
  }

  @Test
  void rejectsWildcard() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LoopbackOnly.requireLoopback("0.0.0.0", 1));
    assertTrue(e.getMessage().contains("only loopback addresses"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"::", "10.0.0.1", "192.168.1.10", "2001:db8::1", "example.org",
      "localhost.", "LOCALHOST", "127.0.0.1 ", "[::1]", "127.1", "0177.0.0.1", ""})
  void rejectsEverythingElse(String host) {
    assertThrows(IllegalArgumentException.class, () -> LoopbackOnly.requireLoopback(host, 1));
  }

  @Test
  void rejectsBadPortsAndNull() {
    assertThrows(IllegalArgumentException.class,
        () -> LoopbackOnly.requireLoopback("127.0.0.1", -1));
    assertThrows(IllegalArgumentException.class,
        () -> LoopbackOnly.requireLoopback("127.0.0.1", 65_536));
    assertThrows(IllegalArgumentException.class, () -> LoopbackOnly.requireLoopback(null, 1));
  }
}
