/**
 * RFC 9162 (Certificate Transparency 2.0) Merkle tree hashing over SHA-256: leaf hashes
 * {@code SHA-256(0x00 ‖ data)}, interior nodes {@code SHA-256(0x01 ‖ left ‖ right)}, and the
 * root {@code MTH} of §2.1.1.
 *
 * <ul>
 *   <li>{@link org.blindmatch.crypto.merkle.MerkleHash}: the hash functions themselves.</li>
 *   <li>{@link org.blindmatch.crypto.merkle.StreamingMerkleRoot}: the root of a long sequence of
 *       leaves in O(log n) memory, when no proofs are needed.</li>
 *   <li>{@link org.blindmatch.crypto.merkle.MerkleTree}: an in-memory append-only tree that
 *       produces roots, inclusion proofs (§2.1.3.1) and consistency proofs (§2.1.4.1) for any
 *       earlier size.</li>
 *   <li>{@link org.blindmatch.crypto.merkle.MerkleVerifier}: the §2.1.3.2 and §2.1.4.2 proof
 *       verification algorithms, failing with
 *       {@link org.blindmatch.crypto.merkle.MerkleProofException}.</li>
 * </ul>
 *
 * <p>Methods throw {@link java.lang.NullPointerException} for null arguments. Thread-safety is
 * stated per class.
 */
package org.blindmatch.crypto.merkle;
