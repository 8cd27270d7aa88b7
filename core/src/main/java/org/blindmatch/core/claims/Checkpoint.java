package org.blindmatch.core.claims;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import org.blindmatch.crypto.merkle.MerkleHash;

/**
 * The body of a C2SP checkpoint (c2sp.org/tlog-checkpoint): origin, tree size and root hash,
 * one line each. blindmatch writes no extension lines and refuses notes that carry any.
 * Immutable, thread-safe.
 *
 * @param origin the log's origin line ({@link Checkpoints#origin})
 * @param size the number of entries
 * @param rootHash the RFC 9162 root at {@code size} (32 bytes)
 */
public record Checkpoint(String origin, long size, byte[] rootHash) {
  public Checkpoint {
    if (size < 0 || rootHash.length != MerkleHash.HASH_LENGTH) {
      throw new IllegalArgumentException("a checkpoint has a size >= 0 and a 32-byte root");
    }
    rootHash = rootHash.clone();
  }

  @Override
  public byte[] rootHash() {
    return rootHash.clone();
  }

  /** The note text: {@code origin \n size \n base64(root) \n}. */
  public String body() {
    return origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(rootHash) + "\n";
  }

  /** The root in hex, for messages. */
  public String rootHex() {
    return HexFormat.of().formatHex(rootHash);
  }

  /** Same origin, size and root. */
  public boolean sameAs(Checkpoint o) {
    return origin.equals(o.origin) && size == o.size
        && MessageDigest.isEqual(rootHash, o.rootHash);
  }

  /**
   * Parses a note text as a checkpoint body.
   *
   * @throws ClaimVerificationException if it is not exactly three lines of origin, canonical
   *     decimal size and base64 32-byte root
   */
  public static Checkpoint parse(String text) throws ClaimVerificationException {
    if (!text.endsWith("\n")) {
      throw bad("the text does not end in a newline");
    }
    String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
    if (lines.length < 3) {
      throw bad("it has " + lines.length + " lines, not origin, size and root");
    }
    if (lines.length > 3) {
      throw bad("it has extension lines, which blindmatch checkpoints never carry");
    }
    if (lines[0].isEmpty()) {
      throw bad("the origin line is empty");
    }
    if (!lines[1].matches("0|[1-9][0-9]{0,18}")) {
      throw bad("the size line '" + lines[1] + "' is not a decimal without leading zeros");
    }
    long size;
    try {
      size = Long.parseLong(lines[1]);
    } catch (NumberFormatException e) {
      throw bad("the size " + lines[1] + " exceeds 2^63 - 1");
    }
    byte[] root;
    try {
      root = Base64.getDecoder().decode(lines[2]);
    } catch (IllegalArgumentException e) {
      throw bad("the root hash line is not standard base64");
    }
    if (root.length != MerkleHash.HASH_LENGTH) {
      throw bad("the root hash has " + root.length + " bytes, not " + MerkleHash.HASH_LENGTH);
    }
    return new Checkpoint(lines[0], size, root);
  }

  private static ClaimVerificationException bad(String why) {
    return new ClaimVerificationException("malformed checkpoint: " + why);
  }
}
