package org.blindmatch.crypto.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.prf.PrfConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * A Tink keyset encrypted at rest under a passphrase.
 *
 * <p>File format ({@code docs/PROTOCOL.md} §5): a JSON object with {@code format}
 * ({@code "blindmatch-keyset-v1"}), {@code purpose}, {@code kdf} (Argon2id parameters and
 * salt) and {@code encrypted_keyset} (base64 of Tink's encrypted binary keyset format under
 * AES-256-GCM with the Argon2id-derived key, the associated data binding format, purpose and
 * KDF parameters). Files are written atomically with owner-only permissions. Stateless and
 * thread-safe.
 */
public final class EncryptedKeysetFile {
  /** Format marker. */
  public static final String FORMAT = "blindmatch-keyset-v1";

  static {
    try {
      AeadConfig.register();
      PrfConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private EncryptedKeysetFile() {}

  /**
   * Encrypts and writes a keyset.
   *
   * @param purpose what the keyset is for, e.g. {@code token-prf}; checked on read
   * @param overwrite whether to replace an existing file
   */
  public static void write(
      Path file, KeysetHandle keyset, String purpose, char[] passphrase, PassphraseKdf kdf,
      boolean overwrite) throws IOException, KeysetException {
    ObjectNode root = PassphraseEnvelope.header(FORMAT, purpose, kdf);
    byte[] ciphertext;
    try {
      ciphertext = TinkProtoKeysetFormat.serializeEncryptedKeyset(keyset,
          PassphraseEnvelope.aead(kdf, passphrase),
          PassphraseEnvelope.associatedData(FORMAT, purpose, kdf));
    } catch (GeneralSecurityException e) {
      throw new KeysetException(file + ": cannot encrypt keyset: " + e.getMessage(), e);
    }
    root.put("encrypted_keyset", Base64.getEncoder().encodeToString(ciphertext));
    PassphraseEnvelope.write(file, root, kdf, overwrite);
  }

  /** The KDF parameters of an existing file, so a rewrite can keep them. */
  public static PassphraseKdf readKdf(Path file, String purpose) throws KeysetException {
    return PassphraseEnvelope.kdf(PassphraseEnvelope.parse(file, FORMAT, purpose), file);
  }

  /**
   * Reads and decrypts a keyset.
   *
   * @throws KeysetException if the file is missing, malformed, for another purpose, or does
   *     not decrypt (wrong passphrase or altered file)
   */
  public static KeysetHandle read(Path file, String purpose, char[] passphrase)
      throws KeysetException {
    JsonNode root = PassphraseEnvelope.parse(file, FORMAT, purpose);
    PassphraseKdf kdf = PassphraseEnvelope.kdf(root, file);
    byte[] ciphertext;
    try {
      ciphertext = Base64.getDecoder().decode(root.path("encrypted_keyset").asText());
    } catch (IllegalArgumentException e) {
      throw new KeysetException(file + ": encrypted_keyset is not base64");
    }
    try {
      return TinkProtoKeysetFormat.parseEncryptedKeyset(ciphertext,
          PassphraseEnvelope.aead(kdf, passphrase),
          PassphraseEnvelope.associatedData(FORMAT, purpose, kdf));
    } catch (GeneralSecurityException e) {
      throw new KeysetException(
          file + ": cannot decrypt the keyset: wrong passphrase, or the file was altered");
    }
  }
}
