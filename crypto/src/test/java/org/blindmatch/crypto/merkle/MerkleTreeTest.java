package org.blindmatch.crypto.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {
  private static final HexFormat HEX = HexFormat.of();

  /** Every root and proof of every tree up to 64 leaves, against the naive reference. */
  @Test
  void smallTreesMatchTheReferenceExhaustively() throws MerkleProofException {
    List<byte[]> leaves = MerklePropertiesTest.leaves(64, 7);
    MerkleTree tree = MerklePropertiesTest.treeOf(leaves);
    for (int size = 0; size <= leaves.size(); size++) {
      List<byte[]> d = leaves.subList(0, size);
      byte[] root = NaiveMerkle.mth(d);
      assertArrayEquals(root, tree.root(size), "root of size " + size);
      for (int index = 0; index < size; index++) {
        List<byte[]> proof = tree.inclusionProof(index, size);
        assertEquals(hex(NaiveMerkle.path(index, d)), hex(proof));
        MerkleVerifier.verifyInclusion(MerkleHash.leafHash(d.get(index)), index, size, proof,
            root);
      }
      for (int oldSize = 1; oldSize < size; oldSize++) {
        List<byte[]> proof = tree.consistencyProof(oldSize, size);
        assertEquals(hex(NaiveMerkle.proof(oldSize, d)), hex(proof));
        MerkleVerifier.verifyConsistency(oldSize, size, tree.root(oldSize), root, proof);
      }
    }
  }

  /** 70,000 leaves span three storage pages at level 0 and two at level 1. */
  @Test
  void treesAcrossStoragePagesMatchTheReference() throws MerkleProofException {
    List<byte[]> leaves = MerklePropertiesTest.leaves(70_000, 11);
    MerkleTree tree = MerklePropertiesTest.treeOf(leaves);
    byte[] root = NaiveMerkle.mth(leaves);
    assertArrayEquals(root, tree.root());
    for (int index : new int[] {0, 16, 16_383, 16_384, 32_767, 32_768, 65_535, 65_536, 69_999}) {
      List<byte[]> proof = tree.inclusionProof(index, leaves.size());
      assertEquals(hex(NaiveMerkle.path(index, leaves)), hex(proof), "leaf " + index);
      MerkleVerifier.verifyInclusion(MerkleHash.leafHash(leaves.get(index)), index,
          leaves.size(), proof, root);
    }
    List<byte[]> proof = tree.consistencyProof(32_769, 70_000);
    assertEquals(hex(NaiveMerkle.proof(32_769, leaves)), hex(proof));
  }

  @Test
  void emptyTree() {
    MerkleTree tree = new MerkleTree();
    assertEquals(0, tree.size());
    assertArrayEquals(MerkleHash.emptyRoot(), tree.root());
    assertEquals(List.of(), tree.consistencyProof(0, 0));
    assertThrows(IllegalArgumentException.class, () -> tree.inclusionProof(0, 0));
  }

  @Test
  void trivialConsistencyProofsAreEmpty() {
    MerkleTree tree = MerklePropertiesTest.treeOf(MerklePropertiesTest.leaves(5, 1));
    assertEquals(List.of(), tree.consistencyProof(0, 5));
    assertEquals(List.of(), tree.consistencyProof(3, 3));
  }

  @Test
  void outOfRangeArgumentsAreRejected() {
    MerkleTree tree = MerklePropertiesTest.treeOf(MerklePropertiesTest.leaves(5, 1));
    assertThrows(IllegalArgumentException.class, () -> tree.root(-1));
    assertThrows(IllegalArgumentException.class, () -> tree.root(6));
    assertThrows(IllegalArgumentException.class, () -> tree.inclusionProof(0, 6));
    assertThrows(IllegalArgumentException.class, () -> tree.inclusionProof(3, 3));
    assertThrows(IllegalArgumentException.class, () -> tree.inclusionProof(-1, 3));
    assertThrows(IllegalArgumentException.class, () -> tree.consistencyProof(3, 2));
    assertThrows(IllegalArgumentException.class, () -> tree.consistencyProof(-1, 2));
    assertThrows(IllegalArgumentException.class, () -> tree.consistencyProof(2, 6));
    assertThrows(IllegalArgumentException.class, () -> tree.append(new byte[31]));
    assertEquals(5, tree.size());
  }

  @Test
  void returnedHashesAreCopies() {
    MerkleTree tree = MerklePropertiesTest.treeOf(MerklePropertiesTest.leaves(5, 1));
    byte[] root = tree.root();
    List<byte[]> proof = tree.inclusionProof(0, 5);
    String before = hex(proof).toString();
    root[0] ^= 1;
    proof.get(0)[0] ^= 1;
    assertThrows(UnsupportedOperationException.class, () -> proof.add(new byte[32]));
    assertFalse(Arrays.equals(root, tree.root()));
    assertEquals(before, hex(tree.inclusionProof(0, 5)).toString());
  }

  @Test
  void appendCopiesTheLeafHash() {
    byte[] leafHash = MerkleHash.leafHash(new byte[] {1});
    MerkleTree tree = new MerkleTree();
    tree.append(leafHash);
    byte[] root = tree.root();
    leafHash[0] ^= 1;
    assertArrayEquals(root, tree.root());
  }

  private static List<String> hex(List<byte[]> hashes) {
    return hashes.stream().map(HEX::formatHex).toList();
  }
}
