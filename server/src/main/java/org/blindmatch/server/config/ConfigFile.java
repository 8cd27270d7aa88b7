package org.blindmatch.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;
import org.blindmatch.core.transport.HostPort;
import org.blindmatch.crypto.io.Excerpt;
import org.blindmatch.crypto.io.StrictYaml;
import org.blindmatch.crypto.io.YamlException;
import org.blindmatch.server.logging.LogFormat;

/**
 * One server configuration file (YAML mapping) being read: strict typed accessors whose errors
 * name the file, the dotted key and the reason. Relative paths resolve against the file's
 * directory. Not thread-safe; used once per load.
 */
public final class ConfigFile {
  private final Path file;
  private final Path base;
  private final JsonNode root;

  private ConfigFile(Path file, JsonNode root) {
    this.file = file;
    this.base = file.toAbsolutePath().getParent();
    this.root = root;
  }

  /**
   * Reads {@code file} through {@link StrictYaml} and checks its top-level keys against
   * {@code allowed}.
   *
   * @throws ConfigException if it is missing, too large, not YAML, has a duplicate key, is not
   *     a mapping or has an unknown key
   */
  public static ConfigFile read(Path file, Set<String> allowed) throws ConfigException {
    JsonNode root;
    try {
      root = StrictYaml.read(file, "config file");
    } catch (YamlException e) {
      throw new ConfigException(e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException(file + ": expected a mapping of keys to values");
    }
    ConfigFile c = new ConfigFile(file, root);
    c.checkKeys(root, allowed, "");
    return c;
  }

  /** The node at {@code key} of the top level, or null. */
  public JsonNode node(String key) {
    return root.get(key);
  }

  /** A config error naming this file and {@code key}. */
  public ConfigException error(String key, String reason) {
    return new ConfigException(file + ": " + key + ": " + reason);
  }

  /**
   * The nested mapping {@code key} (e.g. {@code tls}), its keys checked against
   * {@code allowed}.
   */
  public JsonNode section(String key, Set<String> allowed) throws ConfigException {
    JsonNode n = root.get(key);
    if (n == null || !n.isObject()) {
      throw error(key, "missing (a mapping with " + sorted(allowed) + ")");
    }
    checkKeys(n, allowed, key + ".");
    return n;
  }

  /** A required non-blank scalar at {@code node.field}, reported as {@code dotted}. */
  public String text(JsonNode node, String field, String dotted) throws ConfigException {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw error(dotted, "missing");
    }
    if (!v.isValueNode() || v.asText().isBlank()) {
      throw error(dotted, "expected a non-empty string");
    }
    return v.asText();
  }

  public String text(String key) throws ConfigException {
    return text(root, key, key);
  }

  /** {@code relative} resolved against the file's directory. */
  public Path resolve(String relative) {
    return base.resolve(relative);
  }

  /** A required path, resolved against the file's directory. */
  public Path path(JsonNode node, String field, String dotted) throws ConfigException {
    return base.resolve(text(node, field, dotted));
  }

  public Path path(String key) throws ConfigException {
    return path(root, key, key);
  }

  /** An optional integer in {@code [min, max]}. */
  public long integer(String key, long dflt, long min, long max) throws ConfigException {
    JsonNode v = root.get(key);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw error(key, Excerpt.quote(v.asText()) + " is not an integer");
    }
    long n = v.asLong();
    if (n < min || n > max) {
      throw error(key, n + " is not in " + min + ".." + max);
    }
    return n;
  }

  /** An optional boolean ({@code true} or {@code false}, nothing else). */
  public boolean bool(String key, boolean dflt) throws ConfigException {
    JsonNode v = root.get(key);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isBoolean()) {
      throw error(key, Excerpt.quote(v.asText()) + " is not true or false");
    }
    return v.asBoolean();
  }

  /** The optional {@code log_format} ({@code text} or {@code json}; default text). */
  public LogFormat logFormat(String key) throws ConfigException {
    JsonNode v = root.get(key);
    if (v == null || v.isNull()) {
      return LogFormat.TEXT;
    }
    try {
      return LogFormat.parse(v.asText());
    } catch (IllegalArgumentException e) {
      throw error(key, e.getMessage());
    }
  }

  /** The {@code listen} address: {@code host:port} or {@code [v6]:port}, port 0..65535. */
  public HostPort listen(String key) throws ConfigException {
    try {
      return HostPort.parse(text(key), true);
    } catch (IllegalArgumentException e) {
      throw error(key, e.getMessage() + " with a port in 0..65535");
    }
  }

  /**
   * An optional second bind address, which must not reuse {@code main}'s port; null if absent.
   */
  public HostPort optionalListen(String key, HostPort main) throws ConfigException {
    if (root.get(key) == null) {
      return null;
    }
    HostPort l = listen(key);
    if (l.port() != 0 && l.port() == main.port()) {
      throw error(key, "port " + l.port() + " is already the listen port");
    }
    return l;
  }

  /**
   * Refuses two optional second addresses ({@code key} and {@code otherKey}) on one port;
   * either may be null.
   */
  public void distinctPorts(String key, HostPort l, String otherKey, HostPort other)
      throws ConfigException {
    if (l != null && other != null && l.port() != 0 && l.port() == other.port()) {
      throw error(key, "port " + l.port() + " is already the " + otherKey + " port");
    }
  }

  private void checkKeys(JsonNode node, Set<String> allowed, String prefix)
      throws ConfigException {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        throw error(prefix + Excerpt.key(key), "unknown key (allowed: " + sorted(allowed) + ")");
      }
    }
  }

  private static String sorted(Set<String> keys) {
    return String.join(", ", keys.stream().sorted().toList());
  }
}
