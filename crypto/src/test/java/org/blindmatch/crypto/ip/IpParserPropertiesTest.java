package org.blindmatch.crypto.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.blindmatch.crypto.io.Excerpt;

/**
 * Property tests for {@link IpParser} and {@link IpAddress#toString()}. Oracles are written
 * independently of the production code (string building, regexes, split).
 */
class IpParserPropertiesTest {

  // ---- IPv4 -------------------------------------------------------------------------

  @Property(tries = 2000)
  void everyIpv4RoundTrips(@ForAll int bits) throws Exception {
    IpAddress a = IpAddress.ofIpv4(bits);
    String expectedText =
        (bits >>> 24)
            + "."
            + ((bits >>> 16) & 255)
            + "."
            + ((bits >>> 8) & 255)
            + "."
            + (bits & 255);
    assertEquals(expectedText, a.toString());
    assertEquals(a, IpParser.parseAddress(a.toString()));
    assertEquals(a, IpParser.parseEndpoint(a.toString()));
  }

  private static final Pattern STRICT_OCTET = Pattern.compile("0|[1-9][0-9]{0,2}");

  /** Differential test against a split/regex reference on strings made of IPv4-ish pieces. */
  @Property(tries = 3000)
  void ipv4AcceptsExactlyStrictDottedQuads(@ForAll("ipv4ish") String text) {
    Optional<Integer> expected = referenceIpv4(text);
    try {
      IpAddress parsed = IpParser.parseAddress(text);
      assertTrue(expected.isPresent(), () -> "accepted " + text);
      assertEquals(IpAddress.ofIpv4(expected.get()), parsed);
    } catch (IpParseException e) {
      assertFalse(expected.isPresent(), () -> "rejected valid " + text + ": " + e.getMessage());
    }
  }

  @Provide
  Arbitrary<String> ipv4ish() {
    Arbitrary<String> piece =
        Arbitraries.oneOf(
            Arbitraries.of(
                "0", "00", "1", "01", "9", "10", "99", "100", "199", "200", "249", "250", "255",
                "256", "300", "999", "1000", "", "0x1", " 1", "1 ", "+1"),
            Arbitraries.integers().between(0, 255).map(String::valueOf));
    Arbitrary<String> joined = piece.list().ofMinSize(1).ofMaxSize(6).map(l -> String.join(".", l));
    Arbitrary<String> noise = Arbitraries.strings().withChars("0123456789.").ofMaxLength(17);
    return Arbitraries.oneOf(joined, joined, noise);
  }

