package org.blindmatch.crypto.ip;

/**
 * The routing class of an address, as decided by {@link AddressClassifier}. Only {@link #GLOBAL}
 * addresses are tokenised; every other class is skipped and counted under its {@link #reason()}.
 *
 * <p>Immutable and thread-safe.
 */
public enum AddressClass {
  /** Globally routable unicast. The only class that is tokenised. */
  GLOBAL("global", "globally routable unicast"),
  /** The unspecified address: {@code 0.0.0.0} or {@code ::}. */
  UNSPECIFIED("unspecified", "unspecified address"),
  /** Loopback: {@code 127.0.0.0/8} or {@code ::1}. */
  LOOPBACK("loopback", "loopback"),
  /** Private-use IPv4 (RFC 1918), IPv6 unique-local (RFC 4193) or local-use NAT64 (RFC 8215). */
  PRIVATE("private", "private-use or unique-local"),
  /** Shared address space for carrier-grade NAT, {@code 100.64.0.0/10} (RFC 6598). */
  SHARED_CGNAT("cgnat", "shared address space (carrier-grade NAT)"),
  /** Link-local: {@code 169.254.0.0/16} or {@code fe80::/10}. */
  LINK_LOCAL("link_local", "link-local"),
  /** Multicast: {@code 224.0.0.0/4} or {@code ff00::/8}. */
  MULTICAST("multicast", "multicast"),
  /** Reserved for documentation and examples. */
  DOCUMENTATION("documentation", "documentation / example range"),
  /** Reserved for benchmarking. */
  BENCHMARKING("benchmarking", "benchmarking range"),
  /** Reserved, deprecated, special-purpose or unallocated. */
  RESERVED("reserved", "reserved, deprecated or unallocated");

  private final String reason;
  private final String description;

  AddressClass(String reason, String description) {
    this.reason = reason;
    this.description = description;
  }

  /**
   * Returns a short, stable snake_case label, suitable as a skip-counter key (for example {@code
   * "private"}, {@code "cgnat"}, {@code "global"}). Labels never change between releases.
   *
   * @return the label; never null
   */
  public String reason() {
    return reason;
  }

  /**
   * Returns a human-readable description for reports. Not stable; do not parse.
   *
   * @return the description; never null
   */
  public String description() {
    return description;
  }

  /**
   * Returns whether addresses of this class are tokenised.
   *
   * @return true only for {@link #GLOBAL}
   */
  public boolean isGlobal() {
    return this == GLOBAL;
  }
}
