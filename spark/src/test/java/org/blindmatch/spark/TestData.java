package org.blindmatch.spark;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;

/**
 * Generated inputs for the Spark job's tests and benchmark: report events and watchlists
 * mixing IPv4 and IPv6 in every accepted notation, non-routable addresses and malformed
 * rows of every kind, from a fixed seed.
 */
public final class TestData {
  private TestData() {}

  /** A 3-tier scope: ip+hour, ip+day at v4 /24 and v6 /48, ip-only. */
  public static final String SCOPE = """
      scope: spark-test
      tiers:
        - {name: ip+hour, bucket_width: 1h, watchlist_tolerance: 30m}
        - {name: net+day, bucket_width: 1d, ipv4_prefix: 24, ipv6_prefix: 48}
        - {name: ip-only, bucket_width: none}
      """;

  private static final long START = Instant.parse("2026-03-01T00:00:00Z").getEpochSecond();

  /** Writes {@code rows} report events ({@code record_id,ip,timestamp}) to {@code csv}. */
  public static void reports(Path csv, long rows, long seed) throws IOException {
    Random r = new Random(seed);
    try (BufferedWriter w = new BufferedWriter(new java.io.OutputStreamWriter(
        Files.newOutputStream(csv), StandardCharsets.UTF_8), 1 << 16)) {
      w.write("record_id,ip,timestamp\n");
      long record = 0;
      for (long i = 0; i < rows; i++) {
        if (r.nextInt(3) != 0) {
          record++;
        }
        String id = "R-" + record;
        String time = Instant.ofEpochSecond(START + r.nextInt(14 * 86400)).toString();
        int kind = r.nextInt(100);
        if (kind < 2) {
          w.write(id + "," + badIp(r) + "," + time + "\n");
        } else if (kind < 4) {
          w.write(id + "," + ip(r) + "," + (r.nextBoolean() ? "2026-02-30T10:00:00Z"
              : "yesterday") + "\n");
        } else if (kind < 5) {
          w.write(id + "," + ip(r) + "\n"); // missing field
        } else if (kind < 6) {
          w.write("," + ip(r) + "," + time + "\n"); // empty record id
        } else if (kind < 9) {
          w.write(id + "," + nonRoutable(r) + "," + time + "\n");
        } else if (kind < 10) {
          w.write(id + "," + ip(r) + ",\n"); // empty timestamp
        } else {
          w.write(id + "," + ip(r) + "," + time + "\n");
        }
      }
    }
  }

  /** A global address from a small pool (so events repeat), in varied notation. */
  static String ip(Random r) {
    int n = r.nextInt(2000);
    if (n % 4 != 0) {
      String v4 = "45." + (77 + n % 3) + "." + (n / 16 % 250) + "." + (1 + n % 200);
      return switch (r.nextInt(5)) {
        case 0 -> v4 + ":" + (1024 + r.nextInt(60000));
        case 1 -> "::ffff:" + v4;
        case 2 -> " " + v4 + " ";
        default -> v4;
      };
    }
    String v6 = "2a03:2880:" + Integer.toHexString(n % 7) + ":" + Integer.toHexString(n % 97)
        + "::" + Integer.toHexString(1 + n);
    return switch (r.nextInt(4)) {
      case 0 -> "[" + v6 + "]:443";
      case 1 -> v6.toUpperCase(java.util.Locale.ROOT);
      default -> v6;
    };
  }

  private static String badIp(Random r) {
    return switch (r.nextInt(5)) {
      case 0 -> "010.1.2.3";
      case 1 -> "example.org";
      case 2 -> "fe80::1%eth0";
      case 3 -> "1.2.3";
      default -> "2a03::1::2";
    };
  }

  private static String nonRoutable(Random r) {
    return switch (r.nextInt(5)) {
      case 0 -> "10.1.2." + r.nextInt(250);
      case 1 -> "192.168.0.1";
      case 2 -> "100.64.3.4";
      case 3 -> "::1";
      default -> "fd00::" + r.nextInt(999);
    };
  }

  /** Writes a watchlist ({@code label,ip,start,end}) of {@code rows} rows to {@code csv}. */
  public static void watchlist(Path csv, int rows, long seed) throws IOException {
    Random r = new Random(seed);
    StringBuilder b = new StringBuilder("label,ip,start,end\n");
    for (int i = 0; i < rows; i++) {
      String label = "\"Compound " + (char) ('A' + r.nextInt(8)) + ", site " + r.nextInt(3)
          + "\"";
      long s = START + r.nextInt(14 * 86400);
      String start = Instant.ofEpochSecond(s).toString();
      String end = Instant.ofEpochSecond(s + r.nextInt(6 * 3600)).toString();
      int kind = r.nextInt(20);
      String ip = switch (kind) {
        case 0 -> "45.77." + r.nextInt(20) + ".0/30";
        case 1 -> "2a03:2880:1:" + Integer.toHexString(r.nextInt(97)) + "::/126";
        case 2 -> "45.77.1.1/30"; // host bits set
        case 3 -> "10.0.0.0/8";
        case 4 -> "46.0.0.0/7"; // over the CIDR cap of every tier (net+day: 2^17 /24s)
        default -> ip(r);
      };
      if (kind == 5) {
        String t = start;
        start = end;
        end = Instant.ofEpochSecond(s - 7200).toString(); // reversed window
        b.append(label).append(',').append(ip).append(',').append(t).append(',').append(end)
            .append('\n');
        continue;
      }
      if (kind == 6) {
        end = "";
      }
      if (kind == 7) {
        // 40 days: over ip+hour's default cap of 744 buckets, within the other tiers'
        end = Instant.ofEpochSecond(s + 40 * 86400).toString();
      }
      b.append(label).append(',').append(ip).append(',').append(start).append(',').append(end)
          .append('\n');
    }
    Files.writeString(csv, b.toString());
  }
}
