package org.blindmatch.crypto.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class StreamingMerkleRootTest {

  @Test
  void emptyStreamHasTheEmptyRoot() {
    StreamingMerkleRoot streaming = new StreamingMerkleRoot();
    assertEquals(0, streaming.size());
    assertArrayEquals(MerkleHash.emptyRoot(), streaming.root());
  }

  @Test
  void rootDoesNotDisturbLaterAppends() {
    List<byte[]> leaves = MerklePropertiesTest.leaves(1000, 42);
    StreamingMerkleRoot observed = new StreamingMerkleRoot();
    StreamingMerkleRoot unobserved = new StreamingMerkleRoot();
    for (byte[] leaf : leaves) {
      observed.addLeaf(leaf, 0, leaf.length);
      observed.root();
      unobserved.addLeaf(leaf, 0, leaf.length);
    }
    assertArrayEquals(unobserved.root(), observed.root());
    assertArrayEquals(observed.root(), observed.root());
    assertArrayEquals(NaiveMerkle.mth(leaves), observed.root());
  }

  @Test
  void resumingFromAFrontierGivesTheSameRoots() {
    List<byte[]> leaves = MerklePropertiesTest.leaves(300, 7);
    for (int split : new int[] {0, 1, 2, 3, 64, 127, 200, 300}) {
      StreamingMerkleRoot first = new StreamingMerkleRoot();
      for (byte[] leaf : leaves.subList(0, split)) {
        first.addLeaf(leaf, 0, leaf.length);
      }
      StreamingMerkleRoot resumed = StreamingMerkleRoot.resume(split, first.frontier());
      assertArrayEquals(first.root(), resumed.root());
      for (byte[] leaf : leaves.subList(split, leaves.size())) {
        resumed.addLeaf(leaf, 0, leaf.length);
      }
      assertEquals(leaves.size(), resumed.size());
      assertArrayEquals(NaiveMerkle.mth(leaves), resumed.root(), "split " + split);
    }
    assertThrows(IllegalArgumentException.class,
        () -> StreamingMerkleRoot.resume(3, new byte[][] {new byte[32]}));
  }

  @Test
  void addLeafHashesOnlyTheGivenRange() {
    StreamingMerkleRoot ranged = new StreamingMerkleRoot();
    ranged.addLeaf(new byte[] {7, 1, 2, 7}, 1, 2);
    StreamingMerkleRoot whole = new StreamingMerkleRoot();
    whole.addLeafHash(MerkleHash.leafHash(new byte[] {1, 2}));
    assertArrayEquals(whole.root(), ranged.root());
    assertThrows(IndexOutOfBoundsException.class, () -> ranged.addLeaf(new byte[2], 1, 2));
    assertEquals(1, ranged.size());
  }

  @Test
  void addLeafHashRejectsWrongLength() {
    StreamingMerkleRoot streaming = new StreamingMerkleRoot();
    assertThrows(IllegalArgumentException.class, () -> streaming.addLeafHash(new byte[31]));
    assertEquals(0, streaming.size());
  }
}
