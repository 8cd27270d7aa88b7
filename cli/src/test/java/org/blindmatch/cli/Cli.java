package org.blindmatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.blindmatch.client.csv.CsvReader;
import org.blindmatch.crypto.tokenfile.TokenFileHeader;
import org.blindmatch.crypto.tokenfile.TokenFileReader;
import org.blindmatch.crypto.tokenfile.TokenRecord;

/** Test helpers: runs the CLI entry point in-process and reads what it wrote. */
final class Cli {
  static final String PASSPHRASE = "correct horse battery staple";
  private static final HexFormat HEX = HexFormat.of();

  private Cli() {}

  /** Exit status and the two streams of one CLI run. */
  record Result(int status, String out, String err) {
    Result expect(int expected) {
      assertEquals(expected, status,
          () -> "exit status\n--- stdout ---\n" + out + "--- stderr ---\n" + err);
      return this;
    }

    Result ok() {
      return expect(0);
    }

    String all() {
      return out + err;
    }
  }

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = BlindmatchCli.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Result(status, out.toString(), err.toString());
  }

  /** The repository root (holds examples/ and docs/). */
  static Path repoRoot() {
    String prop = System.getProperty("blindmatch.repo.root");
    if (prop != null && Files.isRegularFile(Path.of(prop, "examples", "scope.yaml"))) {
      return Path.of(prop);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("examples").resolve("scope.yaml"))) {
        return p;
      }
    }
    throw new IllegalStateException("cannot find the repository root (examples/scope.yaml)");
  }

  static Path example(String name) {
    return repoRoot().resolve("examples").resolve(name);
  }

  static Path passphraseFile(Path dir) throws IOException {
    Path p = dir.resolve("passphrase.txt");
    if (!Files.exists(p)) {
      Files.writeString(p, PASSPHRASE + "\n", StandardCharsets.UTF_8);
    }
    return p;
  }

  /** Creates a keyset with {@code keys new}; returns its path. */
  static Path newKeyset(Path dir, String name) throws IOException {
    Path keyset = dir.resolve(name);
    run("keys", "new", "--out", keyset.toString(), "--passphrase-file",
        passphraseFile(dir).toString()).ok();
    return keyset;
  }

  /** The id of the primary key, as printed by {@code keys show}. */
  static String primaryKeyId(Path keyset, Path passphraseFile) {
    Result r = run("keys", "show", "--keyset", keyset.toString(), "--passphrase-file",
        passphraseFile.toString()).ok();
    return keyIds(r.out(), true).get(0);
  }

  /** Key ids listed by {@code keys ...} output, all or only the primary. */
  static List<String> keyIds(String output, boolean primaryOnly) {
    Matcher m = Pattern.compile("(?m)^\\s+key (\\d+)\\s+(primary|-)\\s").matcher(output);
    List<String> ids = new ArrayList<>();
    while (m.find()) {
      if (!primaryOnly || m.group(2).equals("primary")) {
        ids.add(m.group(1));
      }
    }
    if (ids.isEmpty()) {
      fail("no key listed in:\n" + output);
    }
    return ids;
  }

  /** The digest printed by {@code scope FILE}, hex without the sha256: prefix. */
  static String scopeDigest(Path scope) {
    Result r = run("scope", scope.toString()).ok();
    Matcher m = Pattern.compile("(?m)^digest sha256:([0-9a-f]{64})$").matcher(r.out());
    assertTrue(m.find(), r.out());
    return m.group(1);
  }

  static Path write(Path file, String content) throws IOException {
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  static Path gzip(Path plain, Path gz) throws IOException {
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(plain, o);
    }
    return gz;
  }

  static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  /** One body record of a token file. */
  record Rec(String token, String handle, int tier) {}

  /** A token file read back in full (checksum verified). */
  record TokenFile(TokenFileHeader header, List<Rec> records) {
    List<String> sortedTokens(int tier) {
      return records.stream().filter(r -> r.tier() == tier).map(Rec::token).sorted().toList();
    }
  }

  static TokenFile readTokens(Path file) throws Exception {
    List<Rec> recs = new ArrayList<>();
    try (TokenFileReader reader = TokenFileReader.open(file)) {
      byte[] buf = new byte[256 * TokenRecord.LENGTH];
      int n;
      while ((n = reader.next(buf, 256)) > 0) {
        for (int i = 0; i < n; i++) {
          int off = i * TokenRecord.LENGTH;
          recs.add(new Rec(
              HEX.formatHex(buf, off + TokenRecord.TOKEN_OFFSET,
                  off + TokenRecord.TOKEN_OFFSET + TokenRecord.TOKEN_LENGTH),
              HEX.formatHex(buf, off + TokenRecord.HANDLE_OFFSET,
                  off + TokenRecord.HANDLE_OFFSET + TokenRecord.TOKEN_LENGTH),
              buf[off + TokenRecord.TIER_OFFSET] & 0xff));
        }
      }
      assertEquals(reader.header().records(), recs.size());
      return new TokenFile(reader.header(), recs);
    }
  }

  /**
   * Reads a mapping file: checks its header and that every line for a handle carries the
   * same id; returns handle to id.
   */
  static Map<String, String> readMapping(Path file, String idColumn) throws Exception {
    Map<String, String> map = new HashMap<>();
    try (CsvReader csv = new CsvReader(
        new ByteArrayInputStream(Files.readAllBytes(file)), file.toString())) {
      assertTrue(csv.next(), "mapping has a header");
      assertEquals(2, csv.fieldCount());
      assertEquals("handle", csv.field(0));
      assertEquals(idColumn, csv.field(1));
      while (csv.next()) {
        assertEquals(2, csv.fieldCount(), "mapping line " + csv.line());
        String handle = csv.field(0);
        assertTrue(handle.matches("[0-9a-f]{32}"), handle);
        String id = csv.field(1);
        String before = map.putIfAbsent(handle, id);
        if (before != null) {
          assertEquals(before, id, "handle " + handle + " maps to two ids");
        }
      }
    }
    return map;
  }

  static boolean containsBytes(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
