package org.blindmatch.crypto.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
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
import org.blindmatch.crypto.io.Excerpt;

/**
 * The JSON envelope shared by every passphrase-protected file ({@code docs/PROTOCOL.md} §5):
 * {@code format}, {@code purpose}, Argon2id {@code kdf} parameters, and a ciphertext under
 * AES-256-GCM (Tink) with the derived key, whose associated data binds format, purpose and
 * KDF parameters. Stateless, thread-safe.
 */
final class PassphraseEnvelope {
  static {
    try {
      AeadConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private PassphraseEnvelope() {}

  static ObjectNode header(String format, String purpose, PassphraseKdf kdf) {
    ObjectNode root = new ObjectMapper().createObjectNode();
    root.put("format", format);
    root.put("purpose", purpose);
    ObjectNode k = root.putObject("kdf");
    k.put("algorithm", "argon2id");
    k.put("version", 19);
    k.put("memory_kib", kdf.memoryKib());
    k.put("iterations", kdf.iterations());
    k.put("parallelism", kdf.parallelism());
    k.put("salt", Base64.getEncoder().encodeToString(kdf.salt()));
    return root;
  }

  static void write(Path file, ObjectNode root, PassphraseKdf kdf, boolean overwrite)
      throws IOException {
    byte[] json = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    try (AtomicOutput out = AtomicOutput.create(file, overwrite)) {
      out.stream().write(json);
      out.stream().write('\n');
      out.commit();
    }
    if (kdf.weak()) {
      KdfProfile.warnWeakWrite(file, kdf.toString());
    }
  }

  static JsonNode parse(Path file, String format, String purpose) throws KeysetException {
    JsonNode root;
    String what = format.equals(EncryptedKeysetFile.FORMAT) ? "keyset file" : "secret file";
    try {
      root = new ObjectMapper().readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      throw new KeysetException(file + ": no such " + what);
    } catch (IOException e) {
      throw new KeysetException(file + ": not a blindmatch " + format + " file ("
          + e.getMessage() + ")");
    }
    if (root == null || !format.equals(root.path("format").asText())) {
      throw new KeysetException(file + ": not a blindmatch file of format " + format);
    }
    if (!purpose.equals(root.path("purpose").asText())) {
      throw new KeysetException(file + ": file is for " + Excerpt.quote(root.path("purpose").asText())
          + ", expected \"" + purpose + "\"");
    }
    return root;
  }

  static PassphraseKdf kdf(JsonNode root, Path file) throws KeysetException {
    JsonNode k = root.path("kdf");
    if (!"argon2id".equals(k.path("algorithm").asText()) || k.path("version").asInt() != 19) {
      throw new KeysetException(file + ": kdf: only argon2id version 19 is supported");
    }
    PassphraseKdf kdf;
    try {
      kdf = new PassphraseKdf(
          k.path("memory_kib").asInt(),
          k.path("iterations").asInt(),
          k.path("parallelism").asInt(),
          Base64.getDecoder().decode(k.path("salt").asText()));
    } catch (IllegalArgumentException e) {
      throw new KeysetException(file + ": kdf: " + e.getMessage());
    }
    if (kdf.weak() && !KdfProfile.testProfile()) {
      throw new KeysetException(
          KdfProfile.refuseWeak(file, kdf.toString(), PassphraseKdf.defaults()));
    }
    return kdf;
  }

  static byte[] associatedData(String format, String purpose, PassphraseKdf kdf) {
    String ad = format + "|" + purpose + "|argon2id|19|" + kdf.memoryKib() + "|"
        + kdf.iterations() + "|" + kdf.parallelism() + "|"
        + Base64.getEncoder().encodeToString(kdf.salt());
    return ad.getBytes(StandardCharsets.UTF_8);
  }

  static Aead aead(PassphraseKdf kdf, char[] passphrase) throws GeneralSecurityException {
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
