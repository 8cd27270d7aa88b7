package org.blindmatch.crypto.tokenfile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One submission written as several part token files (by a distributed job such as the
 * Spark tokenizer): a directory holding the parts and a {@code MANIFEST} that lists each
 * part's name and record count ({@code docs/PROTOCOL.md} §8). Each part is a complete v1
 * token file; the set stands for one token file whose records are the union of the parts'
 * and whose header is their sum. Immutable once opened.
 */
public final class TokenFileSet {
  /** Name of the manifest inside the directory. */
  public static final String MANIFEST = "MANIFEST";
  /** First line of a manifest. */
  public static final String MAGIC = "blindmatch-token-parts v1";
  private static final Pattern PART_NAME = Pattern.compile("[A-Za-z0-9._-]+\\.bmt");

  private final List<Path> parts;
  private final TokenFileHeader header;

  private TokenFileSet(List<Path> parts, TokenFileHeader header) {
    this.parts = List.copyOf(parts);
    this.header = header;
  }

  /**
   * The manifest text for parts named {@code name → record count}, in the given order.
   *
   * @throws IllegalArgumentException if a name is not a plain {@code *.bmt} file name
   */
  public static String manifest(Map<String, Long> parts) {
    StringBuilder b = new StringBuilder(MAGIC).append('\n');
    for (Map.Entry<String, Long> e : parts.entrySet()) {
      if (!PART_NAME.matcher(e.getKey()).matches()) {
        throw new IllegalArgumentException("bad part name " + e.getKey());
      }
      b.append(e.getKey()).append(' ').append(e.getValue()).append('\n');
    }
    return b.toString();
  }

  /** Whether {@code dir} looks like a part directory (it holds a manifest). */
  public static boolean isSet(Path dir) {
    return Files.isDirectory(dir) && Files.isRegularFile(dir.resolve(MANIFEST));
  }

  /**
   * Opens a part directory: reads the manifest, checks that the directory holds exactly the
   * listed {@code *.bmt} parts, that each part's header is valid with the listed record
   * count and file length, and that all parts agree on role, key mode, scope, key id and
   * tiers. Part checksums are verified when the records are read.
   *
   * @throws TokenFileException naming the directory, part or manifest line at fault
   */
  public static TokenFileSet open(Path dir) throws IOException, TokenFileException {
    Path manifest = dir.resolve(MANIFEST);
    List<String> lines;
    try {
      lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new TokenFileException(dir + ": not a token part directory (no " + MANIFEST + ")");
    }
    if (lines.isEmpty() || !lines.get(0).equals(MAGIC)) {
      throw new TokenFileException(manifest + ":1: expected \"" + MAGIC + "\"");
    }
    Map<String, Long> listed = new LinkedHashMap<>();
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).split(" ", -1);
      long count = -1;
      if (f.length == 2 && PART_NAME.matcher(f[0]).matches()) {
        try {
          count = Long.parseLong(f[1]);
        } catch (NumberFormatException e) {
          count = -1;
        }
      }
      if (count < 0) {
        throw new TokenFileException(manifest + ":" + (i + 1)
            + ": expected \"<part>.bmt <record count>\"");
      }
      if (listed.put(f[0], count) != null) {
        throw new TokenFileException(manifest + ":" + (i + 1) + ": part " + f[0]
            + " listed twice");
      }
    }
    if (listed.isEmpty()) {
      throw new TokenFileException(manifest + ": lists no parts");
    }
    Set<String> present = new HashSet<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.bmt")) {
      for (Path p : s) {
        present.add(p.getFileName().toString());
      }
    }
    for (String name : listed.keySet()) {
      if (!present.remove(name)) {
        throw new TokenFileException(dir + ": part " + name + " is listed in " + MANIFEST
            + " but missing");
      }
    }
    if (!present.isEmpty()) {
      throw new TokenFileException(dir + ": " + present.iterator().next() + " is not listed in "
          + MANIFEST + " (a stray or partial output?)");
    }
    List<Path> parts = new ArrayList<>();
    TokenFileHeader sum = null;
    for (Map.Entry<String, Long> e : listed.entrySet()) {
      Path part = dir.resolve(e.getKey());
      TokenFileHeader h;
      try (TokenFileReader r = TokenFileReader.open(part)) {
        h = r.header();
      }
      if (h.records() != e.getValue()) {
        throw new TokenFileException(part + ": holds " + h.records() + " records, "
            + MANIFEST + " says " + e.getValue());
      }
      sum = sum == null ? h : add(sum, h, part);
      parts.add(part);
    }
    return new TokenFileSet(parts, sum);
  }

  private static TokenFileHeader add(TokenFileHeader a, TokenFileHeader b, Path part)
      throws TokenFileException {
    if (a.role() != b.role() || a.mode() != b.mode() || a.keyId() != b.keyId()
        || !Arrays.equals(a.scopeDigest(), b.scopeDigest())
        || a.tiers().size() != b.tiers().size()) {
      throw new TokenFileException(part + ": role, key mode, scope, key id or tiers differ "
          + "from the other parts");
    }
    List<TokenFileHeader.TierCount> tiers = new ArrayList<>();
    for (int i = 0; i < a.tiers().size(); i++) {
      TokenFileHeader.TierCount x = a.tiers().get(i);
      TokenFileHeader.TierCount y = b.tiers().get(i);
      if (x.tierNumber() != y.tierNumber()) {
        throw new TokenFileException(part + ": tiers differ from the other parts");
      }
      tiers.add(new TokenFileHeader.TierCount(x.tierNumber(), x.tokens() + y.tokens()));
    }
    return new TokenFileHeader(a.role(), a.mode(), a.scopeDigest(), a.keyId(),
        a.records() + b.records(), a.rowsRead() + b.rowsRead(),
        a.rowsSkipped() + b.rowsSkipped(), tiers);
  }

  /** The part files, in manifest order. */
  public List<Path> parts() {
    return parts;
  }

  /** The parts' headers summed: what one token file holding every record would say. */
  public TokenFileHeader header() {
    return header;
  }
}
