package org.blindmatch.crypto.oprf;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * An OPRF server key pair {@code (skS, pkS = skS·G)}. Immutable; {@link #toString} omits the
 * private key.
 */
public record KeyPair(BigInteger secretKey, Element publicKey) {
  /** RFC 9497 requires the DeriveKeyPair seed to be Ns = 32 bytes. */
  public static final int SEED_LENGTH = 32;

  /**
   * @throws IllegalArgumentException if the secret key is not in [1, n-1] or the public key is
   *     not secretKey·G
   */
  public KeyPair {
    if (!P256.isNonZeroScalar(secretKey)) {
      throw new IllegalArgumentException("secret key not in [1, n-1]");
    }
    if (!java.util.Arrays.equals(
        publicKey.affine(), P256.group().multiplyGenerator(secretKey))) {
      throw new IllegalArgumentException("public key does not match the secret key");
    }
  }

  /** The key pair with the given secret key; throws as the canonical constructor. */
  public static KeyPair of(BigInteger secretKey) {
    if (!P256.isNonZeroScalar(secretKey)) {
      throw new IllegalArgumentException("secret key not in [1, n-1]");
    }
    return new KeyPair(secretKey, Element.of(P256.group().multiplyGenerator(secretKey)));
  }

  /** RFC 9497 GenerateKeyPair: a uniformly random key pair. */
  public static KeyPair generate(SecureRandom random) {
    return of(P256.randomScalar(random));
  }

  /**
   * RFC 9497 §3.2.1 DeriveKeyPair. The derived key depends on the suite's mode.
   *
   * @param seed {@value #SEED_LENGTH} bytes of secret, uniformly random seed
   * @param info public key information, at most 65535 bytes
   * @throws IllegalArgumentException if the seed or info length is wrong
   * @throws OprfException in the negligible case that 256 attempts all give a zero scalar
   *     (RFC 9497 DeriveKeyPairError)
   */
  public static KeyPair derive(Suite suite, byte[] seed, byte[] info) throws OprfException {
    if (seed.length != SEED_LENGTH) {
      throw new IllegalArgumentException("seed must be " + SEED_LENGTH + " bytes");
    }
    byte[] deriveInput = new Transcript().raw(seed).field(info).toByteArray();
    byte[] dst = suite.dst("DeriveKeyPair");
    for (int counter = 0; counter <= 255; counter++) {
      byte[] attempt = new Transcript().raw(deriveInput).raw(new byte[] {(byte) counter})
          .toByteArray();
      BigInteger sk = Suite.hashToScalar(attempt, dst);
      if (sk.signum() != 0) {
        return of(sk);
      }
    }
    throw new OprfException("DeriveKeyPair: no non-zero scalar after 256 attempts");
  }

  @Override
  public String toString() {
    return "KeyPair[publicKey=" + publicKey + ", secretKey=<redacted>]";
  }
}
