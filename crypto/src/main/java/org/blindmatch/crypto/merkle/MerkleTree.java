package org.blindmatch.crypto.merkle;

import static org.blindmatch.crypto.merkle.MerkleHash.HASH_LENGTH;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An append-only RFC 9162 Merkle tree held in memory, which answers for the current size or
 * any earlier one: the root {@code MTH(D[0:size])} (§2.1.1), inclusion proofs
 * {@code PATH} (§2.1.3.1) and consistency proofs {@code PROOF}/{@code SUBPROOF} (§2.1.4.1).
 *
 * <p>The tree keeps every complete, aligned subtree hash: level 0 holds the leaf hashes, level
 * {@code k} the hashes of leaves {@code [j·2^k, (j+1)·2^k)}. Every subtree the RFC recursion
 * names is either one of those or a right-border range made of at most 63 of them, and a proof
 * contains at most one right-border range, so a root or proof costs O(log n) lookups and
 * hashes. Memory is about 64 bytes per leaf.
 *
 * <p>Proofs verify with {@link MerkleVerifier}. Methods throw {@link IllegalArgumentException}
 * for sizes or indices out of range and for hashes that are not {@value
 * MerkleHash#HASH_LENGTH} bytes; returned hashes are fresh arrays.
 *
 * <p>Not thread-safe for writers: {@link #append} needs exclusive access. The read methods
 * ({@link #size}, {@link #root}, {@link #inclusionProof}, {@link #consistencyProof}) do not
 * modify the tree and may run concurrently with each other while no append runs (for example
 * under a {@link java.util.concurrent.locks.ReadWriteLock}).
 */
public final class MerkleTree {
  private final List<HashStore> levels = new ArrayList<>();
  private final MessageDigest appendDigest = MerkleHash.newDigest();
  private final byte[] children = new byte[2 * HASH_LENGTH];
  private final byte[] parent = new byte[HASH_LENGTH];
  private long size;

  /** Creates an empty tree. */
  public MerkleTree() {
    levels.add(new HashStore());
  }

  /**
   * Builds a tree from {@code source.leafHash(0) … source.leafHash(source.size() - 1)}.
   *
   * @throws IllegalArgumentException if a leaf hash is not {@value MerkleHash#HASH_LENGTH}
   *     bytes
   */
  public static MerkleTree of(LeafHashSource source) {
    MerkleTree tree = new MerkleTree();
    long n = source.size();
    for (long i = 0; i < n; i++) {
      tree.append(Objects.requireNonNull(source.leafHash(i), "leaf hash"));
    }
    return tree;
  }

  /**
   * Appends a leaf given by its leaf hash ({@link MerkleHash#leafHash}); the array is copied.
   *
   * @throws IllegalArgumentException if {@code leafHash} is not {@value
   *     MerkleHash#HASH_LENGTH} bytes
   */
  public void append(byte[] leafHash) {
    MerkleHash.requireHashLength(leafHash, "leaf hash");
    if (size == Long.MAX_VALUE) {
      throw new IllegalStateException("tree is full");
    }
    levels.get(0).append(leafHash, 0);
    size++;
    // The new leaf completes one aligned subtree per trailing zero bit of the new size.
    int completed = Long.numberOfTrailingZeros(size);
    for (int k = 0; k < completed; k++) {
      HashStore lower = levels.get(k);
      long last = lower.size() - 1;
      lower.copy(last - 1, children, 0);
      lower.copy(last, children, HASH_LENGTH);
      MerkleHash.nodeHash(appendDigest, children, 0, children, HASH_LENGTH, parent, 0);
      if (levels.size() == k + 1) {
        levels.add(new HashStore());
      }
      levels.get(k + 1).append(parent, 0);
    }
  }

  /** Number of leaves appended so far. */
  public long size() {
    return size;
  }

  /** Returns the root of the whole tree; {@link MerkleHash#emptyRoot()} when empty. */
  public byte[] root() {
    return root(size);
  }

  /**
   * Returns {@code MTH(D[0:treeSize])}, the root the tree had when it held {@code treeSize}
   * leaves.
   *
   * @throws IllegalArgumentException unless {@code 0 <= treeSize <= size()}
   */
  public byte[] root(long treeSize) {
    if (treeSize < 0 || treeSize > size) {
      throw new IllegalArgumentException("tree size " + treeSize + " not in 0.." + size);
    }
    if (treeSize == 0) {
      return MerkleHash.emptyRoot();
    }
    return rangeHash(MerkleHash.newDigest(), 0, treeSize);
  }

  /**
   * Returns the inclusion proof {@code PATH(index, D[0:treeSize])} of RFC 9162 §2.1.3.1, from
   * the leaf's sibling up to the child of the root.
   *
   * @return an unmodifiable list of hashes; empty for a tree of one leaf
   * @throws IllegalArgumentException unless {@code 0 <= index < treeSize <= size()}
   */
  public List<byte[]> inclusionProof(long index, long treeSize) {
    if (treeSize <= 0 || treeSize > size) {
      throw new IllegalArgumentException("tree size " + treeSize + " not in 1.." + size);
    }
    if (index < 0 || index >= treeSize) {
      throw new IllegalArgumentException(
          "leaf index " + index + " not in 0.." + (treeSize - 1));
    }
    List<byte[]> proof = new ArrayList<>();
    path(MerkleHash.newDigest(), index, 0, treeSize, proof);
    return List.copyOf(proof);
  }

  /**
   * Returns the consistency proof {@code PROOF(oldSize, D[0:newSize])} of RFC 9162 §2.1.4.1.
   * The RFC defines it for {@code 0 < oldSize < newSize}; for {@code oldSize == 0} and for
   * {@code oldSize == newSize} there is nothing to prove and the proof is empty, which is what
   * {@link MerkleVerifier#verifyConsistency} expects.
   *
   * @return an unmodifiable list of hashes
   * @throws IllegalArgumentException unless {@code 0 <= oldSize <= newSize <= size()}
   */
  public List<byte[]> consistencyProof(long oldSize, long newSize) {
    if (newSize < 0 || newSize > size) {
      throw new IllegalArgumentException("new size " + newSize + " not in 0.." + size);
    }
    if (oldSize < 0 || oldSize > newSize) {
      throw new IllegalArgumentException("old size " + oldSize + " not in 0.." + newSize);
    }
    if (oldSize == 0 || oldSize == newSize) {
      return List.of();
    }
    List<byte[]> proof = new ArrayList<>();
    subproof(MerkleHash.newDigest(), oldSize, 0, newSize, true, proof);
    return List.copyOf(proof);
  }

  /**
   * Appends {@code PATH(m, D[start:end])} to {@code out}; {@code m} is relative to
   * {@code start}, as in the RFC.
   */
  private void path(MessageDigest md, long m, long start, long end, List<byte[]> out) {
    long n = end - start;
    if (n == 1) {
      return;
    }
    long k = largestPowerOfTwoBelow(n);
    if (m < k) {
      path(md, m, start, start + k, out);
      out.add(rangeHash(md, start + k, end));
    } else {
      path(md, m - k, start + k, end, out);
      out.add(rangeHash(md, start, start + k));
    }
  }

  /** Appends {@code SUBPROOF(m, D[start:end], b)} to {@code out}; {@code m} is relative. */
  private void subproof(MessageDigest md, long m, long start, long end, boolean b,
      List<byte[]> out) {
    long n = end - start;
    if (m == n) {
      if (!b) {
        out.add(rangeHash(md, start, end));
      }
      return;
    }
    long k = largestPowerOfTwoBelow(n);
    if (m <= k) {
      subproof(md, m, start, start + k, b, out);
      out.add(rangeHash(md, start + k, end));
    } else {
      subproof(md, m - k, start + k, end, false, out);
      out.add(rangeHash(md, start, start + k));
    }
  }

  /**
   * Returns {@code MTH(D[start:end])} for a non-empty range produced by the RFC's splitting at
   * {@code k}, the largest power of two below the length. Such a range starts at a multiple of
   * the smallest power of two at or above its length, so it is the concatenation of aligned
   * complete subtrees, one per set bit of its length, largest first; its MTH nests them to the
   * right: {@code H(S1, H(S2, … H(Sj-1, Sj)))}.
   */
  private byte[] rangeHash(MessageDigest md, long start, long end) {
    long remaining = end - start;
    int level = Long.numberOfTrailingZeros(remaining);
    long subtreeStart = end - (1L << level);
    byte[] acc = levels.get(level).get(subtreeStart >>> level);
    remaining -= 1L << level;
    while (remaining != 0) {
      level = Long.numberOfTrailingZeros(remaining);
      subtreeStart -= 1L << level;
      byte[] left = levels.get(level).get(subtreeStart >>> level);
      MerkleHash.nodeHash(md, left, 0, acc, 0, acc, 0);
      remaining -= 1L << level;
    }
    return acc;
  }

  /** The RFC's {@code k}: the largest power of two strictly less than {@code n > 1}. */
  private static long largestPowerOfTwoBelow(long n) {
    return Long.highestOneBit(n - 1);
  }
}
