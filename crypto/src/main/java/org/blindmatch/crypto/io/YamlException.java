package org.blindmatch.crypto.io;

/**
 * A YAML or JSON file the project reads is refused by {@link StrictYaml}: missing, unreadable,
 * too large, not UTF-8, not well-formed, or using a construct the project does not accept
 * (a duplicate key, an alias, a second document). The message names the file and, where one
 * applies, the line and key; it quotes at most an {@link Excerpt} of any value. Each loader
 * rethrows it as its own domain exception with the same message.
 */
public final class YamlException extends Exception {
  private static final long serialVersionUID = 1L;

  public YamlException(String message) {
    super(message);
  }
}
