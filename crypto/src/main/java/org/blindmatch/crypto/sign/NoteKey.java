package org.blindmatch.crypto.sign;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.signature.Ed25519Parameters;
import com.google.crypto.tink.signature.Ed25519PrivateKey;
import com.google.crypto.tink.signature.SignatureConfig;
import com.google.crypto.tink.subtle.Ed25519Verify;
import java.security.GeneralSecurityException;

/**
 * An Ed25519 key for C2SP signed notes (c2sp.org/signed-note): the clearinghouse's checkpoint
 * key and each witness's cosigning key. A one-key Tink keyset with no output prefix, so a
 * signature is the bare 64-byte RFC 8032 signature the note format carries (the 4-byte key id
 * in front of it is the note's, computed from the key's name). Stored encrypted like every
 * other keyset ({@code crypto.keys.EncryptedKeysetFile}, purposes {@link #CHECKPOINT_PURPOSE}
 * and {@link #WITNESS_PURPOSE}). Immutable, thread-safe.
 */
public final class NoteKey {
  /** The {@code purpose} of the clearinghouse's checkpoint keyset file. */
  public static final String CHECKPOINT_PURPOSE = "checkpoint-signing";
  /** The {@code purpose} of a witness's cosigning keyset file. */
  public static final String WITNESS_PURPOSE = "witness-cosigning";
  /** Length of an Ed25519 public key and of the signature's halves. */
  public static final int PUBLIC_KEY_LENGTH = 32;
  public static final int SIGNATURE_LENGTH = 64;

  static {
    try {
      SignatureConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final KeysetHandle keyset;
  private final PublicKeySign signer;
  private final byte[] publicKey;

  private NoteKey(KeysetHandle keyset) throws GeneralSecurityException {
    if (keyset.size() != 1
        || !(keyset.getPrimary().getKey() instanceof Ed25519PrivateKey key)
        || key.getParameters().getVariant() != Ed25519Parameters.Variant.NO_PREFIX) {
      throw new GeneralSecurityException("a note key is one Ed25519 private key without "
          + "output prefix");
    }
    this.keyset = keyset;
    this.signer = keyset.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class);
    this.publicKey = key.getPublicKey().getPublicKeyBytes().toByteArray();
  }

  /** A fresh Ed25519 keyset (one key, no output prefix). */
  public static KeysetHandle generate() throws GeneralSecurityException {
    return KeysetHandle.generateNew(Ed25519Parameters.create(
        Ed25519Parameters.Variant.NO_PREFIX));
  }

  /**
   * A note key over {@code keyset}.
   *
   * @throws GeneralSecurityException unless the keyset is exactly one Ed25519 private key
   *     without output prefix
   */
  public static NoteKey of(KeysetHandle keyset) throws GeneralSecurityException {
    return new NoteKey(keyset);
  }

  /** The private keyset, for storage (encrypted). */
  public KeysetHandle keyset() {
    return keyset;
  }

  /** The 32-byte RFC 8032 public key. */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** The 64-byte RFC 8032 signature of {@code message} (deterministic). */
  public byte[] sign(byte[] message) throws GeneralSecurityException {
    return signer.sign(message);
  }

  /**
   * Verifies an RFC 8032 signature.
   *
   * @throws GeneralSecurityException if the key is not {@value #PUBLIC_KEY_LENGTH} bytes or the
   *     signature does not verify
   */
  public static void verify(byte[] publicKey, byte[] message, byte[] signature)
      throws GeneralSecurityException {
    if (publicKey.length != PUBLIC_KEY_LENGTH) {
      throw new GeneralSecurityException("an Ed25519 public key has " + PUBLIC_KEY_LENGTH
          + " bytes, not " + publicKey.length);
    }
    new Ed25519Verify(publicKey).verify(signature, message);
  }

  @Override
  public String toString() {
    return "NoteKey[Ed25519]";
  }
}
