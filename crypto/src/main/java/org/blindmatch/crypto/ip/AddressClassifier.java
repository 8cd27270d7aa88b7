package org.blindmatch.crypto.ip;

import java.util.List;

/**
 * Decides whether an address (or prefix) is globally routable, and if not, why. Only {@link
 * AddressClass#GLOBAL} addresses are tokenised.
 *
 * <p>The tables are ordered lists; the <em>first</em> block containing an address decides its
 * class, so more specific blocks precede the blocks that contain them. The last entry of each table
 * is a catch-all.
 *
 * <table class="striped">
 * <caption>IPv4 (RFC 6890 special-purpose registry)</caption>
 * <thead><tr><th>Block</th><th>Class</th><th>Source</th></tr></thead>
 * <tbody>
 * <tr><td>0.0.0.0/32</td><td>UNSPECIFIED</td><td>RFC 1122 §3.2.1.3</td></tr>
 * <tr><td>0.0.0.0/8</td><td>RESERVED ("this network")</td><td>RFC 791, RFC 1122 §3.2.1.3</td></tr>
 * <tr><td>10.0.0.0/8</td><td>PRIVATE</td><td>RFC 1918</td></tr>
 * <tr><td>100.64.0.0/10</td><td>SHARED_CGNAT</td><td>RFC 6598</td></tr>
 * <tr><td>127.0.0.0/8</td><td>LOOPBACK</td><td>RFC 1122 §3.2.1.3</td></tr>
 * <tr><td>169.254.0.0/16</td><td>LINK_LOCAL</td><td>RFC 3927</td></tr>
 * <tr><td>172.16.0.0/12</td><td>PRIVATE</td><td>RFC 1918</td></tr>
 * <tr><td>192.0.0.0/24</td><td>RESERVED (IETF protocol assignments)</td><td>RFC 6890 §2.2.2</td></tr>
 * <tr><td>192.0.2.0/24</td><td>DOCUMENTATION (TEST-NET-1)</td><td>RFC 5737</td></tr>
 * <tr><td>192.88.99.0/24</td><td>RESERVED (deprecated 6to4 relay anycast)</td><td>RFC 7526</td></tr>
 * <tr><td>192.168.0.0/16</td><td>PRIVATE</td><td>RFC 1918</td></tr>
 * <tr><td>198.18.0.0/15</td><td>BENCHMARKING</td><td>RFC 2544</td></tr>
 * <tr><td>198.51.100.0/24</td><td>DOCUMENTATION (TEST-NET-2)</td><td>RFC 5737</td></tr>
 * <tr><td>203.0.113.0/24</td><td>DOCUMENTATION (TEST-NET-3)</td><td>RFC 5737</td></tr>
 * <tr><td>224.0.0.0/4</td><td>MULTICAST</td><td>RFC 5771</td></tr>
 * <tr><td>240.0.0.0/4</td><td>RESERVED (incl. 255.255.255.255 limited broadcast)</td><td>RFC 1112 §4, RFC 919</td></tr>
 * <tr><td>0.0.0.0/0</td><td>GLOBAL (everything else)</td><td></td></tr>
 * </tbody>
 * </table>
 *
 * <table class="striped">
 * <caption>IPv6 (RFC 6890 special-purpose registry, IANA IPv6 address space)</caption>
 * <thead><tr><th>Block</th><th>Class</th><th>Source</th></tr></thead>
 * <tbody>
 * <tr><td>::/128</td><td>UNSPECIFIED</td><td>RFC 4291 §2.5.2</td></tr>
 * <tr><td>::1/128</td><td>LOOPBACK</td><td>RFC 4291 §2.5.3</td></tr>
 * <tr><td>::/96</td><td>RESERVED (IPv4-compatible, deprecated)</td><td>RFC 4291 §2.5.5.1</td></tr>
 * <tr><td>64:ff9b:1::/48</td><td>PRIVATE (local-use NAT64)</td><td>RFC 8215</td></tr>
 * <tr><td>64:ff9b::/96</td><td>GLOBAL (well-known NAT64 prefix: it embeds a public IPv4
 *     address, since RFC 6052 §3.1 forbids embedding non-global ones; the embedded
 *     address is not re-checked)</td><td>RFC 6052</td></tr>
 * <tr><td>::/8</td><td>RESERVED (IETF reserved, everything else in 0000::/8, including a
 *     raw IPv4-mapped ::ffff:0:0/96 value, which the parser turns into IPv4)</td>
 *     <td>RFC 4291 §2.4, §2.5.5.2</td></tr>
 * <tr><td>100::/64</td><td>RESERVED (discard-only)</td><td>RFC 6666</td></tr>
 * <tr><td>2001:db8::/32</td><td>DOCUMENTATION</td><td>RFC 3849</td></tr>
 * <tr><td>2001:2::/48</td><td>BENCHMARKING</td><td>RFC 5180</td></tr>
 * <tr><td>2001::/23</td><td>RESERVED (IETF protocol assignments, incl. Teredo)</td><td>RFC 2928, RFC 6890</td></tr>
 * <tr><td>3fff::/20</td><td>DOCUMENTATION</td><td>RFC 9637</td></tr>
 * <tr><td>2000::/3</td><td>GLOBAL (global unicast)</td><td>RFC 4291 §2.4</td></tr>
 * <tr><td>fc00::/7</td><td>PRIVATE (unique-local)</td><td>RFC 4193</td></tr>
 * <tr><td>fe80::/10</td><td>LINK_LOCAL</td><td>RFC 4291 §2.5.6</td></tr>
 * <tr><td>fec0::/10</td><td>RESERVED (deprecated site-local)</td><td>RFC 3879</td></tr>
 * <tr><td>ff00::/8</td><td>MULTICAST</td><td>RFC 4291 §2.7</td></tr>
 * <tr><td>::/0</td><td>RESERVED (everything else is unallocated)</td><td>IANA</td></tr>
 * </tbody>
 * </table>
 *
 * <p>Stateless and thread-safe.
 */
