package org.blindmatch.crypto.merkle;

/**
 * A random-access sequence of RFC 9162 leaf hashes, for building a {@link MerkleTree} with
 * {@link MerkleTree#of(LeafHashSource)}.
 */
public interface LeafHashSource {
  /** Number of leaves; must not change while a tree is being built from this source. */
  long size();

  /**
   * Returns the {@link MerkleHash#HASH_LENGTH}-byte leaf hash ({@link MerkleHash#leafHash})
   * of leaf {@code index}, {@code 0 <= index < size()}.
   */
  byte[] leafHash(long index);
}
