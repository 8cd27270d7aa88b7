package org.blindmatch.crypto.pki;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.blindmatch.crypto.io.Excerpt;

/**
 * The role a node plays in a federation. It is carried in the node certificate's identity URI
 * ({@link NodeIdentity}) and is what RPC authorization decides on.
 */
public enum Role {
  /** A tech platform submitting report tokens. */
  PLATFORM,
  /** An anti-trafficking NGO submitting watchlist tokens. */
  NGO,
  /** The clearinghouse that runs matches (a server). */
  CLEARINGHOUSE,
  /** A key custodian (a server). */
  KEYHOLDER,
  /** A read-only auditor of the transparency log. */
  AUDITOR;

  private final String id = name().toLowerCase(Locale.ROOT);

  /** The lowercase identifier used in identity URIs and on the command line, e.g. {@code ngo}. */
  public String id() {
    return id;
  }

  /**
   * The role whose {@link #id()} is exactly {@code text} (lowercase; no trimming).
   *
   * @throws IllegalArgumentException if {@code text} is null or not a role id; the message
   *     lists the valid ids
   */
  public static Role parse(String text) {
    for (Role r : values()) {
      if (r.id.equals(text)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown role " + Excerpt.quote(text) + " (valid: "
        + Arrays.stream(values()).map(Role::id).collect(Collectors.joining(", ")) + ")");
  }
}
