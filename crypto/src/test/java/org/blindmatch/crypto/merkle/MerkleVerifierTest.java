package org.blindmatch.crypto.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verifier's edge cases and failure messages; the vectors and properties cover the rest. */
class MerkleVerifierTest {
  private static final List<byte[]> LEAVES = MerklePropertiesTest.leaves(8, 3);
  private static final MerkleTree TREE = MerklePropertiesTest.treeOf(LEAVES);

  @Test
  void rootFromInclusionReturnsTheTreeRoot() throws MerkleProofException {
    assertArrayEquals(TREE.root(5),
        MerkleVerifier.rootFromInclusion(leaf(2), 2, 5, TREE.inclusionProof(2, 5)));
  }

  @Test
  void wrongInclusionLengthsNameTheNeededLength() {
    List<byte[]> tooLong = new ArrayList<>(TREE.inclusionProof(4, 5));
    tooLong.add(TREE.root(2));
    tooLong.add(TREE.root(2));
    assertMessage("inclusion proof has 3 elements, a tree of size 5 needs 1 for leaf 4",
        () -> MerkleVerifier.verifyInclusion(leaf(4), 4, 5, tooLong, TREE.root(5)));
    List<byte[]> tooShort = TREE.inclusionProof(0, 8).subList(0, 2);
    assertMessage("inclusion proof has 2 elements, a tree of size 8 needs 3 for leaf 0",
        () -> MerkleVerifier.verifyInclusion(leaf(0), 0, 8, tooShort, TREE.root(8)));
  }

  @Test
  void inclusionFailures() {
    List<byte[]> proof = TREE.inclusionProof(1, 4);
    assertMessage("computed root differs from the expected root",
        () -> MerkleVerifier.verifyInclusion(leaf(1), 1, 4, proof, TREE.root(3)));
    assertMessage("leaf index 4 is not in a tree of size 4",
        () -> MerkleVerifier.verifyInclusion(leaf(1), 4, 4, proof, TREE.root(4)));
    assertMessage("leaf index -1 is not in a tree of size 4",
        () -> MerkleVerifier.verifyInclusion(leaf(1), -1, 4, proof, TREE.root(4)));
    assertMessage("leaf index 0 is not in a tree of size 0",
        () -> MerkleVerifier.verifyInclusion(leaf(1), 0, 0, List.of(), MerkleHash.emptyRoot()));
    assertMessage("inclusion proof element 1 has 31 bytes, expected 32",
        () -> MerkleVerifier.verifyInclusion(leaf(1), 1, 4,
            List.of(proof.get(0), new byte[31]), TREE.root(4)));
    assertMessage("inclusion proof element 0 is null",
        () -> MerkleVerifier.verifyInclusion(leaf(1), 1, 4, Arrays.asList(null, proof.get(1)),
            TREE.root(4)));
    assertMessage("leaf hash has 33 bytes, expected 32",
        () -> MerkleVerifier.verifyInclusion(new byte[33], 1, 4, proof, TREE.root(4)));
    assertThrows(NullPointerException.class,
        () -> MerkleVerifier.verifyInclusion(leaf(1), 1, 4, null, TREE.root(4)));
  }

  /**
   * The verifier learns the tree's shape only from the size, and the size is bound to the tree
   * only through the root: the proof of leaf 0 in a tree of 3 leaves is also a valid-looking
   * proof for a tree of 4 leaves with the same root. Callers must take size and root together
   * from one trusted tree head. (The vectors leave out such mutations for the same reason.)
   */
  @Test
  void theSizeIsBoundOnlyThroughTheRoot() throws MerkleProofException {
    List<byte[]> proof = TREE.inclusionProof(0, 3);
    MerkleVerifier.verifyInclusion(leaf(0), 0, 4, proof, TREE.root(3));
    assertThrows(MerkleProofException.class,
        () -> MerkleVerifier.verifyInclusion(leaf(0), 0, 4, proof, TREE.root(4)));
  }