public final class AddressClassifier {

  /** One table row. Package-private so tests can check the table itself. */
  record Block(IpPrefix prefix, AddressClass addressClass) {}

  private static final Block[] IPV4 = {
    block("0.0.0.0/32", AddressClass.UNSPECIFIED),
    block("0.0.0.0/8", AddressClass.RESERVED),
    block("10.0.0.0/8", AddressClass.PRIVATE),
    block("100.64.0.0/10", AddressClass.SHARED_CGNAT),
    block("127.0.0.0/8", AddressClass.LOOPBACK),
    block("169.254.0.0/16", AddressClass.LINK_LOCAL),
    block("172.16.0.0/12", AddressClass.PRIVATE),
    block("192.0.0.0/24", AddressClass.RESERVED),
    block("192.0.2.0/24", AddressClass.DOCUMENTATION),
    block("192.88.99.0/24", AddressClass.RESERVED),
    block("192.168.0.0/16", AddressClass.PRIVATE),
    block("198.18.0.0/15", AddressClass.BENCHMARKING),
    block("198.51.100.0/24", AddressClass.DOCUMENTATION),
    block("203.0.113.0/24", AddressClass.DOCUMENTATION),
    block("224.0.0.0/4", AddressClass.MULTICAST),
    block("240.0.0.0/4", AddressClass.RESERVED),
    block("0.0.0.0/0", AddressClass.GLOBAL),
  };

  private static final Block[] IPV6 = {
    block("::/128", AddressClass.UNSPECIFIED),
    block("::1/128", AddressClass.LOOPBACK),
    block("::/96", AddressClass.RESERVED),
    block("64:ff9b:1::/48", AddressClass.PRIVATE),
    block("64:ff9b::/96", AddressClass.GLOBAL),
    block("::/8", AddressClass.RESERVED),
    block("100::/64", AddressClass.RESERVED),
    block("2001:db8::/32", AddressClass.DOCUMENTATION),
    block("2001:2::/48", AddressClass.BENCHMARKING),
    block("2001::/23", AddressClass.RESERVED),
    block("3fff::/20", AddressClass.DOCUMENTATION),
    block("2000::/3", AddressClass.GLOBAL),
    block("fc00::/7", AddressClass.PRIVATE),
    block("fe80::/10", AddressClass.LINK_LOCAL),
    block("fec0::/10", AddressClass.RESERVED),
    block("ff00::/8", AddressClass.MULTICAST),
    block("::/0", AddressClass.RESERVED),
  };

