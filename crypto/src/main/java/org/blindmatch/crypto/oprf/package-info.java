/**
 * RFC 9497 oblivious pseudorandom functions, suite P256-SHA256, in OPRF and VOPRF modes, and
 * t-of-n threshold evaluation with the key Shamir-shared across keyholders.
 *
 * <ul>
 *   <li>{@link org.blindmatch.crypto.oprf.Suite}: context strings, HashToGroup (RFC 9380
 *       {@code P256_XMD:SHA-256_SSWU_RO_}) and HashToScalar, from Bouncy Castle.</li>
 *   <li>{@link org.blindmatch.crypto.oprf.Element}, {@link org.blindmatch.crypto.oprf.Scalars},
 *       {@link org.blindmatch.crypto.oprf.Proof}: wire encodings, validated on decode.</li>
 *   <li>{@link org.blindmatch.crypto.oprf.KeyPair}: GenerateKeyPair and DeriveKeyPair.</li>
 *   <li>{@link org.blindmatch.crypto.oprf.OprfClient}: Blind and Finalize (single, batch,
 *       threshold-combined); {@link org.blindmatch.crypto.oprf.OprfServer}: BlindEvaluate
 *       (batched DLEQ proof in VOPRF mode) and Evaluate.</li>
 *   <li>{@link org.blindmatch.crypto.oprf.ShamirSharing},
 *       {@link org.blindmatch.crypto.oprf.ThresholdPublicKey},
 *       {@link org.blindmatch.crypto.oprf.ThresholdCombiner}: splitting the key and combining
 *       verified share evaluations in the exponent.</li>
 * </ul>
 *
 * <p>Cost: a batch of n elements costs the keyholder n scalar multiplications plus one
 * multi-scalar multiplication of size n for the proof's composite (Pippenger's bucket method over
 * Bouncy Castle point operations, about 0.15–0.25 of a multiplication per element); the
 * client verifies with two of them and unblinds with one multiplication per element. See
 * {@code bench/run oprf} and docs/PERFORMANCE.md.
 *
 * <p>Untrusted bytes enter only through the {@code decode} methods, which throw the checked
 * {@link org.blindmatch.crypto.oprf.OprfException}; failed proofs also throw it. Methods throw
 * {@link java.lang.NullPointerException} for null arguments and
 * {@link java.lang.IllegalArgumentException} for caller errors such as mismatched list sizes.
 * Every type is immutable and thread-safe.
 */
package org.blindmatch.crypto.oprf;
