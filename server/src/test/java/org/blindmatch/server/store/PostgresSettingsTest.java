package org.blindmatch.server.store;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PostgresSettingsTest {
  @Test
  void acceptsHostDatabaseAndTlsParameters() {
    assertNull(PostgresSettings.check("jdbc:postgresql://db.example.org:5432/blindmatch"
        + "?sslmode=verify-full&sslrootcert=/etc/blindmatch/pg-ca.crt"));
    assertNull(PostgresSettings.check("jdbc:postgresql://127.0.0.1/bm"));
  }

  @Test
  void refusesCredentialsAndMalformedUrls() {
    for (String url : new String[] {"jdbc:postgresql://h/db?user=x&password=secret",
        "jdbc:postgresql://h/db?sslpassword=secret", "jdbc:postgresql://u:secret@h/db"}) {
      String problem = PostgresSettings.check(url);
      assertTrue(problem != null && !problem.contains("secret"), url + ": " + problem);
    }
    for (String url : new String[] {"jdbc:sqlite:x", "jdbc:postgresql://", "postgres://h/db",
        "jdbc:postgresql://h", "jdbc:postgresql://h/", "jdbc:postgresql://h/?ssl=true"}) {
      assertTrue(PostgresSettings.check(url) != null, url);
    }
    assertThrows(IllegalArgumentException.class, () -> new PostgresSettings(
        "jdbc:postgresql://h/db?password=x", "u", "", Duration.ZERO));
  }
}
