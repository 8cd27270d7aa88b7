package org.blindmatch.crypto.merkle;

import static org.blindmatch.crypto.merkle.MerkleHash.HASH_LENGTH;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;

/**
 * Computes the RFC 9162 root {@code MTH(D[0:n])} of leaves appended one at a time, in O(log n)
 * memory, without keeping the leaves. For proofs use {@link MerkleTree}.
 *
 * <p>The state is a stack of the roots of the complete subtrees the leaves so far decompose
 * into: one per set bit of {@link #size()}, largest (leftmost) at the bottom, at most 64 of
 * them in a 2 KiB array allocated once. Appending a leaf pushes its hash and merges the top two
 * roots once per trailing one bit of the old size. One SHA-256 digest is reused, so appending
 * allocates nothing.
 *
 * <p>Not thread-safe.
 */
public final class StreamingMerkleRoot {
  private static final int MAX_SUBTREES = Long.SIZE;

  private final byte[] stack = new byte[MAX_SUBTREES * HASH_LENGTH];
  private final MessageDigest digest = MerkleHash.newDigest();
  private int depth;
  private long size;

  /**
   * Appends the leaf {@code data[off, off+len)}; its leaf hash is {@link
   * MerkleHash#leafHash(byte[], int, int)}.
   *
   * @throws IndexOutOfBoundsException if the range is not within {@code data}
   */
  public void addLeaf(byte[] data, int off, int len) {
    Objects.checkFromIndexSize(off, len, data.length);
    requireNotFull();
    MerkleHash.leafHash(digest, data, off, len, stack, depth * HASH_LENGTH);
    push();
  }

  /**
   * Appends a leaf given by its leaf hash.
   *
   * @throws IllegalArgumentException if {@code leafHash} is not {@value
   *     MerkleHash#HASH_LENGTH} bytes
   */
  public void addLeafHash(byte[] leafHash) {
    MerkleHash.requireHashLength(leafHash, "leaf hash");
    requireNotFull();
    System.arraycopy(leafHash, 0, stack, depth * HASH_LENGTH, HASH_LENGTH);
    push();
  }

  /**
   * The state to resume from with {@link #resume}: the roots of the complete subtrees of the
   * leaves so far, largest first, one per set bit of {@link #size()} (RFC 9162's compact range
   * of {@code [0, size)}).
   */
  public byte[][] frontier() {
    byte[][] out = new byte[depth][];
    for (int i = 0; i < depth; i++) {
      out[i] = Arrays.copyOfRange(stack, i * HASH_LENGTH, (i + 1) * HASH_LENGTH);
    }
    return out;
  }

  /**
   * Continues from a {@link #frontier()} of {@code size} leaves, so a verifier that kept it can
   * append later leaves without the earlier ones.
   *
   * @throws IllegalArgumentException if {@code size} is negative or the frontier does not hold
   *     one {@value MerkleHash#HASH_LENGTH}-byte hash per set bit of {@code size}
   */
  public static StreamingMerkleRoot resume(long size, byte[][] frontier) {
    if (size < 0 || frontier.length != Long.bitCount(size)) {
      throw new IllegalArgumentException("a frontier of " + size + " leaves has "
          + Long.bitCount(Math.max(size, 0)) + " hashes, not " + frontier.length);
    }
    StreamingMerkleRoot r = new StreamingMerkleRoot();
    for (byte[] h : frontier) {
      MerkleHash.requireHashLength(h, "frontier hash");
      System.arraycopy(h, 0, r.stack, r.depth * HASH_LENGTH, HASH_LENGTH);
      r.depth++;
    }
    r.size = size;
    return r;
  }

  /** Number of leaves appended so far. */
  public long size() {
    return size;
  }

  /**
   * Returns the root of the leaves appended so far ({@link MerkleHash#emptyRoot()} if none).
   * Does not change the state; appending may continue.
   */
  public byte[] root() {
    if (depth == 0) {
      return MerkleHash.emptyRoot();
    }
    // MTH nests the subtrees to the right: H(S1, H(S2, ... H(Sj-1, Sj))).
    byte[] acc = Arrays.copyOfRange(stack, (depth - 1) * HASH_LENGTH, depth * HASH_LENGTH);
    for (int i = depth - 2; i >= 0; i--) {
      MerkleHash.nodeHash(digest, stack, i * HASH_LENGTH, acc, 0, acc, 0);
    }
    return acc;
  }

  private void requireNotFull() {
    if (size == Long.MAX_VALUE) {
      throw new IllegalStateException("too many leaves");
    }
  }

  /** Takes the leaf hash just written above the top of the stack and merges it in. */
  private void push() {
    depth++;
    for (long s = size; (s & 1) == 1; s >>>= 1) {
      depth--;
      int left = (depth - 1) * HASH_LENGTH;
      MerkleHash.nodeHash(digest, stack, left, stack, depth * HASH_LENGTH, stack, left);
    }
    size++;
  }
}
