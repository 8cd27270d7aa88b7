package org.blindmatch.crypto.ip;

import java.util.Objects;
import org.blindmatch.crypto.io.Excerpt;

/**
 * Thrown by {@link IpParser} when text is not an acceptable address, endpoint or prefix.
 *
 * <p>The message has the form {@code "<input>": <problem>}, where the input is an
 * {@link Excerpt} (short, escaped, a single printable line), which keeps it safe to write to a
 * log. The input may itself be personal data (an IP address); treat
 * messages with the same care as the input.
 *
 * <p>Immutable, hence thread-safe.
 */
public final class IpParseException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why the text was rejected. Values are stable and suitable as counter keys. */
  public enum Reason {
    /** The text (or a required part such as the address before {@code /}) is empty. */
    EMPTY("empty"),
    /** Leading or trailing whitespace; callers must trim first. */
    WHITESPACE("leading or trailing whitespace"),
    /**
     * Not a strict dotted-quad IPv4 address (wrong part count, empty octet, bad character, hex).
     */
    BAD_IPV4("not a dotted-quad IPv4 address"),
    /** A decimal octet with a leading zero, which some parsers read as octal. */
    LEADING_ZERO("an IPv4 octet has a leading zero (ambiguous: octal in some parsers)"),
    /** A decimal octet above 255. */
    OCTET_RANGE("an IPv4 octet is above 255"),
    /** Not a valid RFC 4291 IPv6 text form. */
    BAD_IPV6("not a valid IPv6 address (RFC 4291 text form)"),
    /** An IPv6 zone identifier ({@code %eth0}); zones are host-local and not accepted. */
    ZONE_ID("IPv6 zone ids (%...) are not accepted"),
    /** Square brackets where they are not accepted, or unbalanced. */
    BRACKETS("brackets are misplaced or unbalanced"),
    /** A port that is empty, not decimal, longer than 5 digits or above 65535. */
    BAD_PORT("the port is not a number in 0..65535"),
    /** Looks like a host name; names are never resolved. */
    HOSTNAME_NOT_ALLOWED("a host name, not an address (names are never resolved)"),
    /** A prefix length that is missing, not canonical decimal, or out of range. */
    BAD_PREFIX_LENGTH("the prefix length is missing or out of range"),
    /** A CIDR prefix whose address has bits set after the prefix length. */
    HOST_BITS_SET("the CIDR has host bits set after its prefix length"),
    /** A valid address followed by extra characters. */
    TRAILING_GARBAGE("extra characters after the address");

    private final String description;

    Reason(String description) {
      this.description = description;
    }

    /**
     * A human description of the reason that never contains the rejected input, for messages that
     * must not echo raw addresses.
     *
     * @return the description; never null
     */
    public String description() {
      return description;
    }
  }

  /** Why the input was rejected; never null. */
  private final Reason reason;

  /**
   * Creates an exception.
   *
   * @param reason why the input was rejected; non-null
   * @param input the rejected text (quoted in the message, truncated); non-null
   * @param problem what is wrong, for humans; non-null
   */
  IpParseException(Reason reason, CharSequence input, String problem) {
    super(Excerpt.quote(input) + ": " + Objects.requireNonNull(problem, "problem"));
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /**
   * Returns why the input was rejected.
   *
   * @return the reason; never null
   */
  public Reason reason() {
    return reason;
  }

}
