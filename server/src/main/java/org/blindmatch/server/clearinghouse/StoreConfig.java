package org.blindmatch.server.clearinghouse;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import org.blindmatch.crypto.io.Excerpt;
import org.blindmatch.crypto.keys.PassphraseFile;
import org.blindmatch.server.config.ConfigException;
import org.blindmatch.server.config.ConfigFile;
import org.blindmatch.server.store.MetadataLocation;
import org.blindmatch.server.store.PostgresSettings;

/**
 * The clearinghouse config's {@code store} section: where metadata and the transparency log
 * live. Token segments always stay in {@code data_dir}.
 *
 * @param kind {@code embedded} (SQLite in {@code data_dir}) or {@code postgresql}
 * @param url PostgreSQL JDBC URL, or null for the embedded store
 * @param user PostgreSQL role, or null for the embedded store
 * @param passwordFile file whose first line is the role's password, read at start-up; null
 *     for the embedded store or password-less authentication
 */
public record StoreConfig(Kind kind, String url, String user, Path passwordFile) {
  static final Set<String> KEYS = Set.of("kind", "url", "user", "password_file");

  /** Where the metadata lives. */
  public enum Kind {
    EMBEDDED, POSTGRESQL;

    /** The config spelling. */
    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The default: the embedded store. */
  public static StoreConfig embedded() {
    return new StoreConfig(Kind.EMBEDDED, null, null, null);
  }

  /** Reads the optional {@code store} section; the embedded store if it is absent. */
  static StoreConfig read(ConfigFile c) throws ConfigException {
    if (c.node("store") == null) {
      return embedded();
    }
    JsonNode s = c.section("store", KEYS);
    String kindName = c.text(s, "kind", "store.kind");
    Kind kind = Arrays.stream(Kind.values()).filter(k -> k.configName().equals(kindName))
        .findFirst().orElseThrow(() -> c.error("store.kind", Excerpt.quote(kindName)
            + " is not embedded or postgresql"));
    if (kind == Kind.EMBEDDED) {
      for (String key : new String[] {"url", "user", "password_file"}) {
        if (s.has(key)) {
          throw c.error("store." + key, "only for kind: postgresql");
        }
      }
      return embedded();
    }
    String url = c.text(s, "url", "store.url");
    String problem = PostgresSettings.check(url);
    if (problem != null) {
      // Not echoed: a URL that carries a password must not reach a log.
      throw c.error("store.url", problem);
    }
    String user = c.text(s, "user", "store.user");
    Path passwordFile = s.has("password_file")
        ? c.path(s, "password_file", "store.password_file") : null;
    return new StoreConfig(kind, url, user, passwordFile);
  }

  /**
   * The store's metadata location, reading the password file now (at start-up).
   *
   * @throws ConfigException {@code store.password_file: FILE: reason} if it cannot be read or
   *     its first line is empty
   */
  public MetadataLocation location() throws ConfigException {
    if (kind == Kind.EMBEDDED) {
      return MetadataLocation.embedded();
    }
    String password = "";
    if (passwordFile != null) {
      char[] chars;
      try {
        chars = PassphraseFile.read(passwordFile);
      } catch (IOException e) {
        throw new ConfigException("store.password_file: " + passwordFile + ": cannot read: "
            + org.blindmatch.crypto.io.ReadFailure.reason(e));
      }
      password = new String(chars);
      Arrays.fill(chars, '\0');
      if (password.isEmpty()) {
        throw new ConfigException("store.password_file: " + passwordFile
            + ": the first line is empty");
      }
    }
    return new PostgresSettings(url, user, password, PostgresSettings.DEFAULT_LOCK_WAIT);
  }

  /** Names the config key that a failure to open this store is about. */
  String configKey() {
    return kind == Kind.EMBEDDED ? "data_dir" : "store";
  }
}
