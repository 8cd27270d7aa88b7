package org.blindmatch.crypto.hash;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 of a byte array, the one way the project computes a one-shot digest. */
public final class Sha256 {
  /** Digest length in bytes. */
  public static final int LENGTH = 32;

  private Sha256() {}

  /** A fresh SHA-256 {@link MessageDigest}; every Java platform must provide one. */
  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  /** SHA-256 of {@code data}. */
  public static byte[] digest(byte[] data) {
    return newDigest().digest(data);
  }
}
