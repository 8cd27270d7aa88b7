package org.blindmatch.cli.demo;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic synthetic inputs for the demo: an NGO watchlist of 40 compound locations and
 * report events of several platforms, with matches planted on purpose — inside windows
 * (IP and time), outside them (IP only), on the tolerance boundary, and near misses one
 * bucket beyond it. Addresses are documentation-free routable space chosen for the demo.
 */
final class DemoData {
  static final String[] LOCATIONS = {
    "KK Park", "Shwe Kokko", "Myawaddy Dongmei", "Huanya", "Taizhang", "Saixigang",
    "Tai Chang", "Payathonzu", "Three Pagodas Pass", "Tachileik", "Golden Triangle SEZ",
    "Kings Romans", "Mong La", "Laukkai", "Bavet", "Chrey Thom", "Sihanoukville Otres",
    "Sihanoukville Ochheuteal", "Sihanoukville Jin Bei", "Sihanoukville Chinatown", "Poipet",
    "O'Smach", "Koh Kong", "Thmor Da", "Phnom Penh Chaomeng", "Phnom Penh Golden Fortune",
    "Kampot Bokor", "Svay Rieng Manhattan", "Tboung Khmum Bavet SEZ", "Pursat Chinatown",
    "Kandal Huione", "Kratie Border", "Stung Treng Border", "Ratanakiri Border",
    "Shan Wa Border", "Myawaddy KK North", "Myawaddy Apollo", "Myawaddy Gate 25",
    "Hpa-an Transit", "Mae Sot Crossing"};
  static final Instant BASE = Instant.parse("2026-03-01T00:00:00Z");
  static final long HOUR = 3600;
  /** The scope's watchlist tolerance (30 minutes). */
  static final long TOLERANCE = 1800;

  /** One watchlist row. */
  record Row(String label, String cidr, long start, long end) {}

  private DemoData() {}

  static List<Row> watchlist() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < LOCATIONS.length; i++) {
      long start = BASE.getEpochSecond() + (i % 10) * 86_400L + 6 * HOUR;
      long end = start + 3 * 86_400L;
      rows.add(new Row(LOCATIONS[i], v4Network(i) + "/30", start, end));
      if (i % 4 == 0) {
        rows.add(new Row(LOCATIONS[i], v6Network(i) + "/64", start, end));
      }
    }
    return rows;
  }

  static String v4Network(int i) {
    return "103." + (20 + i) + "." + ((7 * i) % 256) + "." + ((i * 4) % 256);
  }

  static String v6Network(int i) {
    return "2406:da00:" + Integer.toHexString(0x100 + i) + ":1::";
  }

  static void writeWatchlist(Path file, List<Row> rows) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("label,ip,start,end\n");
      for (Row r : rows) {
        w.write(quote(r.label()) + "," + r.cidr() + "," + Instant.ofEpochSecond(r.start())
            + "," + Instant.ofEpochSecond(r.end()) + "\n");
      }
    }
  }

  /**
   * Writes a platform's report CSV: {@code events} background events plus planted ones.
   * Background addresses avoid the watchlist networks (103.0.0.0/8 and 2406:da00::/32).
   */
  static void writeReports(Path file, String prefix, int events, long seed, List<Row> watch)
      throws IOException {
    SplittableRandom rnd = new SplittableRandom(seed);
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("record_id,ip,timestamp\n");
      int record = 0;
      int written = 0;
      while (written < events) {
        record++;
        int n = 1 + rnd.nextInt(4);
        for (int k = 0; k < n && written < events; k++, written++) {
          String ip = rnd.nextInt(10) == 0
              ? "2a01:" + Integer.toHexString(1 + rnd.nextInt(0xfff)) + ":"
                  + Integer.toHexString(rnd.nextInt(0xffff)) + "::" + (1 + rnd.nextInt(999))
              : (31 + rnd.nextInt(60)) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256) + "."
                  + (1 + rnd.nextInt(254));
          long t = BASE.getEpochSecond() + rnd.nextLong(31L * 86_400);
          w.write(id(prefix, record) + "," + ip + "," + Instant.ofEpochSecond(t) + "\n");
        }
      }
      // Planted: 14 records per platform over a rotating set of locations.
      for (int j = 0; j < 14; j++) {
        record++;
        // The first 8 go to four "hot" rows (every platform hits them, so their labels
        // reach k); the rest rotate over the others (their aggregates stay below k).
        Row r = j < 8 ? watch.get(2 * (j % 4))
            : watch.get((int) (8 + (seed * 7 + j * 3) % (watch.size() - 8)));
        String ip = hostIn(r.cidr(), j);
        long t;
        switch (j % 7) {
          case 0, 1, 2 -> t = r.start() + rnd.nextLong(r.end() - r.start()); // IP and time
          case 3 -> t = r.end() + TOLERANCE;                    // boundary: still matches
          case 4 -> t = r.start() - TOLERANCE - HOUR - 1;       // near miss: IP only
          case 5 -> t = r.end() + 10 * 86_400L;                 // IP only
          default -> t = r.start() - TOLERANCE;                 // boundary: still matches
        }
        String shown = r.cidr().contains(":") ? "[" + ip + "]:443" : ip + ":" + (1024 + j);
        w.write(id(prefix, record) + "," + shown + "," + Instant.ofEpochSecond(t) + "\n");
      }
    }
  }

  private static String hostIn(String cidr, int j) {
    String net = cidr.substring(0, cidr.indexOf('/'));
    if (net.contains(":")) {
      return net + Integer.toHexString(0x10 + j);
    }
    int dot = net.lastIndexOf('.');
    return net.substring(0, dot + 1) + (Integer.parseInt(net.substring(dot + 1)) + (j % 4));
  }

  private static String id(String prefix, int record) {
    return String.format("%s-%06d", prefix, record);
  }

  private static String quote(String s) {
    return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }
}
