package org.blindmatch.crypto.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.prf.PrfConfig;
import com.google.crypto.tink.util.SecretBytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import org.blindmatch.crypto.io.AtomicOutput;

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
    ObjectNode root = new ObjectMapper().createObjectNode();
    root.put("format", FORMAT);
    root.put("purpose", purpose);
    ObjectNode k = root.putObject("kdf");
    k.put("algorithm", "argon2id");
    k.put("version", 19);
    k.put("memory_kib", kdf.memoryKib());
    k.put("iterations", kdf.iterations());
    k.put("parallelism", kdf.parallelism());
    k.put("salt", Base64.getEncoder().encodeToString(kdf.salt()));
    byte[] ciphertext;
    try {
      ciphertext = TinkProtoKeysetFormat.serializeEncryptedKeyset(
          keyset, aead(kdf, passphrase), associatedData(purpose, kdf));
    } catch (GeneralSecurityException e) {
      throw new KeysetException(file + ": cannot encrypt keyset: " + e.getMessage(), e);
    }
    root.put("encrypted_keyset", Base64.getEncoder().encodeToString(ciphertext));
    byte[] json = new ObjectMapper().writerWithDefaultPrettyPrinter()
        .writeValueAsBytes(root);
    try (AtomicOutput out = AtomicOutput.create(file, overwrite)) {
      out.stream().write(json);
      out.stream().write('\n');
      out.commit();
    }
  }

  /** The KDF parameters of an existing file, so a rewrite can keep them. */
  public static PassphraseKdf readKdf(Path file, String purpose) throws KeysetException {
    return kdf(parse(file, purpose), file);
  }

  /**
   * Reads and decrypts a keyset.
   *
   * @throws KeysetException if the file is missing, malformed, for another purpose, or does
   *     not decrypt (wrong passphrase or altered file)
   */
  public static KeysetHandle read(Path file, String purpose, char[] passphrase)
      throws KeysetException {
    JsonNode root = parse(file, purpose);
    PassphraseKdf kdf = kdf(root, file);
    byte[] ciphertext;
    try {
      ciphertext = Base64.getDecoder().decode(root.path("encrypted_keyset").asText());
    } catch (IllegalArgumentException e) {
      throw new KeysetException(file + ": encrypted_keyset is not base64");
    }
    try {
      return TinkProtoKeysetFormat.parseEncryptedKeyset(
          ciphertext, aead(kdf, passphrase), associatedData(purpose, kdf));
    } catch (GeneralSecurityException e) {
      throw new KeysetException(
          file + ": cannot decrypt the keyset: wrong passphrase, or the file was altered");
    }
  }

  private static JsonNode parse(Path file, String purpose) throws KeysetException {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      throw new KeysetException(file + ": no such keyset file");
    } catch (IOException e) {
      throw new KeysetException(file + ": not a blindmatch keyset file (" + e.getMessage() + ")");
    }
    if (root == null || !FORMAT.equals(root.path("format").asText())) {
      throw new KeysetException(file + ": not a blindmatch keyset file (format is not "
          + FORMAT + ")");
    }
    if (!purpose.equals(root.path("purpose").asText())) {
      throw new KeysetException(file + ": keyset is for \"" + root.path("purpose").asText()
          + "\", expected \"" + purpose + "\"");
    }
    return root;
  }

  private static PassphraseKdf kdf(JsonNode root, Path file) throws KeysetException {
    JsonNode k = root.path("kdf");
    if (!"argon2id".equals(k.path("algorithm").asText()) || k.path("version").asInt() != 19) {
      throw new KeysetException(file + ": kdf: only argon2id version 19 is supported");
    }
    try {
      return new PassphraseKdf(
          k.path("memory_kib").asInt(),
          k.path("iterations").asInt(),
          k.path("parallelism").asInt(),
          Base64.getDecoder().decode(k.path("salt").asText()));
    } catch (IllegalArgumentException e) {
      throw new KeysetException(file + ": kdf: " + e.getMessage());
    }
  }

  private static byte[] associatedData(String purpose, PassphraseKdf kdf) {
    String ad = FORMAT + "|" + purpose + "|argon2id|19|" + kdf.memoryKib() + "|"
        + kdf.iterations() + "|" + kdf.parallelism() + "|"
        + Base64.getEncoder().encodeToString(kdf.salt());
    return ad.getBytes(StandardCharsets.UTF_8);
  }

  private static Aead aead(PassphraseKdf kdf, char[] passphrase) throws GeneralSecurityException {
    byte[] kek = kdf.deriveKey(passphrase);
    try {
      AesGcmParameters params = AesGcmParameters.builder()
          .setKeySizeBytes(32)
          .setIvSizeBytes(12)
          .setTagSizeBytes(16)
          .setVariant(AesGcmParameters.Variant.NO_PREFIX)
          .build();
      AesGcmKey key = AesGcmKey.builder()
          .setParameters(params)
          .setKeyBytes(SecretBytes.copyFrom(kek, InsecureSecretKeyAccess.get()))
          .build();
      return KeysetHandle.newBuilder()
          .addEntry(KeysetHandle.importKey(key).withRandomId().makePrimary())
          .build()
          .getPrimitive(RegistryConfiguration.get(), Aead.class);
    } finally {
      Arrays.fill(kek, (byte) 0);
    }
  }
}
