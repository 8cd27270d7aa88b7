package org.blindmatch.crypto.merkle;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The RFC 9162 §2.1.1 hash functions over SHA-256 with domain-separation prefixes: a leaf is
 * {@code SHA-256(0x00 ‖ data)}, an interior node {@code SHA-256(0x01 ‖ left ‖ right)}, and the
 * empty tree {@code SHA-256("")}. The prefixes keep a leaf from being passed off as a node.
 *
 * <p>Thread-safe: the public methods use a fresh {@link MessageDigest} per call. The
 * package-private overloads take the caller's digest so hot loops allocate nothing.
 */
public final class MerkleHash {
  /** Length in bytes of every hash: leaf, node and root. */
  public static final int HASH_LENGTH = 32;

  private static final byte LEAF_PREFIX = 0x00;
  private static final byte NODE_PREFIX = 0x01;

  private MerkleHash() {}

  /** Returns {@code MTH({}) = SHA-256("")}, the root of the empty tree. */
  public static byte[] emptyRoot() {
    return newDigest().digest();
  }

  /** Returns {@code SHA-256(0x00 ‖ data)}. */
  public static byte[] leafHash(byte[] data) {
    return leafHash(data, 0, data.length);
  }

  /**
   * Returns {@code SHA-256(0x00 ‖ data[off, off+len))}.
   *
   * @throws IndexOutOfBoundsException if the range is not within {@code data}
   */
  public static byte[] leafHash(byte[] data, int off, int len) {
    Objects.checkFromIndexSize(off, len, data.length);
    byte[] out = new byte[HASH_LENGTH];
    leafHash(newDigest(), data, off, len, out, 0);
    return out;
  }

  /**
   * Returns {@code SHA-256(0x01 ‖ left ‖ right)}.
   *
   * @throws IllegalArgumentException if either input is not {@value #HASH_LENGTH} bytes
   */
  public static byte[] nodeHash(byte[] left, byte[] right) {
    requireHashLength(left, "left child");
    requireHashLength(right, "right child");
    return nodeHash(newDigest(), left, right);
  }

  /** A new SHA-256 digest; every Java platform is required to provide one. */
  static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** Writes the leaf hash of {@code data[off, off+len)} to {@code out[outOff, outOff+32)}. */
  static void leafHash(MessageDigest md, byte[] data, int off, int len, byte[] out, int outOff) {
    md.update(LEAF_PREFIX);
    md.update(data, off, len);
    finish(md, out, outOff);
  }

  /**
   * Writes the node hash of the 32-byte children at {@code left[leftOff]} and
   * {@code right[rightOff]} to {@code out[outOff, outOff+32)}. The output may overlap either
   * input: both are consumed before the digest is written.
   */
  static void nodeHash(MessageDigest md, byte[] left, int leftOff, byte[] right, int rightOff,
      byte[] out, int outOff) {
    md.update(NODE_PREFIX);
    md.update(left, leftOff, HASH_LENGTH);
    md.update(right, rightOff, HASH_LENGTH);
    finish(md, out, outOff);
  }

  /** Returns the node hash of two 32-byte children in a new array. */
  static byte[] nodeHash(MessageDigest md, byte[] left, byte[] right) {
    byte[] out = new byte[HASH_LENGTH];
    nodeHash(md, left, 0, right, 0, out, 0);
    return out;
  }

  /** @throws IllegalArgumentException if {@code hash} is not {@value #HASH_LENGTH} bytes */
  static void requireHashLength(byte[] hash, String what) {
    if (hash.length != HASH_LENGTH) {
      throw new IllegalArgumentException(
          what + " has " + hash.length + " bytes, expected " + HASH_LENGTH);
    }
  }

  private static void finish(MessageDigest md, byte[] out, int outOff) {
    try {
      md.digest(out, outOff, HASH_LENGTH);
    } catch (DigestException e) {
      throw new IllegalStateException("SHA-256 digest failed", e);
    }
  }
}
