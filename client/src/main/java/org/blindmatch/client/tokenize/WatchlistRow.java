package org.blindmatch.client.tokenize;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import org.blindmatch.crypto.ip.IpAddress;
import org.blindmatch.crypto.ip.AddressClass;
import org.blindmatch.crypto.ip.AddressClassifier;
import org.blindmatch.crypto.ip.IpParseException;
import org.blindmatch.crypto.ip.IpParser;
import org.blindmatch.crypto.ip.IpPrefix;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.scope.Tier;
import org.blindmatch.crypto.time.BucketRange;
import org.blindmatch.crypto.time.WindowException;
import org.blindmatch.crypto.time.WindowExpander;
import org.blindmatch.crypto.token.HmacTokenDeriver;
import org.blindmatch.crypto.tokenfile.TokenRecord;

/**
 * Canonicalisation of one watchlist row ({@code label,ip,start,end}), shared by
 * {@code blindmatch tokenize} and the Spark job. Pure functions; thread-safe.
 */
public final class WatchlistRow {
  /** Default column names, in order. */
  public static final String[] COLUMNS = {"label", "ip", "start", "end"};
  /** Most tokens one row may expand to in one tier, whatever the caps multiply to. */
  public static final long MAX_TOKENS_PER_ROW_AND_TIER = 1L << 24;

  private WatchlistRow() {}

  /**
   * The row's address or CIDR, parsed strictly and required to be globally routable.
   *
   * @throws RowSkip {@code bad_ip}, or a policy skip {@code non_routable:<class>}
   */
  public static IpPrefix prefix(CharSequence ip) throws RowSkip {
    IpPrefix prefix;
    try {
      prefix = IpParser.parseCidr(ReportRow.trimmed(ip));
    } catch (IpParseException e) {
      throw RowSkip.bad("ip", "bad_ip", e.reason().description());
    }
    AddressClass cls = AddressClassifier.classify(prefix);
    if (cls != AddressClass.GLOBAL) {
      throw RowSkip.policy("non_routable:" + cls.reason());
    }
    return prefix;
  }

  /** One window expander per tier of {@code scope}, by tier number. */
  public static WindowExpander[] expanders(Scope scope) {
    List<Tier> tiers = scope.tiers();
    WindowExpander[] expanders = new WindowExpander[tiers.size()];
    for (int t = 0; t < tiers.size(); t++) {
      Tier tier = tiers.get(t);
      expanders[t] = new WindowExpander(tier.bucketWidth(), tier.watchlistToleranceSeconds(),
          tier.maxBucketsPerWindow());
    }
    return expanders;
  }

  /**
   * Checks one row against every tier's caps and fills {@code ranges[t]} with the buckets of
   * the window {@code [start, end]} in tier {@code t}. A tier whose caps the row exceeds skips
   * the row alone: {@code ranges[t]} is null and {@code skips[t]} says why
   * ({@code cidr_over_cap}, {@code window_over_cap} or {@code row_over_cap}); the other tiers
   * keep it, each expanding it entirely. A window that is malformed in itself (reversed, or
   * leaving the 64-bit range once widened) is a problem of the row, not of a tier.
   *
   * @param skips filled with the per-tier skip, or null where the tier keeps the row
   * @return how many tiers keep the row (0: it produces no token)
   * @throws RowSkip {@code bad_window} if the window is reversed or overflows
   */
  public static int ranges(IpPrefix prefix, long start, long end, List<Tier> tiers,
      WindowExpander[] expanders, BucketRange[] ranges, RowSkip[] skips) throws RowSkip {
    int kept = 0;
    for (int t = 0; t < tiers.size(); t++) {
      ranges[t] = null;
      skips[t] = null;
      Tier tier = tiers.get(t);
      BucketRange range;
      try {
        range = expanders[t].expand(start, end);
      } catch (WindowException e) {
        if (e.kind() != WindowException.Kind.TOO_MANY_BUCKETS) {
          throw RowSkip.bad("start,end", "bad_window", e.getMessage());
        }
        skips[t] = RowSkip.bad("start,end", "window_over_cap", e.getMessage() + " (tier "
            + tier.name() + ")");
        continue;
      }
      int bits = tier.prefixFor(prefix.family());
      long addresses = prefix.countAt(bits);
      if (addresses > tier.maxAddressesPerCidr()) {
        skips[t] = RowSkip.bad("ip", "cidr_over_cap", "/" + prefix.length() + " expands to "
            + (addresses == Long.MAX_VALUE ? "more than 2^63" : Long.toString(addresses))
            + " addresses at /" + bits + " in tier " + tier.name()
            + ", over its max_addresses_per_cidr of " + tier.maxAddressesPerCidr());
      } else if (addresses * range.count() > MAX_TOKENS_PER_ROW_AND_TIER) {
        skips[t] = RowSkip.bad("ip", "row_over_cap", "expands to " + addresses
            + " addresses × " + range.count() + " buckets in tier " + tier.name()
            + ", over the limit of " + MAX_TOKENS_PER_ROW_AND_TIER + " tokens per row and tier");
      } else {
        ranges[t] = range;
        kept++;
      }
    }
    return kept;
  }

  /**
   * The row-level skip of a row every tier skipped ({@code skips[t]} non-null for every
   * {@code t}): reason {@code over_cap_in_every_tier}, detail naming each tier's reason.
   */
  public static RowSkip everyTier(RowSkip[] skips) {
    StringBuilder detail = new StringBuilder("over the caps of every tier:");
    for (int t = 0; t < skips.length; t++) {
      detail.append(t == 0 ? " " : "; ").append(skips[t].detail());
    }
    return RowSkip.bad(skips[0].field(), "over_cap_in_every_tier", detail.toString());
  }

  /** Receives token records laid out as {@link TokenRecord}. */
  @FunctionalInterface
  public interface RecordSink {
    void write(byte[] records, int off, int count) throws IOException;
  }

  /**
   * Writes the row's records: per tier that keeps the row ({@code ranges[t]} not null), every
   * masked address of {@code prefix} at the tier's prefix length times every bucket of
   * {@code ranges[t]}, each with {@code handle}.
   */
  public static void expand(HmacTokenDeriver deriver, IpPrefix prefix, BucketRange[] ranges,
      byte[] handle, RecordSink sink) throws IOException {
    byte[] record = new byte[TokenRecord.LENGTH];
    byte[] scratch = new byte[32];
    List<Tier> tiers = deriver.scope().tiers();
    System.arraycopy(handle, 0, record, TokenRecord.HANDLE_OFFSET, HandleDeriver.LENGTH);
    for (int t = 0; t < tiers.size(); t++) {
      if (ranges[t] == null) {
        continue;
      }
      record[TokenRecord.TIER_OFFSET] = (byte) t;
      int bits = tiers.get(t).prefixFor(prefix.family());
      for (Iterator<IpAddress> it = prefix.addressesAt(bits); it.hasNext(); ) {
        IpAddress address = it.next();
        for (long b = ranges[t].first(); b <= ranges[t].last(); b++) {
          deriver.derive(t, address, b, scratch, record, TokenRecord.TOKEN_OFFSET);
          sink.write(record, 0, 1);
        }
      }
    }
  }
}
