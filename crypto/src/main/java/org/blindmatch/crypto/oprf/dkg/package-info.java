/**
 * Distributed key generation of an OPRF key epoch among the keyholders (docs/PROTOCOL.md §5.2),
 * after Gennaro, Jarecki, Krawczyk and Rabin, "Secure Distributed Key Generation for
 * Discrete-Log Based Cryptosystems", J. Cryptology 20(1), 2007: no participant ever holds the
 * key.
 *
 * <ul>
 *   <li>{@link org.blindmatch.crypto.oprf.dkg.DkgSession}: the run's agreed parameters and
 *       their digest.</li>
 *   <li>{@link org.blindmatch.crypto.oprf.dkg.DkgParticipant}: one keyholder's state machine
 *       (deal, complaints, justification, Feldman), pure and in memory.</li>
 *   <li>{@link org.blindmatch.crypto.oprf.dkg.DkgEnvelope}: the signed, run-bound envelope of
 *       every message; untrusted bytes enter only through its {@code open} methods and
 *       {@link org.blindmatch.crypto.oprf.dkg.DkgParticipant#receive}.</li>
 *   <li>{@link org.blindmatch.crypto.oprf.dkg.DkgPublicFile}: the epoch public file with every
 *       holder's signature.</li>
 * </ul>
 *
 * <p>Arithmetic is Bouncy Castle's (P-256, RFC 9380 hash-to-curve for the second generator);
 * signatures are the node signing keys of {@link org.blindmatch.crypto.sign.NodeSigner}. The
 * transport lives in {@code org.blindmatch.server.keyholder.DkgNode}.
 */
package org.blindmatch.crypto.oprf.dkg;
