package org.blindmatch.crypto.scope;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.blindmatch.crypto.io.Excerpt;
import org.blindmatch.crypto.io.StrictYaml;
import org.blindmatch.crypto.io.YamlException;
import org.blindmatch.crypto.time.BucketWidth;

/**
 * Reads a scope file (YAML, or JSON when the name ends in {@code .json}) through
 * {@link StrictYaml}: a duplicate key, an alias or a file over its size cap is an error.
 *
 * <p>The format is documented in {@code docs/PROTOCOL.md} §2. Unknown keys are errors, not
 * warnings: a misspelt key in a file that decides what matches must not be silently
 * ignored. Durations are integer seconds or a number with a unit {@code s}, {@code m},
 * {@code h} or {@code d}; a bucket width may also be {@code none}. Stateless and
 * thread-safe.
 */
public final class ScopeLoader {
  private static final Set<String> SCOPE_KEYS = Set.of("scope", "tiers", "disclosure");
  private static final Set<String> DISCLOSURE_KEYS = Set.of("min_records", "min_submitters", "dp");
  private static final Set<String> DP_KEYS =
      Set.of("epsilon_per_run", "epsilon_budget", "mechanism");
  private static final Set<String> TIER_KEYS =
      Set.of(
          "name",
          "bucket_width",
          "ipv4_prefix",
          "ipv6_prefix",
          "watchlist_tolerance",
          "max_buckets_per_window",
          "max_addresses_per_cidr");

  private ScopeLoader() {}

  /**
   * Loads and validates a scope file.
   *
   * @throws ScopeException naming the file and, where it applies, the key, with the reason
   */
  public static Scope load(Path file) throws ScopeException {
    try {
      return scope(StrictYaml.read(file, "scope file"), file.toString());
    } catch (YamlException e) {
      throw new ScopeException(e.getMessage());
    }
  }

  /**
   * Parses scope text; {@code source} names it in error messages.
   *
   * @throws ScopeException with the source, key and reason
   */
  public static Scope parse(String text, String source, boolean json) throws ScopeException {
    try {
      return scope(StrictYaml.parse(text, source, json), source);
    } catch (YamlException e) {
      throw new ScopeException(e.getMessage());
    }
  }

  private static Scope scope(JsonNode root, String source) throws ScopeException {
    if (root == null || !root.isObject()) {
      throw new ScopeException(source + ": expected a mapping with keys 'scope' and 'tiers'");
    }
    checkKeys(root, SCOPE_KEYS, source, "");
    String id = text(root, "scope", source, "");
    JsonNode tiersNode = root.get("tiers");
    if (tiersNode == null || !tiersNode.isArray()) {
      throw new ScopeException(source + ": tiers: expected a list of tiers");
    }
    List<Tier> tiers = new ArrayList<>();
    for (int i = 0; i < tiersNode.size(); i++) {
      tiers.add(tier(tiersNode.get(i), source, "tiers[" + i + "]."));
    }
    Disclosure disclosure = root.has("disclosure")
        ? disclosure(root.get("disclosure"), source) : Disclosure.DEFAULT;
    try {
      return new Scope(id, tiers, disclosure);
    } catch (IllegalArgumentException e) {
      throw new ScopeException(source + ": " + e.getMessage());
    }
  }

  private static Disclosure disclosure(JsonNode node, String source) throws ScopeException {
    if (!node.isObject()) {
      throw new ScopeException(source + ": disclosure: expected a mapping");
    }
    String path = "disclosure.";
    checkKeys(node, DISCLOSURE_KEYS, source, path);
    long minRecords = integer(node, "min_records", Disclosure.DEFAULT.minRecords(), source, path);
    long minSubmitters = integer(node, "min_submitters", Disclosure.DEFAULT.minSubmitters(),
        source, path);
    if (minRecords < 1 || minRecords > Disclosure.MAX_MIN_RECORDS) {
      throw new ScopeException(source + ": " + path + "min_records: " + minRecords
          + " is not in 1.." + Disclosure.MAX_MIN_RECORDS);
    }
    if (minSubmitters < 1 || minSubmitters > Disclosure.MAX_MIN_SUBMITTERS) {
      throw new ScopeException(source + ": " + path + "min_submitters: " + minSubmitters
          + " is not in 1.." + Disclosure.MAX_MIN_SUBMITTERS);
    }
    Optional<Disclosure.Dp> dp = Optional.empty();
    if (node.has("dp")) {
      dp = Optional.of(dp(node.get("dp"), source, path + "dp."));
    }
    return new Disclosure((int) minRecords, (int) minSubmitters, dp);
  }

  private static Disclosure.Dp dp(JsonNode node, String source, String path)
      throws ScopeException {
    if (!node.isObject()) {
      throw new ScopeException(source + ": " + path.substring(0, path.length() - 1)
          + ": expected a mapping");
    }
    checkKeys(node, DP_KEYS, source, path);
    long perRun = epsilon(node, "epsilon_per_run", source, path);
    long budget = epsilon(node, "epsilon_budget", source, path);
    JsonNode m = node.get("mechanism");
    if (m != null && !(m.isTextual() && m.asText().equals("geometric"))) {
      throw new ScopeException(source + ": " + path + "mechanism: "
          + Excerpt.quote(m.asText()) + " is not a mechanism (the one mechanism is geometric)");
    }
    try {
      return new Disclosure.Dp(perRun, budget, Disclosure.Mechanism.GEOMETRIC);
    } catch (IllegalArgumentException e) {
      throw new ScopeException(source + ": " + path + e.getMessage());
    }
  }

