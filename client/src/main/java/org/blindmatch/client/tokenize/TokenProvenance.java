package org.blindmatch.client.tokenize;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.blindmatch.crypto.hash.Sha256;
import org.blindmatch.crypto.io.AtomicOutput;
import org.blindmatch.crypto.tokenfile.TokenFileException;
import org.blindmatch.crypto.tokenfile.TokenFileHeader;
import org.blindmatch.crypto.tokenfile.TokenFileHeader.KeyMode;
import org.blindmatch.crypto.tokenfile.TokenFileHeader.Role;
import org.blindmatch.crypto.tokenfile.TokenFileReader;

/**
 * What a token file and its mapping were made from, kept beside them in
 * {@code <tokens>.provenance} ({@code docs/PROTOCOL.md} §4.3): the role, the SHA-256 of the
 * input file, the scope digest, the key mode and key id (oprf: epoch), and fingerprints of
 * the two outputs (the token file's trailer, the mapping's SHA-256). It lets a re-run decide
 * "same input, scope and key: these outputs are still right" without re-tokenizing (which
 * would draw fresh handles, orphaning the mapping of a submission already committed, and in
 * oprf mode spend keyholder quota). It holds no token, key, address or id. Immutable.
 *
 * @param role report or watchlist
 * @param inputSha256 SHA-256 of the input file's bytes as read (compressed if it is)
 * @param scopeDigest the scope digest
 * @param mode the key mode
 * @param keyId the hmac key id or oprf epoch
 * @param tokensTrailer the token file's 32-byte trailer (a checksum of header and body)
 * @param mappingSha256 SHA-256 of the mapping file
 */
