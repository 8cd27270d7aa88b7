package org.blindmatch.crypto.tokenfile;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The header of a v1 token file ({@code docs/PROTOCOL.md} §4). Immutable.
 *
 * <pre>
 * off  len field
 *   0    8 magic "BMTOKENS"
 *   8    2 format version = 1
 *  10    2 header length H = 77 + 9n
 *  12    1 role: 1 report, 2 watchlist
 *  13    1 key mode: 1 hmac, 2 oprf
 *  14    2 record width = 33
 *  16   32 scope digest
 *  48    4 key id (hmac: Tink key id; oprf: key epoch)
 *  52    8 record count
 *  60    8 input rows read
 *  68    8 input rows skipped
 *  76    1 tier count n
 *  77   9n per tier: tier number (1), token count (8)
 * </pre>
 * All integers unsigned big-endian.
 *
 * @param role which side of the match the file is
 * @param mode how tokens were keyed
 * @param scopeDigest 32 bytes
 * @param keyId key id or epoch
 * @param records number of body records
 * @param rowsRead input data rows read
 * @param rowsSkipped input rows that produced no token (each with a reason in the summary)
 * @param tiers per-tier token counts, in tier-number order
 */
public record TokenFileHeader(
    Role role,
    KeyMode mode,
    byte[] scopeDigest,
    int keyId,
    long records,
    long rowsRead,
    long rowsSkipped,
    List<TierCount> tiers) {

  /** File magic. */
  public static final byte[] MAGIC = "BMTOKENS".getBytes(StandardCharsets.US_ASCII);
  /** Format version written by this code. */
  public static final int FORMAT_VERSION = 1;
  /** Fixed-size part of the header. */
  public static final int FIXED_LENGTH = 77;
  /** Bytes per tier entry. */
  public static final int TIER_ENTRY_LENGTH = 9;

  /** Which side of a match a file is. */
  public enum Role {
    REPORT(1),
    WATCHLIST(2);

    private final int code;

    Role(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }

    static Role of(int code) throws TokenFileException {
      for (Role r : values()) {
        if (r.code == code) {
          return r;
        }
      }
      throw new TokenFileException("unknown role code " + code);
    }
  }

  /** How tokens were keyed. */
  public enum KeyMode {
    HMAC(1),
    OPRF(2);

    private final int code;

    KeyMode(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }

    static KeyMode of(int code) throws TokenFileException {
      for (KeyMode m : values()) {
        if (m.code == code) {
          return m;
        }
      }
      throw new TokenFileException("unknown key mode code " + code);
    }
  }

  /** Tokens written for one tier. */
  public record TierCount(int tierNumber, long tokens) {}

  public TokenFileHeader {
    if (scopeDigest.length != 32) {
      throw new IllegalArgumentException("scope digest must be 32 bytes");
    }
    if (tiers.isEmpty() || tiers.size() > 255) {
      throw new IllegalArgumentException("a token file covers 1..255 tiers");
    }
    scopeDigest = scopeDigest.clone();
    tiers = List.copyOf(tiers);
  }

  @Override
  public byte[] scopeDigest() {
    return scopeDigest.clone();
  }

  public String scopeDigestHex() {
    return HexFormat.of().formatHex(scopeDigest);
  }

  /** Encoded length of this header. */
  public int length() {
    return FIXED_LENGTH + TIER_ENTRY_LENGTH * tiers.size();
  }

  /** The header bytes. */
  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(length());
    b.put(MAGIC);
    b.putShort((short) FORMAT_VERSION);
    b.putShort((short) length());
    b.put((byte) role.code());
    b.put((byte) mode.code());
    b.putShort((short) TokenRecord.LENGTH);
    b.put(scopeDigest);
    b.putInt(keyId);
    b.putLong(records);
    b.putLong(rowsRead);
    b.putLong(rowsSkipped);
    b.put((byte) tiers.size());
    for (TierCount t : tiers) {
      b.put((byte) t.tierNumber());
      b.putLong(t.tokens());
    }
    return b.array();
  }

  /**
   * Decodes a header from the start of {@code b}.
   *
   * @throws TokenFileException if it is not a v1 token file header
   */
  public static TokenFileHeader decode(ByteBuffer b) throws TokenFileException {
    if (b.remaining() < FIXED_LENGTH) {
      throw new TokenFileException("too short to be a token file");
    }
    byte[] magic = new byte[8];
    b.get(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new TokenFileException("not a blindmatch token file (bad magic)");
    }
    int version = Short.toUnsignedInt(b.getShort());
    if (version != FORMAT_VERSION) {
      throw new TokenFileException("token file format version " + version
          + " is not supported (this build reads version " + FORMAT_VERSION + ")");
    }
    int length = Short.toUnsignedInt(b.getShort());
    Role role = Role.of(b.get());
    KeyMode mode = KeyMode.of(b.get());
    int width = Short.toUnsignedInt(b.getShort());
    if (width != TokenRecord.LENGTH) {
      throw new TokenFileException("record width " + width + ", expected " + TokenRecord.LENGTH);
    }
    byte[] digest = new byte[32];
    b.get(digest);
    int keyId = b.getInt();
    long records = b.getLong();
    long read = b.getLong();
    long skipped = b.getLong();
    int n = Byte.toUnsignedInt(b.get());
    if (n == 0 || length != FIXED_LENGTH + TIER_ENTRY_LENGTH * n) {
      throw new TokenFileException("inconsistent header length " + length + " for " + n
          + " tiers");
    }
    if (b.remaining() < TIER_ENTRY_LENGTH * n) {
      throw new TokenFileException("truncated header");
    }
    TierCount[] tiers = new TierCount[n];
    long sum = 0;
    for (int i = 0; i < n; i++) {
      tiers[i] = new TierCount(Byte.toUnsignedInt(b.get()), b.getLong());
      sum += tiers[i].tokens();
    }
    if (records < 0 || sum != records) {
      throw new TokenFileException("per-tier counts add up to " + sum + ", header says "
          + records + " records");
    }
    return new TokenFileHeader(role, mode, digest, keyId, records, read, skipped,
        List.of(tiers));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TokenFileHeader h && Arrays.equals(h.encode(), encode());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encode());
  }
}
