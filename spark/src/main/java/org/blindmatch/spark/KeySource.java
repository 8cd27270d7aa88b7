package org.blindmatch.spark;

import com.google.crypto.tink.KeysetHandle;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkFiles;
import org.blindmatch.crypto.keys.EncryptedKeysetFile;
import org.blindmatch.crypto.keys.KeysetException;
import org.blindmatch.crypto.keys.PassphraseFile;
import org.blindmatch.crypto.keys.TokenKeyset;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.scope.ScopeException;
import org.blindmatch.crypto.scope.ScopeLoader;
import org.blindmatch.crypto.token.HmacTokenDeriver;

/**
 * Where every process of the job gets its token function: the scope text (shipped from the
 * driver) and the paths of the encrypted keyset and passphrase file. The secret never
 * travels in the job: each JVM decrypts the keyset itself, once, and keeps the deriver for
 * the JVM's lifetime ({@link #deriver}). Thread-safe.
 *
 * @param scopeText the scope file's content, as the driver read it
 * @param scopeSource the scope file's name, for messages
 * @param keyset the encrypted keyset's path, or a file name shipped with {@code --files};
 *     null in oprf mode (only the scope is used)
 * @param keyId the key to use, or null for the primary
 * @param passphraseFile the passphrase file (same lookup), or null for the environment
 */
public record KeySource(String scopeText, String scopeSource, String keyset, Integer keyId,
    String passphraseFile) implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ConcurrentHashMap<KeySource, HmacTokenDeriver> DERIVERS =
      new ConcurrentHashMap<>();

  /** The scope. */
  public Scope scope() throws ScopeException {
    return ScopeLoader.parse(scopeText, scopeSource, scopeSource.endsWith(".json"));
  }

  /**
   * The scope, on an executor (the driver parsed the same text already).
   *
   * @throws IllegalStateException if it does not parse
   */
  public Scope scopeOrFail() {
    try {
      return scope();
    } catch (ScopeException e) {
      throw new IllegalStateException(e.getMessage());
    }
  }

  /**
   * This JVM's deriver: built on first use (decrypting the keyset, an Argon2id derivation)
   * and cached.
   *
   * @throws IllegalStateException naming the file and reason if the key cannot be read
   */
  public HmacTokenDeriver deriver() {
    return DERIVERS.computeIfAbsent(this, k -> {
      try {
        return k.load();
      } catch (JobException e) {
        throw new IllegalStateException(e.getMessage());
      }
    });
  }

  /**
   * Reads the key and builds the deriver (the driver calls this to fail early).
   *
   * @throws JobException naming the file and reason
   */
  public HmacTokenDeriver load() throws JobException {
    char[] passphrase = passphrase();
    try {
      Scope scope = scope();
      KeysetHandle handle = EncryptedKeysetFile.read(locate(keyset), TokenKeyset.PURPOSE,
          passphrase);
      TokenKeyset.SelectedKey key = TokenKeyset.select(handle, keyId);
      return new HmacTokenDeriver(scope, key.key(), key.id());
    } catch (KeysetException | ScopeException e) {
      throw new JobException(e.getMessage());
    } finally {
      Arrays.fill(passphrase, '\0');
    }
  }

  private char[] passphrase() throws JobException {
    if (passphraseFile != null) {
      Path file = locate(passphraseFile);
      try {
        return PassphraseFile.read(file);
      } catch (IOException e) {
        throw new JobException(file + ": cannot read passphrase file: " + e.getMessage());
      }
    }
    String env = System.getenv(PassphraseFile.ENV);
    if (env == null || env.isEmpty()) {
      throw new JobException("no passphrase: set passphrase_file in the job configuration "
          + "(shipped with --files) or " + PassphraseFile.ENV + " on the driver and every "
          + "executor");
    }
    return env.toCharArray();
  }

  /** The path as given if it exists here, else the file of that name shipped with --files. */
  static Path locate(String path) {
    Path p = Path.of(path);
    if (Files.exists(p)) {
      return p;
    }
    try {
      Path shipped = Path.of(SparkFiles.get(p.getFileName().toString()));
      return Files.exists(shipped) ? shipped : p;
    } catch (RuntimeException e) {
      return p; // no SparkContext here: report the path as configured
    }
  }
}
