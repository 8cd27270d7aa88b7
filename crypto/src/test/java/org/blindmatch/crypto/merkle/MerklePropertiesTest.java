package org.blindmatch.crypto.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Random trees of 1..300 leaves: {@link MerkleTree}, {@link StreamingMerkleRoot} and
 * {@link NaiveMerkle} agree, every proof verifies, and no altered proof or claim verifies
 * unless it is exactly the tree's proof for the altered claim.
 */
class MerklePropertiesTest {
  private static final HexFormat HEX = HexFormat.of();

  @Property(tries = 200)
  void rootsAgreeWithTheReference(@ForAll @IntRange(min = 1, max = 300) int n,
      @ForAll long seed, @ForAll int sizeSeed) {
    List<byte[]> leaves = leaves(n, seed);
    MerkleTree tree = treeOf(leaves);
    StreamingMerkleRoot fromData = new StreamingMerkleRoot();
    StreamingMerkleRoot fromHashes = new StreamingMerkleRoot();
    for (int i = 0; i < n; i++) {
      byte[] leaf = leaves.get(i);
      fromData.addLeaf(leaf, 0, leaf.length);
      fromHashes.addLeafHash(MerkleHash.leafHash(leaf));
      assertEquals(i + 1, fromData.size());
      byte[] expected = tree.root(i + 1);
      assertArrayEquals(expected, fromData.root(), "streaming root of size " + (i + 1));
      assertArrayEquals(expected, fromHashes.root(), "streaming root of size " + (i + 1));
    }
    assertArrayEquals(NaiveMerkle.mth(leaves), tree.root());
    int size = Math.floorMod(sizeSeed, n + 1);
    assertArrayEquals(NaiveMerkle.mth(leaves.subList(0, size)), tree.root(size));
  }

  @Property(tries = 300)
  void inclusionProofsMatchTheReferenceAndVerify(@ForAll @IntRange(min = 1, max = 300) int n,
      @ForAll long seed, @ForAll int sizeSeed, @ForAll int indexSeed)
      throws MerkleProofException {
    List<byte[]> leaves = leaves(n, seed);
    MerkleTree tree = treeOf(leaves);
    int size = 1 + Math.floorMod(sizeSeed, n);
    int index = Math.floorMod(indexSeed, size);
    List<byte[]> proof = tree.inclusionProof(index, size);
    assertEquals(hex(NaiveMerkle.path(index, leaves.subList(0, size))), hex(proof));
    assertEquals(MerkleVerifier.inclusionProofLength(index, size), proof.size());
    byte[] root = NaiveMerkle.mth(leaves.subList(0, size));
    MerkleVerifier.verifyInclusion(MerkleHash.leafHash(leaves.get(index)), index, size, proof,
        root);
  }

  @Property(tries = 200)
  void tamperedInclusionProofsAreRejected(@ForAll @IntRange(min = 1, max = 300) int n,
      @ForAll long seed, @ForAll int sizeSeed, @ForAll int indexSeed,
      @ForAll @IntRange(min = 1, max = 255) int flip) {
    List<byte[]> leaves = leaves(n, seed);
    MerkleTree tree = treeOf(leaves);
    int size = 1 + Math.floorMod(sizeSeed, n);
    int index = Math.floorMod(indexSeed, size);
    byte[] leaf = MerkleHash.leafHash(leaves.get(index));
    byte[] root = tree.root(size);
    List<byte[]> proof = tree.inclusionProof(index, size);
    for (List<byte[]> bad : tamperings(proof, flip)) {
      assertThrows(MerkleProofException.class,
          () -> MerkleVerifier.verifyInclusion(leaf, index, size, bad, root));
    }
    for (int at = 0; at < MerkleHash.HASH_LENGTH; at++) {
      byte[] badLeaf = flipped(leaf, at, flip);
      byte[] badRoot = flipped(root, at, flip);
      assertThrows(MerkleProofException.class,
          () -> MerkleVerifier.verifyInclusion(badLeaf, index, size, proof, root));
      assertThrows(MerkleProofException.class,
          () -> MerkleVerifier.verifyInclusion(leaf, index, size, proof, badRoot));
    }
  }

