package org.blindmatch.crypto.scope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScopeLoaderTest {
  static final String YAML = """
      scope: sea-compounds-2026
      tiers:
        - name: ip+hour
          bucket_width: 1h
          ipv4_prefix: 32
          ipv6_prefix: 64
          watchlist_tolerance: 30m
          max_buckets_per_window: 744
        - name: ip-only
          bucket_width: none
      """;

  @Test
  void parsesYamlWithDefaultsAndDurations() throws Exception {
    Scope s = ScopeLoader.parse(YAML, "scope.yaml", false);
    assertEquals("sea-compounds-2026", s.id());
    assertEquals(2, s.tiers().size());
    Tier hour = s.tier(0);
    assertEquals(3600, hour.bucketWidth().seconds());
    assertEquals(1800, hour.watchlistToleranceSeconds());
    assertTrue(s.tier(1).bucketWidth().isNone());
    assertEquals(Tier.DEFAULT_IPV6_PREFIX, s.tier(1).ipv6Prefix());
    assertEquals(1, s.tierNumber("ip-only"));
    assertEquals(64, s.digestHex().length());
  }

  @Test
  void jsonAndYamlOfTheSameScopeHaveTheSameDigest() throws Exception {
    String json = """
        {"scope": "sea-compounds-2026", "tiers": [
          {"name": "ip+hour", "bucket_width": 3600, "watchlist_tolerance": 1800},
          {"name": "ip-only", "bucket_width": "none"}]}
        """;
    assertEquals(ScopeLoader.parse(YAML, "a", false).digestHex(),
        ScopeLoader.parse(json, "b", true).digestHex());
  }

  @Test
  void everyFieldChangesTheDigest() throws Exception {
    String base = ScopeLoader.parse(YAML, "s", false).digestHex();
    String[][] edits = {
      {"sea-compounds-2026", "sea-compounds-2027"},
      {"ip+hour", "ip+hr"},
      {"bucket_width: 1h", "bucket_width: 2h"},
      {"ipv4_prefix: 32", "ipv4_prefix: 24"},
      {"ipv6_prefix: 64", "ipv6_prefix: 56"},
      {"watchlist_tolerance: 30m", "watchlist_tolerance: 31m"},
      {"max_buckets_per_window: 744", "max_buckets_per_window: 745"},
    };
    for (String[] e : edits) {
      String changed = ScopeLoader.parse(YAML.replace(e[0], e[1]), "s", false).digestHex();
      assertNotEquals(base, changed, e[0]);
    }
  }

  @Test
  void errorsNameFileAndKey() {
    assertMessage(YAML.replace("ipv6_prefix: 64", "ipv6_prefix: 200"),
        "scope.yaml: tiers[0].ipv6_prefix: 200 is not in 1..128");
    assertMessage(YAML.replace("ipv4_prefix", "ipv4_prefx"),
        "scope.yaml: tiers[0].ipv4_prefx: unknown key");
    assertMessage(YAML.replace("bucket_width: 1h", "bucket_width: soon"),
        "scope.yaml: tiers[0].bucket_width: \"soon\" is not a duration");
    assertMessage(YAML.replace("bucket_width: 1h", "bucket_width: 0"),
        "write none for an address-only tier");
    assertMessage(YAML.replace("ip-only", "ip+hour"), "appears twice");
    assertMessage("scope: x\ntiers: []\n", "at least one tier");
    assertMessage("scope: Bad Id\ntiers: [{name: a, bucket_width: 1}]\n", "scope: \"Bad Id\"");
    assertMessage("tiers: [", "not valid YAML");
  }

  @Test
  void duplicateKeysAreErrorsAtTopLevelAndInATier() {
    assertMessage(YAML + "scope: other-agreement\n",
        "scope.yaml: line 11: scope: duplicate key (first on line 1)");
    assertMessage(YAML.replace("    bucket_width: 1h\n", "    bucket_width: 1h\n"
        + "    bucket_width: 1d\n"), "scope.yaml: line 5: tiers[0].bucket_width: duplicate key "
        + "(first on line 4)");
    assertMessage(YAML.replace("bucket_width: none", "bucket_width: none\n"
        + "    bucket_width: 1h"), "tiers[1].bucket_width: duplicate key");
  }

  @Test
  void longBadValuesAreExcerpted() {
    String huge = "Z".repeat(1_000_000);
    ScopeException e = assertThrows(ScopeException.class, () -> ScopeLoader.parse(
        "scope: " + huge + "\ntiers: [{name: a, bucket_width: 1}]\n", "scope.yaml", false));
    assertTrue(e.getMessage().startsWith("scope.yaml: scope: \"ZZZZ"), e.getMessage());
    assertTrue(e.getMessage().contains("\"... (1000000 chars) must match"), e.getMessage());
    assertTrue(e.getMessage().length() < 200, () -> "message of " + e.getMessage().length());
    assertMessage(YAML.replace("bucket_width: 1h", "bucket_width: " + huge),
        "tiers[0].bucket_width: \"ZZZ");
  }

  private static void assertMessage(String text, String expected) {
    ScopeException e = assertThrows(ScopeException.class,
        () -> ScopeLoader.parse(text, "scope.yaml", false));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
