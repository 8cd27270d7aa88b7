package org.blindmatch.client.tokenize;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.blindmatch.client.csv.CsvReader;
import org.blindmatch.crypto.io.Excerpt;

/** Locates required columns by header name (case-insensitive, surrounding spaces ignored). */
final class Columns {
  private Columns() {}

  /**
   * Reads the header of {@code csv} and returns the index of each required column, in order.
   *
   * @throws InputException if the header is missing, repeats a name, or lacks a column
   */
  static int[] require(CsvReader csv, String source, String... names) throws InputException {
    String expected = String.join(",", names);
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < csv.fieldCount(); i++) {
      String name = csv.field(i).trim().toLowerCase(Locale.ROOT);
      if (index.put(name, i) != null && !name.isEmpty()) {
        throw new InputException(source + ":" + csv.line() + ": header names column " + Excerpt.quote(name)
            + " twice");
      }
    }
    int[] out = new int[names.length];
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      Integer at = index.get(names[i]);
      if (at == null) {
        missing.add(names[i]);
      } else {
        out[i] = at;
      }
    }
    if (!missing.isEmpty()) {
      throw new InputException(source + ":" + csv.line() + ": header lacks column"
          + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing) + " (expected a header "
          + "line with " + expected + "; other columns are ignored)");
    }
    return out;
  }

  /** The number of fields a row needs to reach every required column. */
  static int width(int[] columns) {
    int max = 0;
    for (int c : columns) {
      max = Math.max(max, c + 1);
    }
    return max;
  }
}
