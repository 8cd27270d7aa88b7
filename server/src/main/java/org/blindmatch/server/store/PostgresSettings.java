package org.blindmatch.server.store;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How to reach the PostgreSQL database holding a store's metadata and transparency log.
 *
 * @param url a {@code jdbc:postgresql://host[:port]/database[?params]} URL; TLS and other
 *     connection options go in its parameters. It never carries a password (see
 *     {@link #check}), so it may be printed.
 * @param user the role to connect as
 * @param password the role's password (read from a file at start-up); empty for
 *     password-less authentication (for example {@code trust} or a client certificate)
 * @param lockWait how long opening waits for another session to release the database's
 *     single-writer lock (a crashed predecessor's session may take a moment to end)
 */
public record PostgresSettings(String url, String user, String password, Duration lockWait)
    implements MetadataLocation {
  /** The URL prefix this store accepts. */
  public static final String URL_PREFIX = "jdbc:postgresql://";
  /** {@link #lockWait} when the configuration does not say otherwise. */
  public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(10);

  public PostgresSettings {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(lockWait, "lockWait");
    String problem = check(url);
    if (problem != null) {
      throw new IllegalArgumentException("url: " + problem);
    }
    if (user.isBlank()) {
      throw new IllegalArgumentException("user: must not be empty");
    }
    if (lockWait.isNegative()) {
      throw new IllegalArgumentException("lockWait: must not be negative");
    }
  }

  /**
   * Why {@code url} is not acceptable, or null if it is: it must start with
   * {@link #URL_PREFIX}, name a host and a database, and carry no credentials before the host
   * nor no parameter containing {@code password}
   * (secrets belong in the password file, not in a config file or a process listing).
   */
  public static String check(String url) {
    if (url == null || !url.startsWith(URL_PREFIX) || url.length() == URL_PREFIX.length()) {
      return "must start with " + URL_PREFIX + " and name a host and database";
    }
    String rest = url.substring(URL_PREFIX.length());
    int slash = rest.indexOf('/');
    if (slash <= 0 || slash == rest.length() - 1 || rest.charAt(slash + 1) == '?') {
      return "must name a host and a database: " + URL_PREFIX + "HOST[:PORT]/DATABASE";
    }
    if (rest.substring(0, slash).contains("@")) {
      return "must not carry credentials (user@host); use the user key and the password file";
    }
    int q = url.indexOf('?');
    if (q >= 0 && url.substring(q).toLowerCase(Locale.ROOT).contains("password")) {
      return "must not carry a password parameter; put the password in the password file";
    }
    return null;
  }

  /** The password is never shown. */
  @Override
  public String toString() {
    return "PostgresSettings[url=" + url + ", user=" + user + ", password=<"
        + (password.isEmpty() ? "none" : "redacted") + ">, lockWait=" + lockWait + "]";
  }
}