  // Most traffic falls in a first byte that lies entirely inside one table
  // row (for example 8.0.0.0/8 or 2600::/8), so a 256-entry lookup answers it
  // without scanning. null means "the first byte is not decisive: scan".
  private static final AddressClass[] IPV4_BY_FIRST_BYTE = firstByteIndex(IpFamily.IPV4);
  private static final AddressClass[] IPV6_BY_FIRST_BYTE = firstByteIndex(IpFamily.IPV6);

  private AddressClassifier() {}

  /**
   * Classifies one address. Allocation-free; intended for every input row.
   *
   * @param address the address; a raw IPv4-mapped IPv6 value (see {@link IpAddress#canonical()}) is
   *     {@link AddressClass#RESERVED}
   * @return the class; never null
   * @throws NullPointerException if {@code address} is null
   */
  public static AddressClass classify(IpAddress address) {
    boolean v4 = address.family() == IpFamily.IPV4;
    int firstByte = (int) (v4 ? address.low() >>> 24 : address.high() >>> 56);
    AddressClass quick = (v4 ? IPV4_BY_FIRST_BYTE : IPV6_BY_FIRST_BYTE)[firstByte];
    if (quick != null) {
      return quick;
    }
    for (Block b : v4 ? IPV4 : IPV6) {
      if (b.prefix().contains(address)) {
        return b.addressClass();
      }
    }
    throw new AssertionError("table has no catch-all for " + address.family());
  }

  /**
   * Classifies a whole prefix, for example a CIDR from an allow-list.
   *
   * <ul>
   *   <li>If every address in {@code prefix} has the same class, returns it. In particular the
   *       result is {@link AddressClass#GLOBAL} only when every address in the prefix is GLOBAL.
   *   <li>Otherwise the prefix straddles a special block (for example {@code 96.0.0.0/3} contains
   *       {@code 100.64.0.0/10}); the result is the class of the first non-GLOBAL table row that
   *       overlaps it. Such a prefix is treated as non-routable and skipped as a whole; the caller
   *       is expected to report it.
   * </ul>
   *
   * @param prefix the prefix
   * @return the class; never null
   * @throws NullPointerException if {@code prefix} is null
   */
  public static AddressClass classify(IpPrefix prefix) {
    Block[] table = table(prefix.family());
    int first = firstOverlapping(table, prefix, 0);
    if (table[first].prefix().contains(prefix)) {
      // No earlier row overlaps the prefix, so this row decides every address in it.
      return table[first].addressClass();
    }
    for (int i = first; i < table.length; i++) {
      Block b = table[i];
      if (b.addressClass() != AddressClass.GLOBAL && b.prefix().overlaps(prefix)) {
        return b.addressClass();
      }
    }
    throw new AssertionError("mixed prefix without a non-global row: " + prefix);
  }

  /** The classification table for a family, in match order. For tests and reports. */
  static List<Block> blocks(IpFamily family) {
    return List.of(table(family));
  }

  private static Block[] table(IpFamily family) {
    return family == IpFamily.IPV4 ? IPV4 : IPV6;
  }

  private static int firstOverlapping(Block[] table, IpPrefix prefix, int from) {
    for (int i = from; i < table.length; i++) {
      if (table[i].prefix().overlaps(prefix)) {
        return i;
      }
    }
    throw new AssertionError("table has no catch-all for " + prefix.family());
  }

  private static AddressClass[] firstByteIndex(IpFamily family) {
    Block[] table = table(family);
    AddressClass[] index = new AddressClass[256];
    int shift = family.bitLength() - 8;
    for (int b = 0; b < 256; b++) {
      IpAddress network =
          family == IpFamily.IPV4
              ? IpAddress.ofIpv4(b << shift)
              : IpAddress.ofIpv6((long) b << 56, 0L);
      IpPrefix slash8 = new IpPrefix(network, 8);
      Block decisive = table[firstOverlapping(table, slash8, 0)];
      index[b] = decisive.prefix().contains(slash8) ? decisive.addressClass() : null;
    }
    return index;
  }

  private static Block block(String cidr, AddressClass addressClass) {
    try {
      return new Block(IpParser.parseCidr(cidr), addressClass);
    } catch (IpParseException e) {
      throw new IllegalStateException("bad built-in table entry " + cidr, e);
    }
  }
}
