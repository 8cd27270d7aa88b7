package org.blindmatch.server.config;

/**
 * A configuration problem, naming the file and the key. Thrown by every loader of a server's
 * YAML configuration ({@link ConfigFile}); its message is written for the operator and never
 * contains secret values.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
