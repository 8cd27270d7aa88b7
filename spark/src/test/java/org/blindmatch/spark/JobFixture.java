package org.blindmatch.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.blindmatch.crypto.keys.EncryptedKeysetFile;
import org.blindmatch.crypto.keys.PassphraseKdf;
import org.blindmatch.crypto.keys.TokenKeyset;
import org.blindmatch.crypto.tokenfile.TokenFileHeader;
import org.blindmatch.crypto.tokenfile.TokenFileReader;
import org.blindmatch.crypto.tokenfile.TokenFileSet;
import org.blindmatch.crypto.tokenfile.TokenRecord;

/** Files for one job test: scope, encrypted keyset, passphrase; and readers of outputs. */
public final class JobFixture {
  public static final String PASS = "spark job test passphrase";
  private static final HexFormat HEX = HexFormat.of();

  public final Path dir;
  public final Path scope;
  public final Path keyset;
  public final Path passphrase;

  public JobFixture(Path dir) throws Exception {
    this(dir, null, null);
  }

  /** Uses an existing scope and keyset (a federation's), or new ones when null. */
  public JobFixture(Path dir, Path scope, Path keyset) throws Exception {
    this.dir = dir;
    passphrase = dir.resolve("passphrase.txt");
    Files.writeString(passphrase, PASS + "\n");
    if (scope == null) {
      scope = dir.resolve("scope.yaml");
      Files.writeString(scope, TestData.SCOPE);
    }
    if (keyset == null) {
      keyset = dir.resolve("token-keys.json");
      EncryptedKeysetFile.write(keyset, TokenKeyset.generate(), TokenKeyset.PURPOSE,
          PASS.toCharArray(), PassphraseKdf.withRandomSalt(), true);
    }
    this.scope = scope;
    this.keyset = keyset;
  }

  /** Writes a job configuration; {@code extra} is appended YAML. */
  public Path config(String name, String role, Path input, String format, Path output,
      String extra) throws IOException {
    Path cfg = dir.resolve(name);
    Files.writeString(cfg, "role: " + role + "\n"
        + "input: {path: '" + input + "', format: " + format + "}\n"
        + "scope: '" + scope + "'\nkeyset: '" + keyset + "'\npassphrase_file: '" + passphrase
        + "'\noutput: '" + output + "'\n" + extra);
    return cfg;
  }

  /** The CLI's mapping file as handle (hex) → id. */
  public static Map<String, String> cliMapping(Path csv) throws IOException {
    Map<String, String> m = new HashMap<>();
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    for (String line : lines.subList(1, lines.size())) {
      String id = line.substring(33);
      if (id.startsWith("\"")) {
        id = id.substring(1, id.length() - 1).replace("\"\"", "\"");
      }
      String old = m.put(line.substring(0, 32), id);
      if (old != null) {
        assertEquals(old, id, "one handle, one id");
      }
    }
    return m;
  }

  /** The job's Parquet mapping as handle (hex) → id. */
  public static Map<String, String> jobMapping(Path dir) {
    Map<String, String> m = new HashMap<>();
    for (Row r : LocalSpark.session().read().parquet(dir.toString()).collectAsList()) {
      String old = m.put(r.getString(0), r.getString(1));
      if (old != null && !old.equals(r.getString(1))) {
        throw new AssertionError("handle " + r.getString(0) + " maps to two ids");
      }
    }
    return m;
  }

  /** Every record of the files, in file order. */
  public static byte[] records(List<Path> files) throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] buf = new byte[4096 * TokenRecord.LENGTH];
    for (Path f : files) {
      try (TokenFileReader r = TokenFileReader.open(f)) {
        int n;
        while ((n = r.next(buf, 4096)) > 0) {
          out.write(buf, 0, n * TokenRecord.LENGTH);
        }
        if (r.header().records() == 0) {
          r.verify();
        }
      }
    }
    return out.toByteArray();
  }

  /**
   * The records with each handle replaced through {@code from} (handle → id) and {@code to}
   * (id → handle), sorted ascending by their 33 bytes: the canonical order of a submission.
   */
  public static byte[] canonical(byte[] records, Map<String, String> from,
      Map<String, String> to) {
    int n = records.length / TokenRecord.LENGTH;
    List<byte[]> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byte[] r = Arrays.copyOfRange(records, i * TokenRecord.LENGTH,
          (i + 1) * TokenRecord.LENGTH);
      String handle = HEX.formatHex(r, TokenRecord.HANDLE_OFFSET,
          TokenRecord.HANDLE_OFFSET + 16);
      String id = from.get(handle);
      if (id == null) {
        throw new AssertionError("handle " + handle + " is not in its mapping");
      }
      String target = to.get(id);
      if (target == null) {
        throw new AssertionError("id " + id + " has no handle in the other mapping");
      }
      System.arraycopy(HEX.parseHex(target), 0, r, TokenRecord.HANDLE_OFFSET, 16);
      list.add(r);
    }
    list.sort(Arrays::compareUnsigned);
    byte[] out = new byte[records.length];
    for (int i = 0; i < n; i++) {
      System.arraycopy(list.get(i), 0, out, i * TokenRecord.LENGTH, TokenRecord.LENGTH);
    }
    return out;
  }

  /** id → handle. */
  public static Map<String, String> invert(Map<String, String> m) {
    Map<String, String> inv = new HashMap<>();
    m.forEach((h, id) -> {
      if (inv.put(id, h) != null) {
        throw new AssertionError("id " + id + " has two handles");
      }
    });
    return inv;
  }

  /** The per-reason skip counts of the CLI's tokenize summary. */
  public static Map<String, Long> cliSkips(String summary) {
    Map<String, Long> m = new LinkedHashMap<>();
    boolean in = false;
    for (String line : summary.split("\n")) {
      if (line.startsWith("rows skipped")) {
        in = true;
      } else if (in && line.startsWith("  ")) {
        String[] f = line.trim().split("\\s+");
        m.put(f[0], Long.parseLong(f[1]));
      } else {
        in = false;
      }
    }
    return m;
  }

  /** The summary's per-tier lines: from "tier skips" or "labels without…" to "tokens". */
  public static java.util.List<String> tierSummary(String summary) {
    java.util.List<String> lines = new java.util.ArrayList<>();
    boolean in = false;
    for (String line : summary.split("\n")) {
      if (line.startsWith("tier skips") || line.startsWith("labels without a token")) {
        in = true;
      } else if (line.startsWith("tokens")) {
        in = false;
      }
      if (in) {
        lines.add(line);
      }
    }
    return lines;
  }

  /** The header of the part set written by the job. */
  public static TokenFileHeader setHeader(Path tokens) throws Exception {
    return TokenFileSet.open(tokens).header();
  }
}
