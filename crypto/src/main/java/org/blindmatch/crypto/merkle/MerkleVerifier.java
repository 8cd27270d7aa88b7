package org.blindmatch.crypto.merkle;

import static org.blindmatch.crypto.merkle.MerkleHash.HASH_LENGTH;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Verifies RFC 9162 inclusion proofs (§2.1.3.2) and consistency proofs (§2.1.4.2), step by
 * step as the RFC states them; the step numbers in the code are the RFC's.
 *
 * <p>Every input may come from an untrusted party: a proof that does not verify for any reason,
 * including sizes out of range, a hash that is not {@value MerkleHash#HASH_LENGTH} bytes, a
 * null proof element, or a proof with too few or too many elements, fails with a
 * {@link MerkleProofException} whose message names the failed check. Null arguments throw
 * {@link NullPointerException}.
 *
 * <p>Thread-safe: stateless.
 */
public final class MerkleVerifier {
  private MerkleVerifier() {}

  /**
   * Checks that {@code leafHash} is leaf {@code index} of the tree of size {@code treeSize}
   * whose root is {@code expectedRoot}, given the inclusion proof {@code path}
   * ({@link MerkleTree#inclusionProof}).
   *
   * <p>{@code treeSize} and {@code expectedRoot} must come together from one trusted tree
   * head: the size is bound to the tree only through the root, so a proof may also pass with
   * another size and the same root (leaf 0 of a 3-leaf tree passes as leaf 0 of 4 leaves).
   *
   * @throws MerkleProofException if the proof does not verify
   */
  public static void verifyInclusion(byte[] leafHash, long index, long treeSize,
      List<byte[]> path, byte[] expectedRoot) throws MerkleProofException {
    requireHash(expectedRoot, "expected root");
    byte[] computed = rootFromInclusion(leafHash, index, treeSize, path);
    if (!MessageDigest.isEqual(computed, expectedRoot)) {
      throw new MerkleProofException("computed root differs from the expected root");
    }
  }

  /**
   * Runs RFC 9162 §2.1.3.2 up to the final comparison and returns the root the proof implies,
   * having checked everything except that root: the caller must compare it with a root it
   * trusts, as {@link #verifyInclusion} does.
   *
   * @throws MerkleProofException if the index is not in the tree, or the path is malformed or
   *     has the wrong number of elements
   */
  public static byte[] rootFromInclusion(byte[] leafHash, long index, long treeSize,
      List<byte[]> path) throws MerkleProofException {
    requireHash(leafHash, "leaf hash");
    path = checkedCopy(path, "inclusion proof");
    // 1. leaf_index must be less than tree_size (and neither may be negative).
    if (index < 0 || index >= treeSize) {
      throw new MerkleProofException(
          "leaf index " + index + " is not in a tree of size " + treeSize);
    }
    // 2. and 3.
    long fn = index;
    long sn = treeSize - 1;
    byte[] r = leafHash.clone();
    MessageDigest md = MerkleHash.newDigest();
    // 4.
    for (byte[] p : path) {
      // 4a. sn reaching 0 means the path reached the root with elements left over.
      if (sn == 0) {
        throw wrongInclusionLength(path, index, treeSize);
      }
      // 4b.
      if ((fn & 1) == 1 || fn == sn) {
        r = MerkleHash.nodeHash(md, p, r);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>>= 1;
            sn >>>= 1;
          }
        }
      } else {
        r = MerkleHash.nodeHash(md, r, p);
      }
      // 4c.
      fn >>>= 1;
      sn >>>= 1;
    }
    // 5. sn not 0: the path ran out before reaching the root.
    if (sn != 0) {
      throw wrongInclusionLength(path, index, treeSize);
    }
    return r;
  }

  /**
   * Checks that the tree of size {@code newSize} with root {@code newRoot} is an append-only
   * extension of the tree of size {@code oldSize} with root {@code oldRoot}, given the
   * consistency proof {@code proof} ({@link MerkleTree#consistencyProof}).
   *
   * <p>RFC 9162 defines proofs for {@code 0 < oldSize < newSize}. Two cases outside it have
   * nothing to prove and are accepted only with an empty proof: {@code oldSize == newSize}
   * when the roots are equal, and {@code oldSize == 0} when {@code oldRoot} is the empty-tree
   * root {@link MerkleHash#emptyRoot()} (the new root cannot be checked without the leaves).
   *
   * @throws MerkleProofException if the proof does not verify
   */
  public static void verifyConsistency(long oldSize, long newSize, byte[] oldRoot,
      byte[] newRoot, List<byte[]> proof) throws MerkleProofException {
    requireHash(oldRoot, "old root");
    requireHash(newRoot, "new root");
    proof = checkedCopy(proof, "consistency proof");
    if (oldSize < 0 || oldSize > newSize) {
      throw new MerkleProofException(
          "old size " + oldSize + " and new size " + newSize + " violate 0 <= old <= new");
    }
    if (oldSize == newSize) {
      if (!proof.isEmpty()) {
        throw wrongConsistencyLength(proof, oldSize, newSize);
      }
      if (!MessageDigest.isEqual(oldRoot, newRoot)) {
        throw new MerkleProofException(
            "trees of equal size " + oldSize + " have different roots");
      }
      return;
    }
    if (oldSize == 0) {
      if (!proof.isEmpty()) {
        throw wrongConsistencyLength(proof, oldSize, newSize);
      }
      if (!MessageDigest.isEqual(oldRoot, MerkleHash.emptyRoot())) {
        throw new MerkleProofException("old root of size 0 is not the empty-tree root");
      }
      return;
    }
    // 1.
    if (proof.isEmpty()) {
      throw wrongConsistencyLength(proof, oldSize, newSize);
    }
    // 2. The old root is then itself a node of the new tree, which the proof omits.
    List<byte[]> path = proof;
    if (Long.bitCount(oldSize) == 1) {
      path = new ArrayList<>(proof);
      path.add(0, oldRoot);
    }
    // 3.
    long fn = oldSize - 1;
    long sn = newSize - 1;
    // 4.
    while ((fn & 1) == 1) {
      fn >>>= 1;
      sn >>>= 1;
    }
    // 5.
    byte[] fr = path.get(0);
    byte[] sr = path.get(0);
    MessageDigest md = MerkleHash.newDigest();
    // 6.
    for (byte[] c : path.subList(1, path.size())) {
      // 6a.
      if (sn == 0) {
        throw wrongConsistencyLength(proof, oldSize, newSize);
      }
      // 6b.
      if ((fn & 1) == 1 || fn == sn) {
        fr = MerkleHash.nodeHash(md, c, fr);
        sr = MerkleHash.nodeHash(md, c, sr);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>>= 1;
            sn >>>= 1;
          }
        }
      } else {
        sr = MerkleHash.nodeHash(md, sr, c);
      }
      // 6c.
      fn >>>= 1;
      sn >>>= 1;
    }
    // 7.
    if (sn != 0) {
      throw wrongConsistencyLength(proof, oldSize, newSize);
    }
    if (!MessageDigest.isEqual(fr, oldRoot)) {
      throw new MerkleProofException("root computed for the old tree differs from the old root");
    }
    if (!MessageDigest.isEqual(sr, newRoot)) {
      throw new MerkleProofException("root computed for the new tree differs from the new root");
    }
  }

  /**
   * Number of elements in {@code PATH(index, D[0:treeSize])}, {@code 0 <= index < treeSize}.
   * Below the highest bit where {@code index} and {@code treeSize - 1} differ, the leaf's
   * subtree has a sibling at every level; above it the leaf is on the right border and has a
   * (left) sibling exactly at the set bits of {@code index}.
   */
  static int inclusionProofLength(long index, long treeSize) {
    int inner = Long.SIZE - Long.numberOfLeadingZeros(index ^ (treeSize - 1));
    return inner + Long.bitCount(index >>> inner);
  }

  /**
   * Number of elements in {@code PROOF(oldSize, D[0:newSize])}, {@code 0 < oldSize < newSize}:
   * the inclusion path of the last old leaf, minus the levels inside the old tree's last
   * complete subtree, plus that subtree's root unless it is the whole old tree.
   */
  static int consistencyProofLength(long oldSize, long newSize) {
    int inner = Long.SIZE - Long.numberOfLeadingZeros((oldSize - 1) ^ (newSize - 1));
    int border = Long.bitCount((oldSize - 1) >>> inner);
    int seed = Long.bitCount(oldSize) == 1 ? 0 : 1;
    return seed + inner - Long.numberOfTrailingZeros(oldSize) + border;
  }

  private static MerkleProofException wrongInclusionLength(List<byte[]> path, long index,
      long treeSize) {
    return new MerkleProofException("inclusion proof has " + path.size()
        + " elements, a tree of size " + treeSize + " needs "
        + inclusionProofLength(index, treeSize) + " for leaf " + index);
  }

  private static MerkleProofException wrongConsistencyLength(List<byte[]> proof, long oldSize,
      long newSize) {
    int needed = oldSize == 0 || oldSize == newSize ? 0 : consistencyProofLength(oldSize, newSize);
    return new MerkleProofException("consistency proof has " + proof.size()
        + " elements, sizes " + oldSize + " to " + newSize + " need " + needed);
  }

  private static void requireHash(byte[] hash, String what) throws MerkleProofException {
    Objects.requireNonNull(hash, what);
    if (hash.length != HASH_LENGTH) {
      throw new MerkleProofException(
          what + " has " + hash.length + " bytes, expected " + HASH_LENGTH);
    }
  }

  /** Returns a copy of the proof after checking its elements, so the list checked is used. */
  private static List<byte[]> checkedCopy(List<byte[]> proof, String what)
      throws MerkleProofException {
    List<byte[]> copy = new ArrayList<>(Objects.requireNonNull(proof, what));
    for (int i = 0; i < copy.size(); i++) {
      byte[] element = copy.get(i);
      if (element == null) {
        throw new MerkleProofException(what + " element " + i + " is null");
      }
      if (element.length != HASH_LENGTH) {
        throw new MerkleProofException(what + " element " + i + " has " + element.length
            + " bytes, expected " + HASH_LENGTH);
      }
    }
    return copy;
  }
}