  @Test
  void wrongConsistencyLengthsNameTheNeededLength() {
    List<byte[]> proof = TREE.consistencyProof(3, 7);
    assertMessage("consistency proof has 3 elements, sizes 3 to 7 need 4",
        () -> MerkleVerifier.verifyConsistency(3, 7, TREE.root(3), TREE.root(7),
            proof.subList(0, 3)));
    assertMessage("consistency proof has 0 elements, sizes 3 to 7 need 4",
        () -> MerkleVerifier.verifyConsistency(3, 7, TREE.root(3), TREE.root(7), List.of()));
    List<byte[]> tooLong = new ArrayList<>(proof);
    tooLong.add(proof.get(0));
    assertMessage("consistency proof has 5 elements, sizes 3 to 7 need 4",
        () -> MerkleVerifier.verifyConsistency(3, 7, TREE.root(3), TREE.root(7), tooLong));
  }

  @Test
  void consistencyFailures() {
    List<byte[]> proof = TREE.consistencyProof(3, 7);
    assertMessage("root computed for the old tree differs from the old root",
        () -> MerkleVerifier.verifyConsistency(3, 7, TREE.root(2), TREE.root(7), proof));
    assertMessage("root computed for the new tree differs from the new root",
        () -> MerkleVerifier.verifyConsistency(3, 7, TREE.root(3), TREE.root(8), proof));
    assertMessage("old size 7 and new size 3 violate 0 <= old <= new",
        () -> MerkleVerifier.verifyConsistency(7, 3, TREE.root(7), TREE.root(3), proof));
    assertMessage("old size -1 and new size 3 violate 0 <= old <= new",
        () -> MerkleVerifier.verifyConsistency(-1, 3, TREE.root(0), TREE.root(3), List.of()));
    assertMessage("new root has 0 bytes, expected 32",
        () -> MerkleVerifier.verifyConsistency(3, 7, TREE.root(3), new byte[0], proof));
  }

  @Test
  void equalSizesNeedAnEmptyProofAndEqualRoots() throws MerkleProofException {
    MerkleVerifier.verifyConsistency(5, 5, TREE.root(5), TREE.root(5), List.of());
    MerkleVerifier.verifyConsistency(0, 0, MerkleHash.emptyRoot(), MerkleHash.emptyRoot(),
        List.of());
    assertMessage("trees of equal size 5 have different roots",
        () -> MerkleVerifier.verifyConsistency(5, 5, TREE.root(5), TREE.root(4), List.of()));
    assertMessage("consistency proof has 1 elements, sizes 5 to 5 need 0",
        () -> MerkleVerifier.verifyConsistency(5, 5, TREE.root(5), TREE.root(5),
            List.of(TREE.root(5))));
  }

  @Test
  void theEmptyTreeIsConsistentWithEveryTree() throws MerkleProofException {
    MerkleVerifier.verifyConsistency(0, 8, MerkleHash.emptyRoot(), TREE.root(8), List.of());
    assertMessage("old root of size 0 is not the empty-tree root",
        () -> MerkleVerifier.verifyConsistency(0, 8, TREE.root(1), TREE.root(8), List.of()));
    assertMessage("consistency proof has 1 elements, sizes 0 to 8 need 0",
        () -> MerkleVerifier.verifyConsistency(0, 8, MerkleHash.emptyRoot(), TREE.root(8),
            List.of(TREE.root(8))));
  }

  @Test
  void proofLengthFormulasMatchGeneratedProofs() {
    MerkleTree tree = MerklePropertiesTest.treeOf(MerklePropertiesTest.leaves(200, 5));
    for (long size = 1; size <= 200; size++) {
      for (long index = 0; index < size; index++) {
        assertEquals(tree.inclusionProof(index, size).size(),
            MerkleVerifier.inclusionProofLength(index, size), index + " of " + size);
      }
      for (long oldSize = 1; oldSize < size; oldSize++) {
        assertEquals(tree.consistencyProof(oldSize, size).size(),
            MerkleVerifier.consistencyProofLength(oldSize, size), oldSize + " -> " + size);
      }
    }
  }

  private static byte[] leaf(int index) {
    return MerkleHash.leafHash(LEAVES.get(index));
  }

  private interface Verification {
    void run() throws MerkleProofException;
  }

  private static void assertMessage(String expected, Verification verification) {
    MerkleProofException e = assertThrows(MerkleProofException.class, verification::run);
    assertEquals(expected, e.getMessage());
  }
}