  private static Optional<Integer> referenceIpv4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return Optional.empty();
    }
    int bits = 0;
    for (String p : parts) {
      if (!STRICT_OCTET.matcher(p).matches() || Integer.parseInt(p) > 255) {
        return Optional.empty();
      }
      bits = (bits << 8) | Integer.parseInt(p);
    }
    return Optional.of(bits);
  }

  // ---- IPv6 textual forms -----------------------------------------------------------

  @Provide
  Arbitrary<int[]> ipv6Groups() {
    // Many zero groups, so that "::" compression is exercised at every position.
    Arbitrary<Integer> group =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, Arbitraries.just(0)),
            net.jqwik.api.Tuple.of(1, Arbitraries.of(1, 0xffff, 0x00ff, 0x0100)),
            net.jqwik.api.Tuple.of(4, Arbitraries.integers().between(0, 0xffff)));
    Arbitrary<int[]> sparse =
        group.list().ofSize(8).map(l -> l.stream().mapToInt(Integer::intValue).toArray());
    Arbitrary<int[]> dense =
        Combinators.combine(Arbitraries.longs(), Arbitraries.longs())
            .as(IpParserPropertiesTest::groupsOf);
    return Arbitraries.oneOf(sparse, dense);
  }

  @Property(tries = 1500)
  void allIpv6TextFormsParseToTheSameValue(@ForAll("ipv6Groups") int[] g) throws Exception {
    IpAddress expected = toAddress(g).canonical();
    List<String> forms = new ArrayList<>();
    forms.add(join(g, 0, 8, "%04x"));
    forms.add(join(g, 0, 8, "%04X"));
    forms.add(join(g, 0, 8, "%x"));
    forms.add(toAddress(g).toString());
    forms.add(toAddress(g).toString().toUpperCase(Locale.ROOT));
    forms.addAll(compressedForms(g, 8, "%x"));
    forms.addAll(compressedForms(g, 8, "%04X"));
    String quad = (g[6] >>> 8) + "." + (g[6] & 255) + "." + (g[7] >>> 8) + "." + (g[7] & 255);
    forms.add(join(g, 0, 6, "%x") + ":" + quad);
    for (String head : compressedForms(g, 6, "%x")) {
      forms.add(head + (head.endsWith(":") ? "" : ":") + quad);
    }
    for (String text : forms) {
      assertEquals(expected, IpParser.parseAddress(text), text);
      assertEquals(expected, IpParser.parseEndpoint("[" + text + "]:443"), text);
      assertEquals(expected, IpParser.parseEndpoint("[" + text + "]"), text);
    }
  }

  @Property(tries = 1500)
  void toStringIsRfc5952Canonical(@ForAll("ipv6Groups") int[] g) throws Exception {
    IpAddress a = toAddress(g);
    String text = a.toString();
    assertEquals(referenceRfc5952(g), text);
    assertEquals(a.canonical(), IpParser.parseAddress(text));
    assertTrue(text.matches("[0-9a-f:]+"), text);
    assertFalse(text.contains(":::"), text);
    assertTrue(text.indexOf("::") == text.lastIndexOf("::"), text);
    for (String group : text.split(":")) {
      assertFalse(group.length() > 1 && group.startsWith("0"), text);
    }
  }

  @Example
  void rfc5952Examples() throws Exception {
    String[][] cases = {
      {"2001:db8:0:0:0:0:2:1", "2001:db8::2:1"}, // §4.2.1 shorten as much as possible
      {"2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"}, // §4.1 no leading zeros
      {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"}, // §4.2.2 single zero group kept
      {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"}, // §4.2.3 longest run
      {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"}, // §4.2.3 first run on ties
      {"2001:DB8::1", "2001:db8::1"}, // §4.3 lowercase
      {"0:0:0:0:0:0:0:0", "::"},
      {"0:0:0:0:0:0:0:1", "::1"},
      {"1:0:0:0:0:0:0:0", "1::"},
      {"1:2:3:4:5:6:7:0", "1:2:3:4:5:6:7:0"},
      {"0:1:2:3:4:5:6:7", "0:1:2:3:4:5:6:7"},
      {"0:0:1:0:0:0:1:0", "0:0:1::1:0"},
      {"0:0:1:0:0:1:1:1", "::1:0:0:1:1:1"}, // first on ties, even if longer text
      {"1:1:1:0:0:1:0:0", "1:1:1::1:0:0"},
      {"1:0:0:2:0:0:3:4", "1::2:0:0:3:4"},
      {"::1.2.3.4", "::102:304"},
      {"64:ff9b::192.0.2.33", "64:ff9b::c000:221"},
      {"fe80::0:0:1", "fe80::1"},
    };
    for (String[] c : cases) {
      assertEquals(c[1], IpParser.parseAddress(c[0]).toString(), c[0]);
    }
  }

  @Property(tries = 1000)
  void ipv4MappedFormsEqualTheIpv4Address(@ForAll int bits) throws Exception {
    IpAddress v4 = IpAddress.ofIpv4(bits);
    String hex = Integer.toHexString(bits >>> 16) + ":" + Integer.toHexString(bits & 0xffff);
    assertEquals(v4, IpParser.parseAddress("::ffff:" + v4));
    assertEquals(v4, IpParser.parseAddress("::FFFF:" + v4));
    assertEquals(v4, IpParser.parseAddress("0:0:0:0:0:ffff:" + v4));
    assertEquals(v4, IpParser.parseAddress("::ffff:" + hex));
    assertEquals(
        v4, IpParser.parseAddress("0000:0000:0000:0000:0000:ffff:" + hex.toUpperCase(Locale.ROOT)));
    assertEquals(v4, IpParser.parseEndpoint("[::ffff:" + v4 + "]:80"));
    // IPv4-compatible (deprecated) text stays IPv6.
    IpAddress compatible = IpParser.parseAddress("::" + v4);
    assertEquals(IpAddress.ofIpv6(0, Integer.toUnsignedLong(bits)), compatible);
  }

  @Property(tries = 1000)
  void endpointsIgnoreThePort(
      @ForAll("ipv6Groups") int[] g,
      @ForAll int bits,
      @ForAll @IntRange(min = 0, max = 65535) int port)
      throws Exception {
    IpAddress v6 = toAddress(g);
    assertEquals(
        IpParser.parseAddress(v6.toString()), IpParser.parseEndpoint("[" + v6 + "]:" + port));
    IpAddress v4 = IpAddress.ofIpv4(bits);
    assertEquals(v4, IpParser.parseEndpoint(v4 + ":" + port));
  }

  /** Differential test against a split-based reference on strings built from IPv6-ish pieces. */
  @Property(tries = 5000)
  void ipv6AcceptsExactlyRfc4291Text(@ForAll("ipv6ish") String text) {
    Optional<IpAddress> expected = referenceIpv6(text);
    try {
      IpAddress parsed = IpParser.parseAddress(text);
      assertTrue(expected.isPresent(), () -> "accepted " + text + " as " + parsed);
      assertEquals(expected.get().canonical(), parsed, text);
    } catch (IpParseException e) {
      assertFalse(expected.isPresent(), () -> "rejected valid " + text + ": " + e.getMessage());
    }
  }

  @Provide
  Arbitrary<String> ipv6ish() {
    Arbitrary<String> piece =
        Arbitraries.oneOf(
            Arbitraries.of(
                "",
                "",
                "0",
                "1",
                "ffff",
                "FFFF",
                "0db8",
                "00000",
                "12345",
                "abcd",
                "g",
                "1.2.3.4",
                "01.2.3.4",
                "255.255.255.255",
                "256.1.1.1",
                "1.2.3"),
            Arbitraries.strings()
                .withChars("0123456789abcdefABCDEF")
                .ofMinLength(1)
                .ofMaxLength(4));
    return piece.list().ofMinSize(2).ofMaxSize(10).map(l -> String.join(":", l));
  }

  private static final Pattern HEX_GROUP = Pattern.compile("[0-9a-fA-F]{1,4}");

  /** Straightforward (slow) RFC 4291 §2.2 reader, for differential testing only. */
  private static Optional<IpAddress> referenceIpv6(String text) {
    if (text.contains(":::")) {
      return Optional.empty();
    }
    int first = text.indexOf("::");
    if (first >= 0 && text.indexOf("::", first + 1) >= 0) {
      return Optional.empty();
    }
    List<Integer> head = new ArrayList<>();
    List<Integer> tail = new ArrayList<>();
    boolean ok =
        first < 0
            ? readGroups(text, head, true)
            // A dotted quad must end the text, so it never precedes "::".
            : readGroups(text.substring(0, first), head, false)
                && readGroups(text.substring(first + 2), tail, true);
    if (!ok) {
      return Optional.empty();
    }
    int total = head.size() + tail.size();
    if (first < 0 ? total != 8 : total > 7) {
      return Optional.empty();
    }
    int[] g = new int[8];
    for (int i = 0; i < head.size(); i++) {
      g[i] = head.get(i);
    }
    for (int i = 0; i < tail.size(); i++) {
      g[8 - tail.size() + i] = tail.get(i);
    }
    return Optional.of(toAddress(g));
  }

  private static boolean readGroups(
      String part, List<Integer> out, boolean dottedQuadAllowedAtEnd) {
    if (part.isEmpty()) {
      return true;
    }
    String[] pieces = part.split(":", -1);
    for (int i = 0; i < pieces.length; i++) {
      String p = pieces[i];
      if (HEX_GROUP.matcher(p).matches()) {
        out.add(Integer.parseInt(p, 16));
      } else if (i == pieces.length - 1 && dottedQuadAllowedAtEnd && referenceIpv4(p).isPresent()) {
        int v = referenceIpv4(p).get();
        out.add(v >>> 16);
        out.add(v & 0xffff);
      } else {
        return false;
      }
    }
    return true;
  }

  // ---- robustness -------------------------------------------------------------------

  @Property(tries = 5000)
  void arbitraryTextNeverThrowsAnythingElse(@ForAll("junk") String text) {
    for (int method = 0; method < 3; method++) {
      try {
        Object result =
            method == 0
                ? IpParser.parseAddress(text)
                : method == 1 ? IpParser.parseEndpoint(text) : IpParser.parseCidr(text);
        assertNotNull(result);
        if (result instanceof IpAddress a) {
          assertEquals(a, IpParser.parseAddress(a.toString()));
          assertFalse(a.isIpv4Mapped());
        } else {
          IpPrefix p = (IpPrefix) result;
          assertEquals(p, IpParser.parseCidr(p.toString()));
        }
      } catch (IpParseException e) {
        assertNotNull(e.reason());
        assertTrue(e.getMessage().chars().allMatch(c -> c >= 0x20 && c < 0x7f), e.getMessage());
      } catch (RuntimeException e) {
        fail("method " + method + " threw " + e + " for " + Excerpt.quote(text));
      }
    }
  }

  @Provide
  Arbitrary<String> junk() {
    return Arbitraries.oneOf(
        Arbitraries.strings()
            .withChars("0123456789abcdefxgABF.:/[]% -\t\u0660\u00fc")
            .ofMaxLength(50),
        ipv4ish(),
        ipv6ish(),
        Arbitraries.strings().ofMaxLength(20));
  }

  // ---- helpers ----------------------------------------------------------------------

  static int[] groupsOf(long high, long low) {
    int[] g = new int[8];
    for (int i = 0; i < 4; i++) {
      g[i] = (int) (high >>> (48 - 16 * i)) & 0xffff;
      g[i + 4] = (int) (low >>> (48 - 16 * i)) & 0xffff;
    }
    return g;
  }

  static IpAddress toAddress(int[] g) {
    long high = 0;
    long low = 0;
    for (int i = 0; i < 4; i++) {
      high = (high << 16) | g[i];
      low = (low << 16) | g[i + 4];
    }
    return IpAddress.ofIpv6(high, low);
  }

  private static String join(int[] g, int from, int to, String format) {
    return IntStream.range(from, to)
        .mapToObj(i -> String.format(Locale.ROOT, format, g[i]))
        .collect(Collectors.joining(":"));
  }

  /** Every legal "::" placement over groups[0, n): any non-empty run of zero groups. */
  private static List<String> compressedForms(int[] g, int n, String format) {
    List<String> out = new ArrayList<>();
    for (int start = 0; start < n; start++) {
      for (int end = start + 1; end <= n && g[end - 1] == 0; end++) {
        out.add(join(g, 0, start, format) + "::" + join(g, end, n, format));
      }
    }
    return out;
  }

  /**
   * RFC 5952 §4.2 by brute force over every run of >= 2 zero groups: the longest run is replaced by
   * "::", the first one on ties; with no such run, nothing is compressed.
   */
  private static String referenceRfc5952(int[] g) {
    int bestStart = -1;
    int bestLength = 0;
    for (int start = 0; start < 8; start++) {
      for (int end = start + 1; end <= 8 && g[end - 1] == 0; end++) {
        int length = end - start;
        if (length >= 2 && length > bestLength) {
          bestStart = start;
          bestLength = length;
        }
      }
    }
    if (bestStart < 0) {
      return join(g, 0, 8, "%x");
    }
    return join(g, 0, bestStart, "%x") + "::" + join(g, bestStart + bestLength, 8, "%x");
  }
}