  /**
   * Presents a proof with a neighbouring index or size and that tree's true root. It must be
   * rejected unless the claim is true and the proof is exactly the tree's proof for it (which
   * happens, e.g. for equal neighbouring leaves).
   */
  @Property(tries = 300)
  void inclusionProofsDoNotProveOtherIndicesOrSizes(
      @ForAll @IntRange(min = 1, max = 300) int n, @ForAll long seed, @ForAll int sizeSeed,
      @ForAll int indexSeed) {
    List<byte[]> leaves = leaves(n, seed);
    MerkleTree tree = treeOf(leaves);
    int size = 1 + Math.floorMod(sizeSeed, n);
    int index = Math.floorMod(indexSeed, size);
    byte[] leaf = MerkleHash.leafHash(leaves.get(index));
    List<byte[]> proof = tree.inclusionProof(index, size);
    for (int di = -1; di <= 1; di++) {
      for (int ds = -1; ds <= 1; ds++) {
        long claimedIndex = index + di;
        long claimedSize = size + ds;
        if ((di == 0 && ds == 0) || claimedSize < 0 || claimedSize > n) {
          continue;
        }
        byte[] claimedRoot = tree.root(claimedSize);
        boolean genuine = claimedIndex >= 0 && claimedIndex < claimedSize
            && Arrays.equals(leaf, MerkleHash.leafHash(leaves.get((int) claimedIndex)))
            && hex(proof).equals(hex(tree.inclusionProof(claimedIndex, claimedSize)));
        assertEquals(genuine, verifies(() -> MerkleVerifier.verifyInclusion(leaf, claimedIndex,
            claimedSize, proof, claimedRoot)),
            "proof of leaf " + index + " in " + size + " as leaf " + claimedIndex + " in "
                + claimedSize);
      }
    }
  }

  @Property(tries = 300)
  void consistencyProofsMatchTheReferenceAndVerify(
      @ForAll @IntRange(min = 1, max = 300) int n, @ForAll long seed, @ForAll int newSeed,
      @ForAll int oldSeed) throws MerkleProofException {
    List<byte[]> leaves = leaves(n, seed);
    MerkleTree tree = treeOf(leaves);
    int newSize = Math.floorMod(newSeed, n + 1);
    int oldSize = Math.floorMod(oldSeed, newSize + 1);
    List<byte[]> proof = tree.consistencyProof(oldSize, newSize);
    if (oldSize == 0 || oldSize == newSize) {
      assertEquals(List.of(), proof);
    } else {
      assertEquals(hex(NaiveMerkle.proof(oldSize, leaves.subList(0, newSize))), hex(proof));
      assertEquals(MerkleVerifier.consistencyProofLength(oldSize, newSize), proof.size());
    }
    MerkleVerifier.verifyConsistency(oldSize, newSize, NaiveMerkle.mth(leaves.subList(0, oldSize)),
        NaiveMerkle.mth(leaves.subList(0, newSize)), proof);
  }

  @Property(tries = 200)
  void tamperedConsistencyProofsAreRejected(@ForAll @IntRange(min = 1, max = 300) int n,
      @ForAll long seed, @ForAll int newSeed, @ForAll int oldSeed,
      @ForAll @IntRange(min = 1, max = 255) int flip) {
    List<byte[]> leaves = leaves(n, seed);
    MerkleTree tree = treeOf(leaves);
    int newSize = Math.floorMod(newSeed, n + 1);
    int oldSize = Math.floorMod(oldSeed, newSize + 1);
    byte[] oldRoot = tree.root(oldSize);
    byte[] newRoot = tree.root(newSize);
    List<byte[]> proof = tree.consistencyProof(oldSize, newSize);
    for (List<byte[]> bad : tamperings(proof, flip)) {
      assertThrows(MerkleProofException.class,
          () -> MerkleVerifier.verifyConsistency(oldSize, newSize, oldRoot, newRoot, bad));
    }
    for (int at = 0; at < MerkleHash.HASH_LENGTH; at++) {
      byte[] badOld = flipped(oldRoot, at, flip);
      byte[] badNew = flipped(newRoot, at, flip);
      assertThrows(MerkleProofException.class,
          () -> MerkleVerifier.verifyConsistency(oldSize, newSize, badOld, newRoot, proof));
      if (oldSize > 0) { // from size 0 the new root is not checked: nothing binds it
        assertThrows(MerkleProofException.class,
            () -> MerkleVerifier.verifyConsistency(oldSize, newSize, oldRoot, badNew, proof));
      }
    }
  }

