package org.blindmatch.server.keyholder;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.blindmatch.server.config.ConfigFile;
import org.blindmatch.server.logging.LogFormat;
import org.blindmatch.core.transport.HostPort;
import org.blindmatch.server.config.ConfigException;

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
 * @param revocations the federation's revocation list ({@code tls.revocations}), or null
 * @param passphraseFile decrypts the TLS key and the share
 * @param share the encrypted share file of the current epoch
 * @param publicKey the epoch's public file
 * @param quotaPerIdentity evaluations each caller may request per epoch
 * @param healthListen plaintext health-only probe address, or null for none
 * @param metricsListen plaintext Prometheus {@code /metrics} address, or null for none
 * @param logFormat the process's log format
 */
public record KeyholderConfig(
    String federation, String host, int port, Path dataDir, Path caCertificate,
    Path certificate, Path privateKey, Path revocations, Path passphraseFile, Path share, Path publicKey,
    long quotaPerIdentity, HostPort healthListen, HostPort metricsListen,
    LogFormat logFormat) {

  private static final Set<String> KEYS = Set.of("federation", "listen", "data_dir", "tls",
      "passphrase_file", "share", "public_key", "quota_per_identity",
      "health_listen", "metrics_listen", "log_format");
  private static final Set<String> TLS_KEYS = Set.of("ca", "cert", "key", "revocations");

  /**
   * Every key this loader accepts, nested keys dotted ({@code tls.ca}); the reference in
   * {@code docs/OPERATIONS.md} documents each.
   */
  public static Set<String> keys() {
    Set<String> all = new TreeSet<>(KEYS);
    TLS_KEYS.forEach(k -> all.add("tls." + k));
    return all;
  }

  /**
   * Loads a configuration; {@code shareOverride} (from {@code --share}) replaces its share.
   * Nothing is opened or bound.
   *
   * @throws ConfigException naming the file, key and reason
   */
  public static KeyholderConfig load(Path file, Path shareOverride) throws ConfigException {
    ConfigFile c = ConfigFile.read(file, KEYS);
    HostPort listen = c.listen("listen");
    JsonNode tls = c.section("tls", TLS_KEYS);
    long quota = c.integer("quota_per_identity", 1_000_000, 1, Long.MAX_VALUE);
    Path share = shareOverride != null ? shareOverride : c.path("share");
    HostPort health = c.optionalListen("health_listen", listen);
    HostPort metrics = c.optionalListen("metrics_listen", listen);
    c.distinctPorts("metrics_listen", metrics, "health_listen", health);
    return new KeyholderConfig(c.text("federation"), listen.host(), listen.port(),
        c.path("data_dir"), c.path(tls, "ca", "tls.ca"), c.path(tls, "cert", "tls.cert"),
        c.path(tls, "key", "tls.key"),
        tls.has("revocations") ? c.path(tls, "revocations", "tls.revocations") : null,
        c.path("passphrase_file"), share,
        c.path("public_key"), quota,
        health, metrics, c.logFormat("log_format"));
  }
}
