package org.blindmatch.crypto.pki;

import java.util.regex.Pattern;
import org.blindmatch.crypto.io.Excerpt;

/**
 * The {@code blindmatch:} URI forms carried in certificates: {@code blindmatch://F/ROLE/NAME}
 * for nodes ({@link NodeIdentity}) and {@code blindmatch://F/ca} for a federation CA.
 *
 * <p>Parsing is on the exact text, never through {@link java.net.URI}, which would accept and
 * normalise percent-encoding, dot segments, user info, ports, queries and case variants: two
 * spellings of one identity must not exist.
 */
final class IdentityUris {
  static final String SCHEME = "blindmatch";
  static final String PREFIX = SCHEME + "://";
  static final String CA_SEGMENT = "ca";

  /** Federation and node names: lowercase DNS-label-like, 1..63 characters. */
  static final Pattern LABEL = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");

  private IdentityUris() {}

  /** Returns {@code value} if it is a valid label, else throws naming {@code what}. */
  static String requireLabel(String what, String value) {
    if (value == null) {
      throw new IllegalArgumentException(what + " is missing");
    }
    if (!LABEL.matcher(value).matches()) {
      throw new IllegalArgumentException(what + " " + Excerpt.quote(value)
          + " is invalid: use 1-63 of a-z 0-9 _ . - starting with a letter or digit");
    }
    return value;
  }

  static String caUri(String federation) {
    return PREFIX + requireLabel("federation", federation) + "/" + CA_SEGMENT;
  }

  /**
   * The path segments after {@code blindmatch://}, split on {@code /} (empty segments kept).
   *
   * @throws IllegalArgumentException if the text does not start with the exact prefix
   */
  static String[] segments(String uri) {
    if (uri == null) {
      throw new IllegalArgumentException("identity URI is missing");
    }
    if (!uri.startsWith(PREFIX)) {
      throw new IllegalArgumentException(Excerpt.quote(uri) + " is not a " + PREFIX + " URI");
    }
    return uri.substring(PREFIX.length()).split("/", -1);
  }

  /** The federation of a CA URI {@code blindmatch://F/ca}. */
  static String federationOfCaUri(String uri) {
    String[] s = segments(uri);
    if (s.length != 2 || !CA_SEGMENT.equals(s[1])) {
      throw new IllegalArgumentException(Excerpt.quote(uri) + " is not a federation CA URI ("
          + PREFIX + "<federation>/" + CA_SEGMENT + ")");
    }
    return requireLabel("federation", s[0]);
  }
}