  /** As for inclusion: a neighbouring pair of sizes, with those trees' true roots. */
  @Property(tries = 300)
  void consistencyProofsDoNotProveOtherSizes(@ForAll @IntRange(min = 1, max = 300) int n,
      @ForAll long seed, @ForAll int newSeed, @ForAll int oldSeed) {
    List<byte[]> leaves = leaves(n, seed);
    MerkleTree tree = treeOf(leaves);
    int newSize = Math.floorMod(newSeed, n + 1);
    int oldSize = Math.floorMod(oldSeed, newSize + 1);
    List<byte[]> proof = tree.consistencyProof(oldSize, newSize);
    for (int dOld = -1; dOld <= 1; dOld++) {
      for (int dNew = -1; dNew <= 1; dNew++) {
        long claimedOld = oldSize + dOld;
        long claimedNew = newSize + dNew;
        if ((dOld == 0 && dNew == 0) || claimedNew < 0 || claimedNew > n || claimedOld < 0) {
          continue;
        }
        byte[] oldRoot = tree.root(Math.min(claimedOld, n));
        byte[] newRoot = tree.root(claimedNew);
        boolean genuine = claimedOld <= claimedNew
            && hex(proof).equals(hex(tree.consistencyProof(claimedOld, claimedNew)));
        assertEquals(genuine, verifies(() -> MerkleVerifier.verifyConsistency(claimedOld,
            claimedNew, oldRoot, newRoot, proof)),
            "proof " + oldSize + " -> " + newSize + " as " + claimedOld + " -> " + claimedNew);
      }
    }
  }

  /** Leaves of 0..40 random bytes; the short ones make equal leaves likely in larger trees. */
  static List<byte[]> leaves(int n, long seed) {
    Random random = new Random(seed);
    List<byte[]> leaves = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byte[] leaf = new byte[random.nextInt(41)];
      random.nextBytes(leaf);
      leaves.add(leaf);
    }
    return leaves;
  }

  static MerkleTree treeOf(List<byte[]> leaves) {
    MerkleTree tree = new MerkleTree();
    for (byte[] leaf : leaves) {
      tree.append(MerkleHash.leafHash(leaf));
    }
    return tree;
  }

  /**
   * Every byte of every element flipped in turn, the last element removed, an element appended
   * and one prepended.
   */
  private static List<List<byte[]>> tamperings(List<byte[]> proof, int flip) {
    List<List<byte[]>> out = new ArrayList<>();
    for (int i = 0; i < proof.size(); i++) {
      for (int at = 0; at < MerkleHash.HASH_LENGTH; at++) {
        List<byte[]> bad = new ArrayList<>(proof);
        bad.set(i, flipped(proof.get(i), at, flip));
        out.add(bad);
      }
    }
    if (!proof.isEmpty()) {
      out.add(proof.subList(0, proof.size() - 1));
    }
    byte[] extra = MerkleHash.leafHash(new byte[] {(byte) flip});
    List<byte[]> appended = new ArrayList<>(proof);
    appended.add(extra);
    out.add(appended);
    List<byte[]> prepended = new ArrayList<>(proof);
    prepended.add(0, extra);
    out.add(prepended);
    return out;
  }

  private static byte[] flipped(byte[] hash, int at, int flip) {
    byte[] copy = hash.clone();
    copy[at] ^= (byte) flip;
    return copy;
  }

  private interface Verification {
    void run() throws MerkleProofException;
  }

  private static boolean verifies(Verification verification) {
    try {
      verification.run();
      return true;
    } catch (MerkleProofException e) {
      return false;
    }
  }

  private static List<String> hex(List<byte[]> hashes) {
    return hashes.stream().map(HEX::formatHex).toList();
  }
}
