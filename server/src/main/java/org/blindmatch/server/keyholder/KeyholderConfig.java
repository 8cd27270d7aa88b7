package org.blindmatch.server.keyholder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;
import org.blindmatch.server.clearinghouse.ClearinghouseConfig.ConfigException;

/**
 * A keyholder's configuration file (YAML; relative paths against its directory; unknown keys
 * are errors). Reference: {@code docs/OPERATIONS.md}.
 *
 * @param federation federation name
 * @param host bind address
 * @param port bind port (0 = any)
 * @param dataDir where the evaluation ledger lives
 * @param caCertificate federation CA
 * @param certificate this keyholder's certificate (role keyholder)
 * @param privateKey its encrypted key
 * @param passphraseFile decrypts the TLS key and the share
 * @param share the encrypted share file of the current epoch
 * @param publicKey the epoch's public file
 * @param quotaPerIdentity evaluations each caller may request per epoch
 */
public record KeyholderConfig(
    String federation, String host, int port, Path dataDir, Path caCertificate,
    Path certificate, Path privateKey, Path passphraseFile, Path share, Path publicKey,
    long quotaPerIdentity) {

  private static final Set<String> KEYS = Set.of("federation", "listen", "data_dir", "tls",
      "passphrase_file", "share", "public_key", "quota_per_identity");

  /**
   * Loads a configuration; {@code shareOverride} (from {@code --share}) replaces its share.
   *
   * @throws ConfigException naming the file, key and reason
   */
  public static KeyholderConfig load(Path file, Path shareOverride) throws ConfigException {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException(file + ": expected a mapping");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!KEYS.contains(k)) {
        throw new ConfigException(file + ": " + k + ": unknown key (allowed: "
            + String.join(", ", KEYS.stream().sorted().toList()) + ")");
      }
    }
    Path base = file.toAbsolutePath().getParent();
    String listen = req(root, "listen", file);
    int colon = listen.lastIndexOf(':');
    int port;
    try {
      port = Integer.parseInt(listen.substring(colon + 1));
    } catch (RuntimeException e) {
      port = -1;
    }
    if (colon <= 0 || port < 0 || port > 65535) {
      throw new ConfigException(file + ": listen: \"" + listen + "\" is not host:port");
    }
    JsonNode tls = root.path("tls");
    long quota = root.path("quota_per_identity").asLong(1_000_000);
    if (quota < 1) {
      throw new ConfigException(file + ": quota_per_identity: must be positive");
    }
    Path share = shareOverride != null ? shareOverride : base.resolve(req(root, "share", file));
    return new KeyholderConfig(req(root, "federation", file),
        listen.substring(0, colon).replace("[", "").replace("]", ""), port,
        base.resolve(req(root, "data_dir", file)),
        base.resolve(req(tls, "ca", file)), base.resolve(req(tls, "cert", file)),
        base.resolve(req(tls, "key", file)), base.resolve(req(root, "passphrase_file", file)),
        share, base.resolve(req(root, "public_key", file)), quota);
  }

  private static String req(JsonNode node, String key, Path file) throws ConfigException {
    String v = node.path(key).asText("");
    if (v.isBlank()) {
      throw new ConfigException(file + ": " + key + ": missing");
    }
    return v;
  }
}
