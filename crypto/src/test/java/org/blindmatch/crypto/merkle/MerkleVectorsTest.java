package org.blindmatch.crypto.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Reproduces and verifies every value in the published vectors
 * {@code shared/vectors/rfc9162-merkle.json}, and rejects every {@code invalid_*} entry.
 */
class MerkleVectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final int MAX_SIZE = 8;

  private static JsonNode vectors;
  private static List<byte[]> leaves;
  private static byte[][] roots;
  private static MerkleTree tree;

  @BeforeAll
  static void load() throws IOException {
    vectors = new ObjectMapper().readTree(vectorsFile().toFile());
    assertEquals("SHA-256", vectors.get("hash").asText());
    assertEquals("00", vectors.get("leaf_prefix").asText());
    assertEquals("01", vectors.get("node_prefix").asText());
    leaves = new ArrayList<>();
    for (JsonNode leaf : vectors.get("leaves")) {
      leaves.add(HEX.parseHex(leaf.asText()));
    }
    assertEquals(MAX_SIZE, leaves.size());
    roots = new byte[MAX_SIZE + 1][];
    for (int size = 0; size <= MAX_SIZE; size++) {
      roots[size] = HEX.parseHex(vectors.get("roots").get(Integer.toString(size)).asText());
    }
    tree = MerkleTree.of(new LeafHashSource() {
      @Override
      public long size() {
        return leaves.size();
      }

      @Override
      public byte[] leafHash(long index) {
        return MerkleHash.leafHash(leaves.get((int) index));
      }
    });
  }

  /**
   * The published vectors, copied verbatim from {@code ../shared/vectors} into the test
   * resources so the build is self-contained; {@code VectorCopiesTest} checks the copy
   * against the shared original whenever that is present.
   */
  static Path vectorsFile() {
    try {
      return Path.of(MerkleVectorsTest.class.getResource("/vectors/rfc9162-merkle.json").toURI());
    } catch (java.net.URISyntaxException | NullPointerException e) {
      throw new AssertionError("RFC 9162 vectors missing from the test resources", e);
    }
  }

  @Test
  void everyRootIsReproduced() {
    assertArrayEquals(roots[0], MerkleHash.emptyRoot());
    for (int size = 0; size <= MAX_SIZE; size++) {
      StreamingMerkleRoot streaming = new StreamingMerkleRoot();
      MerkleTree prefixTree = new MerkleTree();
      for (byte[] leaf : leaves.subList(0, size)) {
        streaming.addLeaf(leaf, 0, leaf.length);
        prefixTree.append(MerkleHash.leafHash(leaf));
      }
      assertArrayEquals(roots[size], streaming.root(), "streaming root of size " + size);
      assertArrayEquals(roots[size], prefixTree.root(), "root of a tree of size " + size);
      assertArrayEquals(roots[size], tree.root(size), "root(" + size + ") of the full tree");
    }
  }

  @Test
  void everyInclusionPathIsReproducedAndVerifies() throws MerkleProofException {
    Set<List<Long>> covered = new HashSet<>();
    for (JsonNode v : vectors.get("inclusion")) {
      long size = v.get("tree_size").asLong();
      long index = v.get("leaf_index").asLong();
      List<byte[]> expected = hashes(v.get("path"));
      List<byte[]> actual = tree.inclusionProof(index, size);
      assertHashesEqual(expected, actual, "inclusion path of leaf " + index + " in " + size);
      MerkleVerifier.verifyInclusion(MerkleHash.leafHash(leaves.get((int) index)), index, size,
          expected, roots[(int) size]);
      covered.add(List.of(size, index));
    }
    for (long size = 1; size <= MAX_SIZE; size++) {
      for (long index = 0; index < size; index++) {
        assertTrue(covered.contains(List.of(size, index)),
            "vectors lack leaf " + index + " of size " + size);
      }
    }
  }

  @Test
  void everyConsistencyProofIsReproducedAndVerifies() throws MerkleProofException {
    Set<List<Long>> covered = new HashSet<>();
    for (JsonNode v : vectors.get("consistency")) {
      long oldSize = v.get("old_size").asLong();
      long newSize = v.get("new_size").asLong();
      List<byte[]> expected = hashes(v.get("proof"));
      List<byte[]> actual = tree.consistencyProof(oldSize, newSize);
      assertHashesEqual(expected, actual, "consistency proof " + oldSize + " -> " + newSize);
      MerkleVerifier.verifyConsistency(oldSize, newSize, roots[(int) oldSize],
          roots[(int) newSize], expected);
      covered.add(List.of(oldSize, newSize));
    }
    for (long newSize = 1; newSize <= MAX_SIZE; newSize++) {
      for (long oldSize = 1; oldSize <= newSize; oldSize++) {
        assertTrue(covered.contains(List.of(oldSize, newSize)),
            "vectors lack consistency " + oldSize + " -> " + newSize);
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> everyInvalidInclusionIsRejected() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode v : vectors.get("invalid_inclusion")) {
      long size = v.get("tree_size").asLong();
      long index = v.get("leaf_index").asLong();
      String name = v.get("desc").asText() + " (leaf " + index + ", size " + size + ")";
      tests.add(DynamicTest.dynamicTest(name, () -> assertThrows(MerkleProofException.class,
          () -> MerkleVerifier.verifyInclusion(HEX.parseHex(v.get("leaf_hash").asText()), index,
              size, hashes(v.get("path")), HEX.parseHex(v.get("root").asText())))));
    }
    assertFalse(tests.isEmpty());
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> everyInvalidConsistencyIsRejected() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode v : vectors.get("invalid_consistency")) {
      long oldSize = v.get("old_size").asLong();
      long newSize = v.get("new_size").asLong();
      String name = v.get("desc").asText() + " (" + oldSize + " -> " + newSize + ")";
      tests.add(DynamicTest.dynamicTest(name, () -> assertThrows(MerkleProofException.class,
          () -> MerkleVerifier.verifyConsistency(oldSize, newSize,
              HEX.parseHex(v.get("old_root").asText()), HEX.parseHex(v.get("new_root").asText()),
              hashes(v.get("proof"))))));
    }
    assertFalse(tests.isEmpty());
    return tests.stream();
  }

  private static List<byte[]> hashes(JsonNode array) {
    List<byte[]> out = new ArrayList<>();
    for (JsonNode h : array) {
      out.add(HEX.parseHex(h.asText()));
    }
    return out;
  }

  private static void assertHashesEqual(List<byte[]> expected, List<byte[]> actual, String what) {
    assertEquals(hex(expected), hex(actual), what);
  }

  private static List<String> hex(List<byte[]> hashes) {
    return hashes.stream().map(HEX::formatHex).toList();
  }
}