public record TokenProvenance(Role role, byte[] inputSha256, byte[] scopeDigest, KeyMode mode,
    int keyId, byte[] tokensTrailer, byte[] mappingSha256) {
  private static final String MAGIC = "blindmatch-token-provenance v1";
  private static final HexFormat HEX = HexFormat.of();

  public TokenProvenance {
    inputSha256 = inputSha256.clone();
    scopeDigest = scopeDigest.clone();
    tokensTrailer = tokensTrailer.clone();
    mappingSha256 = mappingSha256.clone();
  }

  /** What a run would make: the inputs of a provenance, without outputs yet. */
  public record Source(Role role, byte[] inputSha256, byte[] scopeDigest, KeyMode mode,
      int keyId) {
    public Source {
      inputSha256 = inputSha256.clone();
      scopeDigest = scopeDigest.clone();
    }
  }

  /** The provenance file of {@code tokens}. */
  public static Path fileOf(Path tokens) {
    return Path.of(tokens + ".provenance");
  }

  /** SHA-256 of a file's bytes, streamed. */
  public static byte[] sha256(Path file) throws IOException {
    MessageDigest md = Sha256.newDigest();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return md.digest();
  }

  /**
   * Describes outputs just written from {@code source}'s input.
   *
   * @throws TokenFileException if {@code tokens} is not a token file
   */
  public static TokenProvenance describe(byte[] inputSha256, Path tokens, Path mapping)
      throws IOException, TokenFileException {
    TokenFileHeader h;
    try (TokenFileReader r = TokenFileReader.open(tokens)) {
      h = r.header();
    }
    return new TokenProvenance(h.role(), inputSha256, h.scopeDigest(), h.mode(), h.keyId(),
        trailer(tokens), sha256(mapping));
  }

  /** Writes this provenance to {@code file} atomically. */
  public void write(Path file, boolean overwrite) throws IOException {
    String text = MAGIC + "\n"
        + "role " + role.name().toLowerCase(Locale.ROOT) + "\n"
        + "input-sha256 " + HEX.formatHex(inputSha256) + "\n"
        + "scope-sha256 " + HEX.formatHex(scopeDigest) + "\n"
        + "key-mode " + mode.name().toLowerCase(Locale.ROOT) + "\n"
        + "key-id " + Integer.toUnsignedString(keyId) + "\n"
        + "tokens-trailer " + HEX.formatHex(tokensTrailer) + "\n"
        + "mapping-sha256 " + HEX.formatHex(mappingSha256) + "\n";
    try (AtomicOutput out = AtomicOutput.create(file, overwrite)) {
      out.stream().write(text.getBytes(StandardCharsets.US_ASCII));
      out.commit();
    }
  }

  /**
   * Reads a provenance file.
   *
   * @throws InputException naming the file and what is wrong with it
   */
  public static TokenProvenance read(Path file) throws InputException, IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
    if (lines.isEmpty() || !lines.get(0).equals(MAGIC)) {
      throw new InputException(file + ": not a token provenance file (expected first line '"
          + MAGIC + "')");
    }
    Map<String, String> f = new LinkedHashMap<>();
    for (int i = 1; i < lines.size(); i++) {
      String[] kv = lines.get(i).split(" ", 2);
      if (kv.length != 2 || f.put(kv[0], kv[1]) != null) {
        throw new InputException(file + ": line " + (i + 1) + ": malformed or repeated field");
      }
    }
    try {
      return new TokenProvenance(
          Role.valueOf(field(f, "role", file).toUpperCase(Locale.ROOT)),
          hex32(f, "input-sha256", file), hex32(f, "scope-sha256", file),
          KeyMode.valueOf(field(f, "key-mode", file).toUpperCase(Locale.ROOT)),
          Integer.parseUnsignedInt(field(f, "key-id", file)),
          hex32(f, "tokens-trailer", file), hex32(f, "mapping-sha256", file));
    } catch (IllegalArgumentException e) {
      throw new InputException(file + ": malformed field: " + e.getMessage());
    }
  }

  /**
   * Decides whether the outputs {@code tokens} and {@code mapping} of an earlier run may stand
   * in for a run of {@code source}. Nothing is read beyond the provenance, the token file's
   * header and trailer, and the mapping.
   *
   * @return false if none of the two outputs and the provenance exists (a fresh run may write
   *     them); true if all three exist, are unchanged since they were made, and were made
   *     from the same input, scope, key mode, key id and role
   * @throws InputException otherwise, naming the files and the difference: the outputs may be
   *     the only way to read the results of a submission made from them, so they are neither
   *     reused nor replaced
   */
  public static boolean reusable(Source source, Path tokens, Path mapping)
      throws InputException, IOException {
    Path file = fileOf(tokens);
    boolean t = Files.exists(tokens);
    boolean m = Files.exists(mapping);
    boolean p = Files.exists(file);
    if (!t && !m && !p) {
      return false;
    }
    String keep = "; they may be the only way to read the results of a submission made from "
        + "them, so they are kept: move them away, or pass --force to replace them";
    if (!t || !m || !p) {
      List<String> present = new ArrayList<>();
      List<String> absent = new ArrayList<>();
      for (Path x : new Path[] {tokens, mapping, file}) {
        (Files.exists(x) ? present : absent).add(x.toString());
      }
      String asIs = t && m ? " (to submit them as they are: submit --tokens " + tokens + ")"
          : "";
      throw new InputException(String.join(" and ", present) + " exist from an earlier run but "
          + String.join(" and ", absent) + (absent.size() == 1 ? " does" : " do")
          + " not, so they cannot be checked against this input" + keep + asIs);
    }
    TokenProvenance recorded = read(file);
    TokenProvenance now;
    try {
      now = describe(recorded.inputSha256, tokens, mapping);
    } catch (TokenFileException e) {
      throw new InputException(tokens + ": " + e.getMessage() + keep);
    }
    String files = tokens + " and " + mapping;
    if (!Arrays.equals(now.tokensTrailer, recorded.tokensTrailer)
        || !Arrays.equals(now.mappingSha256, recorded.mappingSha256)) {
      throw new InputException(files + " changed since " + file + " recorded them" + keep);
    }
    List<String> diff = new ArrayList<>();
    if (recorded.role != source.role()) {
      diff.add("role " + name(recorded.role) + ", not " + name(source.role()));
    }
    if (!Arrays.equals(recorded.inputSha256, source.inputSha256())) {
      diff.add("another input (sha256 " + shortHex(recorded.inputSha256) + "…, this one is "
          + shortHex(source.inputSha256()) + "…)");
    }
    if (!Arrays.equals(recorded.scopeDigest, source.scopeDigest())) {
      diff.add("another scope (sha256 " + shortHex(recorded.scopeDigest) + "…, this one is "
          + shortHex(source.scopeDigest()) + "…)");
    }
    if (recorded.mode != source.mode() || recorded.keyId != source.keyId()) {
      diff.add("key " + name(recorded.mode) + " " + Integer.toUnsignedString(recorded.keyId)
          + ", not " + name(source.mode()) + " " + Integer.toUnsignedString(source.keyId()));
    }
    if (!diff.isEmpty()) {
      throw new InputException(files + " were made from " + String.join(", ", diff) + keep);
    }
    return true;
  }

  /** The first 6 bytes in hex, enough to tell two digests apart in a message. */
  public static String shortHex(byte[] digest) {
    return HEX.formatHex(digest, 0, 6);
  }

  private static String name(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  private static byte[] trailer(Path tokens) throws IOException {
    try (FileChannel ch = FileChannel.open(tokens, StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.allocate(Sha256.LENGTH);
      long pos = ch.size() - Sha256.LENGTH;
      while (b.hasRemaining()) {
        if (ch.read(b, pos + b.position()) < 0) {
          throw new IOException(tokens + ": shorter than its trailer");
        }
      }
      return b.array();
    }
  }

  private static String field(Map<String, String> f, String name, Path file)
      throws InputException {
    String v = f.get(name);
    if (v == null) {
      throw new InputException(file + ": missing field " + name);
    }
    return v;
  }

  private static byte[] hex32(Map<String, String> f, String name, Path file)
      throws InputException {
    byte[] b = HEX.parseHex(field(f, name, file));
    if (b.length != 32) {
      throw new InputException(file + ": " + name + " is not 32 bytes");
    }
    return b;
  }
}
