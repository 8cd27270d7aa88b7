package org.blindmatch.crypto.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * A secret that is not a Tink key (such as an OPRF key share) encrypted at rest under a
 * passphrase, in the same envelope as {@link EncryptedKeysetFile} with format
 * {@code blindmatch-secret-v1} and field {@code ciphertext}. Stateless, thread-safe.
 */
public final class EncryptedSecretFile {
  /** Format marker. */
  public static final String FORMAT = "blindmatch-secret-v1";

  private EncryptedSecretFile() {}

  /** Encrypts {@code secret} and writes it atomically, owner-only. */
  public static void write(Path file, byte[] secret, String purpose, char[] passphrase,
      PassphraseKdf kdf, boolean overwrite) throws IOException, KeysetException {
    ObjectNode root = PassphraseEnvelope.header(FORMAT, purpose, kdf);
    try {
      byte[] ciphertext = PassphraseEnvelope.aead(kdf, passphrase)
          .encrypt(secret, PassphraseEnvelope.associatedData(FORMAT, purpose, kdf));
      root.put("ciphertext", Base64.getEncoder().encodeToString(ciphertext));
    } catch (GeneralSecurityException e) {
      throw new KeysetException(file + ": cannot encrypt: " + e.getMessage(), e);
    }
    PassphraseEnvelope.write(file, root, kdf, overwrite);
  }

  /**
   * Reads and decrypts a secret; the caller wipes it after use.
   *
   * @throws KeysetException if the file is missing, malformed, for another purpose, or does
   *     not decrypt (wrong passphrase or altered file)
   */
  public static byte[] read(Path file, String purpose, char[] passphrase)
      throws KeysetException {
    JsonNode root = PassphraseEnvelope.parse(file, FORMAT, purpose);
    PassphraseKdf kdf = PassphraseEnvelope.kdf(root, file);
    byte[] ciphertext;
    try {
      ciphertext = Base64.getDecoder().decode(root.path("ciphertext").asText());
    } catch (IllegalArgumentException e) {
      throw new KeysetException(file + ": ciphertext is not base64");
    }
    try {
      return PassphraseEnvelope.aead(kdf, passphrase)
          .decrypt(ciphertext, PassphraseEnvelope.associatedData(FORMAT, purpose, kdf));
    } catch (GeneralSecurityException e) {
      throw new KeysetException(file + ": cannot decrypt: wrong passphrase, or the file was "
          + "altered");
    }
  }
}
