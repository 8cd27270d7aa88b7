package org.blindmatch.crypto.scope;

import java.util.regex.Pattern;
import org.blindmatch.crypto.io.Excerpt;
import org.blindmatch.crypto.ip.IpFamily;
import org.blindmatch.crypto.time.BucketWidth;

/**
 * One granularity of a {@link Scope}: how addresses are masked and how time is bucketed.
 *
 * <p>Immutable and thread-safe. The constructor validates every field and throws
 * {@link IllegalArgumentException} naming the field; {@link ScopeLoader} turns those into
 * file-and-key errors for users.
 *
 * @param name unique within the scope, {@code [a-z0-9][a-z0-9_+.-]{0,31}}
 * @param bucketWidth time bucket width; {@link BucketWidth#NONE} for an address-only tier
 * @param ipv4Prefix prefix length IPv4 addresses are masked to, 1..32
 * @param ipv6Prefix prefix length IPv6 addresses are masked to, 1..128
 * @param watchlistToleranceSeconds seconds a watchlist window is widened by on each side
 * @param maxBucketsPerWindow cap on the buckets one watchlist window may expand to
 * @param maxAddressesPerCidr cap on the masked addresses one watchlist CIDR may expand to
 */
public record Tier(
    String name,
    BucketWidth bucketWidth,
    int ipv4Prefix,
    int ipv6Prefix,
    long watchlistToleranceSeconds,
    int maxBucketsPerWindow,
    long maxAddressesPerCidr) {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_+.-]{0,31}");

  /** Default IPv4 prefix: the full address. */
  public static final int DEFAULT_IPV4_PREFIX = 32;
  /** Default IPv6 prefix: one /64 is what a single subscriber line usually gets. */
  public static final int DEFAULT_IPV6_PREFIX = 64;
  /** Default window cap: 31 days of hourly buckets. */
  public static final int DEFAULT_MAX_BUCKETS_PER_WINDOW = 744;
  /** Default CIDR cap: one IPv4 /16. */
  public static final long DEFAULT_MAX_ADDRESSES_PER_CIDR = 65_536;
  /** Upper bound on any tolerance: 30 days. */
  public static final long MAX_TOLERANCE_SECONDS = 30L * 86_400;
  /** Upper bound on any expansion cap, so a typo cannot ask for billions of tokens. */
  public static final long MAX_CAP = 1L << 24;

  public Tier {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name: " + Excerpt.quote(name) + " must match [a-z0-9][a-z0-9_+.-]{0,31}");
    }
    if (bucketWidth == null) {
      throw new IllegalArgumentException("bucket_width: missing");
    }
    if (ipv4Prefix < 1 || ipv4Prefix > 32) {
      throw new IllegalArgumentException("ipv4_prefix: " + ipv4Prefix + " is not in 1..32");
    }
    if (ipv6Prefix < 1 || ipv6Prefix > 128) {
      throw new IllegalArgumentException("ipv6_prefix: " + ipv6Prefix + " is not in 1..128");
    }
    if (watchlistToleranceSeconds < 0 || watchlistToleranceSeconds > MAX_TOLERANCE_SECONDS) {
      throw new IllegalArgumentException(
          "watchlist_tolerance: " + watchlistToleranceSeconds + " s is not in 0.."
              + MAX_TOLERANCE_SECONDS + " s");
    }
    if (maxBucketsPerWindow < 1 || maxBucketsPerWindow > MAX_CAP) {
      throw new IllegalArgumentException(
          "max_buckets_per_window: " + maxBucketsPerWindow + " is not in 1.." + MAX_CAP);
    }
    if (maxAddressesPerCidr < 1 || maxAddressesPerCidr > MAX_CAP) {
      throw new IllegalArgumentException(
          "max_addresses_per_cidr: " + maxAddressesPerCidr + " is not in 1.." + MAX_CAP);
    }
  }

  /** The prefix length this tier masks addresses of the given family to. */
  public int prefixFor(IpFamily family) {
    return family == IpFamily.IPV4 ? ipv4Prefix : ipv6Prefix;
  }
}
