package org.blindmatch.core.claims;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.blindmatch.crypto.hash.Sha256;
import org.blindmatch.crypto.sign.NoteKey;

/**
 * A C2SP verifier key (vkey, c2sp.org/signed-note): {@code <name>+<hex key id>+base64(type ‖
 * public key)}. blindmatch uses two types, both Ed25519: {@link Type#ED25519} (0x01) for the
 * clearinghouse's checkpoint signature and {@link Type#COSIGNATURE_V1} (0x04,
 * c2sp.org/tlog-cosignature) for witnesses. The key id is
 * {@code SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4]}, and a vkey whose id does not match is
 * refused. Immutable, thread-safe.
 *
 * @param name the key name (no spaces, no {@code +})
 * @param type the signature type
 * @param publicKey the 32-byte Ed25519 public key
 */
public record VerifierKey(String name, Type type, byte[] publicKey) {
  /** The signature types blindmatch accepts. */
  public enum Type {
    /** Ed25519 note signature (signed-note, 0x01): the log's checkpoint signature. */
    ED25519((byte) 0x01),
    /** Timestamped Ed25519 checkpoint cosignature (tlog-cosignature, 0x04): a witness's. */
    COSIGNATURE_V1((byte) 0x04);

    final byte id;

    Type(byte id) {
      this.id = id;
    }
  }

  public VerifierKey {
    if (publicKey.length != NoteKey.PUBLIC_KEY_LENGTH) {
      throw new IllegalArgumentException("an Ed25519 public key has 32 bytes");
    }
    publicKey = publicKey.clone();
  }

  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** {@code SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4]} as a big-endian int. */
  public int keyId() {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    ByteBuffer in = ByteBuffer.allocate(n.length + 2 + publicKey.length);
    in.put(n).put((byte) 0x0a).put(type.id).put(publicKey);
    return ByteBuffer.wrap(Sha256.digest(in.array()), 0, 4).getInt();
  }

  /** The vkey text. */
  public String format() {
    byte[] material = new byte[1 + publicKey.length];
    material[0] = type.id;
    System.arraycopy(publicKey, 0, material, 1, publicKey.length);
    return name + "+" + String.format("%08x", keyId()) + "+"
        + Base64.getEncoder().encodeToString(material);
  }

  /** Whether {@code sig} is a signature line of this key (same name and key id). */
  public boolean signed(SignedNote.Signature sig) {
    return sig.name().equals(name) && sig.keyId() == keyId();
  }

  /**
   * Parses a vkey.
   *
   * @throws ClaimVerificationException if it is malformed, of another type than {@code
   *     expected}, or its key id does not match its name and key
   */
  public static VerifierKey parse(String vkey, Type expected) throws ClaimVerificationException {
    String[] parts = vkey.split("\\+", 3); // base64 may hold +
    if (parts.length != 3) {
      throw new ClaimVerificationException("verifier key is not <name>+<key id>+<key>");
    }
    SignedNote.checkName(parts[0], "verifier key");
    if (!parts[1].matches("[0-9a-f]{8}")) {
      throw new ClaimVerificationException("verifier key " + parts[0]
          + ": the key id is not 8 lowercase hex digits");
    }
    byte[] material;
    try {
      material = Base64.getDecoder().decode(parts[2]);
    } catch (IllegalArgumentException e) {
      throw new ClaimVerificationException("verifier key " + parts[0]
          + ": the key is not standard base64");
    }
    if (material.length != 1 + NoteKey.PUBLIC_KEY_LENGTH || material[0] != expected.id) {
      throw new ClaimVerificationException("verifier key " + parts[0] + " is not an Ed25519 "
          + (expected == Type.ED25519 ? "note key (type 0x01)" : "cosigner key (type 0x04)"));
    }
    VerifierKey key = new VerifierKey(parts[0], expected,
        Arrays.copyOfRange(material, 1, material.length));
    if (key.keyId() != HexFormat.fromHexDigits(parts[1])) {
      throw new ClaimVerificationException("verifier key " + parts[0]
          + ": the key id does not match the name and key");
    }
    return key;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VerifierKey k && k.name.equals(name) && k.type == type
        && Arrays.equals(k.publicKey, publicKey);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(publicKey);
  }

  @Override
  public String toString() {
    return format();
  }
}
