package org.blindmatch.cli.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/** One scrape of a server's {@code /metrics} port over HTTP, with series lookup by labels. */
record MetricsScrape(String text) {
  static final HttpClient HTTP = HttpClient.newHttpClient();

  /** GETs {@code http://127.0.0.1:port/metrics} and asserts status 200. */
  static MetricsScrape of(int port) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return new MetricsScrape(r.body());
  }

  /**
   * The value of the one series named {@code name} carrying every {@code label="value"} pair
   * given (as alternating label, value), or 0 if there is none; more than one match fails.
   */
  double value(String name, String... labels) {
    List<String> found = new ArrayList<>();
    for (String line : text.lines().toList()) {
      if (line.startsWith("#") || !(line.startsWith(name + " ") || line.startsWith(name + "{"))) {
        continue;
      }
      boolean all = true;
      for (int i = 0; i < labels.length; i += 2) {
        all &= line.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
      }
      if (all) {
        found.add(line);
      }
    }
    if (found.isEmpty()) {
      return 0;
    }
    assertEquals(1, found.size(), () -> "one series " + name + " " + List.of(labels) + ": "
        + found);
    String line = found.get(0);
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }
}
