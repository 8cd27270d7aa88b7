package org.blindmatch.client.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.blindmatch.crypto.ip.IpParser;
import org.blindmatch.crypto.ip.IpPrefix;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.scope.ScopeLoader;
import org.blindmatch.crypto.time.BucketRange;
import org.blindmatch.crypto.time.WindowExpander;
import org.junit.jupiter.api.Test;

/** Per-tier caps of {@link WatchlistRow#ranges}: a row over one tier's caps stays in the rest. */
class WatchlistRowTest {
  private static final Scope SCOPE = scope();

  private static Scope scope() {
    try {
      return ScopeLoader.parse("""
          scope: t
          tiers:
            - {name: ip+hour, bucket_width: 1h, max_buckets_per_window: 24}
            - {name: net+day, bucket_width: 1d, ipv4_prefix: 24, max_addresses_per_cidr: 4}
            - {name: ip-only, bucket_width: none, max_addresses_per_cidr: 256}
          """, "test", false);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private final WindowExpander[] expanders = WatchlistRow.expanders(SCOPE);
  private final BucketRange[] ranges = new BucketRange[3];
  private final RowSkip[] skips = new RowSkip[3];

  private int ranges(String cidr, String start, String end) throws Exception {
    IpPrefix p = IpParser.parseCidr(cidr);
    return WatchlistRow.ranges(p, Instant.parse(start).getEpochSecond(),
        Instant.parse(end).getEpochSecond(), SCOPE.tiers(), expanders, ranges, skips);
  }

  @Test
  void aRowWithinEveryCapIsKeptEverywhere() throws Exception {
    assertEquals(3, ranges("45.77.12.9", "2026-03-01T10:00:00Z", "2026-03-01T11:00:00Z"));
    for (int t = 0; t < 3; t++) {
      assertNotNull(ranges[t]);
      assertNull(skips[t]);
    }
    assertEquals(2, ranges[0].count());
  }

  @Test
  void aLongWindowIsSkippedFromTheHourTierOnly() throws Exception {
    assertEquals(2, ranges("45.77.12.9", "2026-01-01T00:00:00Z", "2026-03-31T00:00:00Z"));
    assertNull(ranges[0]);
    assertEquals("window_over_cap", skips[0].reasonKey());
    assertTrue(skips[0].detail().contains("ip+hour"), skips[0].detail());
    assertEquals(90, ranges[1].count());
    assertEquals(1, ranges[2].count());
  }

  @Test
  void aWideCidrIsSkippedFromTheTiersWhoseAddressCapItExceeds() throws Exception {
    // /16: 65536 addresses at /32 (ip+hour default cap 65536 keeps it), 256 /24s (net+day's
    // cap is 4), 65536 at /32 for ip-only (cap 256).
    assertEquals(1, ranges("45.77.0.0/16", "2026-03-01T10:00:00Z", "2026-03-01T10:10:00Z"));
    assertNotNull(ranges[0]);
    assertEquals("cidr_over_cap", skips[1].reasonKey());
    assertEquals("cidr_over_cap", skips[2].reasonKey());
  }

  @Test
  void aReversedWindowIsAnErrorOfTheRow() {
    RowSkip s = assertThrows(RowSkip.class,
        () -> ranges("45.77.12.9", "2026-03-02T00:00:00Z", "2026-03-01T00:00:00Z"));
    assertEquals("bad_window", s.reasonKey());
  }

  @Test
  void aRowOverEveryTiersCapIsOneRowLevelSkip() throws Exception {
    assertEquals(0, ranges("45.0.0.0/8", "2026-01-01T00:00:00Z", "2026-03-31T00:00:00Z"));
    RowSkip every = WatchlistRow.everyTier(skips);
    assertEquals("over_cap_in_every_tier", every.reasonKey());
    assertTrue(every.detail().contains("ip+hour") && every.detail().contains("ip-only"),
        every.detail());
  }
}
