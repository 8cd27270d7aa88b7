package org.blindmatch.crypto.pki;

import java.net.URI;
import java.util.Objects;
import org.blindmatch.crypto.io.Excerpt;

/**
 * Who a node is: its federation, its role and its name, as carried in the URI SAN of its
 * certificate, {@code blindmatch://<federation>/<role>/<name>}.
 *
 * <p>Every identity has exactly one text form: federation and name match
 * {@code [a-z0-9][a-z0-9_.-]{0,62}} and the role is its lowercase {@link Role#id()}.
 * Immutable and thread-safe.
 *
 * @param federation the federation (the CA's trust domain)
 * @param role what the node is allowed to do
 * @param name unique within the federation; also used for file names by {@code pki issue}
 */
public record NodeIdentity(String federation, Role role, String name) {

  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if federation or name is not a valid label
   * @throws NullPointerException if role is null
   */
  public NodeIdentity {
    IdentityUris.requireLabel("federation", federation);
    Objects.requireNonNull(role, "role");
    IdentityUris.requireLabel("name", name);
  }

  /**
   * Parses the exact form {@code blindmatch://<federation>/<role>/<name>}.
   *
   * <p>Rejected: another or differently cased scheme, user info, ports, percent-encoding,
   * queries, fragments, empty, extra or missing segments, uppercase, unknown roles.
   *
   * @throws IllegalArgumentException naming what is wrong (the input is quoted, truncated)
   */
  public static NodeIdentity fromUri(String uri) {
    String[] s = IdentityUris.segments(uri);
    if (s.length != 3) {
      throw new IllegalArgumentException(Excerpt.quote(uri)
          + " is not a node identity (" + IdentityUris.PREFIX
          + "<federation>/<role>/<name>)");
    }
    try {
      return new NodeIdentity(s[0], Role.parse(s[1]), s[2]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(Excerpt.quote(uri) + ": " + e.getMessage(), e);
    }
  }

  /** The identity as a URI, {@code blindmatch://<federation>/<role>/<name>}. */
  public URI uri() {
    return URI.create(toString());
  }

  /** The URI text; {@link #fromUri(String)} parses it back to an equal identity. */
  @Override
  public String toString() {
    return IdentityUris.PREFIX + federation + "/" + role.id() + "/" + name;
  }
}
