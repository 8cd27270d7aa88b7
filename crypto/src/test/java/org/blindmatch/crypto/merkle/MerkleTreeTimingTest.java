package org.blindmatch.crypto.merkle;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Prints how long proofs take at 10^6 leaves. A figure for humans, not an assertion: timing
 * varies too much between machines to fail a build on.
 */
@Tag("timing")
class MerkleTreeTimingTest {
  private static final int LEAVES = 1_000_000;
  private static final int PROOFS = 20_000;

  @Test
  void printProofTimingsAtOneMillionLeaves() throws MerkleProofException {
    byte[] leaf = new byte[33];
    long start = System.nanoTime();
    MerkleTree tree = new MerkleTree();
    StreamingMerkleRoot streaming = new StreamingMerkleRoot();
    for (int i = 0; i < LEAVES; i++) {
      leaf[0] = (byte) i;
      leaf[1] = (byte) (i >>> 8);
      leaf[2] = (byte) (i >>> 16);
      streaming.addLeaf(leaf, 0, leaf.length);
      tree.append(MerkleHash.leafHash(leaf));
    }
    long built = System.nanoTime();
    Random random = new Random(1);
    long sink = 0;
    for (int round = 0; round < 2; round++) { // the first round warms up the JIT
      long t0 = System.nanoTime();
      for (int i = 0; i < PROOFS; i++) {
        long size = 1 + random.nextInt(LEAVES);
        sink += tree.inclusionProof(random.nextLong(size), size).size();
      }
      long t1 = System.nanoTime();
      for (int i = 0; i < PROOFS; i++) {
        long newSize = 1 + random.nextInt(LEAVES);
        sink += tree.consistencyProof(1 + random.nextLong(newSize), newSize).size();
      }
      long t2 = System.nanoTime();
      if (round == 1) {
        System.out.printf("MerkleTree timing, %,d leaves of 33 bytes: build (tree + streaming"
            + " root) %.0f ms; inclusion proof %.1f us; consistency proof %.1f us"
            + " (means of %,d random proofs)%n", LEAVES, (built - start) / 1e6,
            (t1 - t0) / 1e3 / PROOFS, (t2 - t1) / 1e3 / PROOFS, PROOFS);
      }
    }
    MerkleVerifier.verifyInclusion(MerkleHash.leafHash(leaf), LEAVES - 1, LEAVES,
        tree.inclusionProof(LEAVES - 1, LEAVES), streaming.root());
    assertTrue(sink > 0);
  }
}