  /** A positive decimal with at most six decimals, as millionths. */
  private static long epsilon(JsonNode node, String key, String source, String path)
      throws ScopeException {
    JsonNode v = node.get(key);
    if (v == null) {
      throw new ScopeException(source + ": " + path + key + ": missing (a positive number "
          + "such as 0.5)");
    }
    String text = v.asText().trim();
    try {
      if (!(v.isNumber() || v.isTextual())) {
        throw new NumberFormatException();
      }
      BigDecimal d = new BigDecimal(text);
      if (d.signum() <= 0 || d.compareTo(BigDecimal.valueOf(1000)) > 0) {
        throw new ScopeException(source + ": " + path + key + ": " + Excerpt.quote(text)
            + " is not in (0, 1000]");
      }
      return d.movePointRight(6).longValueExact();
    } catch (NumberFormatException e) {
      throw new ScopeException(source + ": " + path + key + ": " + Excerpt.quote(text)
          + " is not a number");
    } catch (ArithmeticException e) {
      throw new ScopeException(source + ": " + path + key + ": " + Excerpt.quote(text)
          + " has more than 6 decimal places");
    }
  }

  private static Tier tier(JsonNode node, String source, String path) throws ScopeException {
    if (!node.isObject()) {
      throw new ScopeException(source + ": " + path.substring(0, path.length() - 1)
          + ": expected a mapping");
    }
    checkKeys(node, TIER_KEYS, source, path);
    String name = text(node, "name", source, path);
    JsonNode widthNode = node.get("bucket_width");
    if (widthNode == null) {
      throw new ScopeException(source + ": " + path + "bucket_width: missing "
          + "(seconds, a duration such as 1h, or none)");
    }
    BucketWidth width;
    if (widthNode.isTextual() && widthNode.asText().equals("none")) {
      width = BucketWidth.NONE;
    } else {
      long seconds = duration(widthNode, source, path + "bucket_width");
      if (seconds == 0) {
        throw new ScopeException(source + ": " + path
            + "bucket_width: 0 is not a width; write none for an address-only tier");
      }
      try {
        width = new BucketWidth(seconds);
      } catch (IllegalArgumentException e) {
        throw new ScopeException(source + ": " + path + "bucket_width: " + e.getMessage());
      }
    }
    try {
      return new Tier(
          name,
          width,
          (int) integer(node, "ipv4_prefix", Tier.DEFAULT_IPV4_PREFIX, source, path),
          (int) integer(node, "ipv6_prefix", Tier.DEFAULT_IPV6_PREFIX, source, path),
          node.has("watchlist_tolerance")
              ? duration(node.get("watchlist_tolerance"), source, path + "watchlist_tolerance")
              : 0,
          (int) integer(node, "max_buckets_per_window",
              Tier.DEFAULT_MAX_BUCKETS_PER_WINDOW, source, path),
          integer(node, "max_addresses_per_cidr",
              Tier.DEFAULT_MAX_ADDRESSES_PER_CIDR, source, path));
    } catch (IllegalArgumentException e) {
      throw new ScopeException(source + ": " + path + e.getMessage());
    }
  }

  private static void checkKeys(JsonNode node, Set<String> allowed, String source, String path)
      throws ScopeException {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        throw new ScopeException(source + ": " + path + Excerpt.key(key) + ": unknown key (allowed: "
            + String.join(", ", allowed.stream().sorted().toList()) + ")");
      }
    }
  }

  private static String text(JsonNode node, String key, String source, String path)
      throws ScopeException {
    JsonNode v = node.get(key);
    if (v == null || !v.isTextual()) {
      throw new ScopeException(source + ": " + path + key + ": missing or not a string");
    }
    return v.asText();
  }

  private static long integer(JsonNode node, String key, long dflt, String source, String path)
      throws ScopeException {
    JsonNode v = node.get(key);
    if (v == null) {
      return dflt;
    }
    if (!v.canConvertToLong() || !v.isIntegralNumber()) {
      throw new ScopeException(source + ": " + path + key + ": " + Excerpt.quote(v.asText())
          + " is not an integer");
    }
    return v.asLong();
  }

  /** Integer seconds, or a string "<n><unit>" with unit s, m, h or d. */
  static long duration(JsonNode v, String source, String key) throws ScopeException {
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      long s = v.asLong();
      if (s < 0) {
        throw new ScopeException(source + ": " + key + ": " + s + " is negative");
      }
      return s;
    }
    String text = v.asText().trim().toLowerCase(Locale.ROOT);
    if (text.length() >= 2) {
      long unit =
          switch (text.charAt(text.length() - 1)) {
            case 's' -> 1;
            case 'm' -> 60;
            case 'h' -> 3_600;
            case 'd' -> 86_400;
            default -> 0;
          };
      String digits = text.substring(0, text.length() - 1);
      if (unit != 0 && digits.chars().allMatch(c -> c >= '0' && c <= '9') && digits.length() <= 9) {
        return Long.parseLong(digits) * unit;
      }
    }
    throw new ScopeException(source + ": " + key + ": " + Excerpt.quote(v.asText())
        + " is not a duration (integer seconds, or e.g. 30m, 1h, 1d)");
  }
}
