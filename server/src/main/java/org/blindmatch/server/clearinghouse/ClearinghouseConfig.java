package org.blindmatch.server.clearinghouse;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.blindmatch.core.transport.HostPort;
import org.blindmatch.crypto.io.Excerpt;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.blindmatch.server.config.ConfigException;
import org.blindmatch.server.config.ConfigFile;
import org.blindmatch.server.logging.LogFormat;

/**
 * The clearinghouse server's configuration file (YAML). Relative paths are resolved against
 * the file's directory. Unknown keys are errors. Reference: {@code docs/OPERATIONS.md}.
 *
 * @param federation federation name, as in the node certificates
 * @param host bind address
 * @param port bind port (0 = any free port, printed at start)
 * @param dataDir where submissions, metadata and results live
 * @param caCertificate federation CA certificate (PEM)
 * @param certificate this server's certificate (PEM)
 * @param privateKey this server's encrypted PKCS#8 key (PEM)
 * @param revocations the federation's revocation list ({@code tls.revocations}, the CA's
 *     {@code ca.crl}), or null for none
 * @param signingKeyset this server's encrypted Tink signing keyset
 * @param passphraseFile decrypts the TLS key and the signing keyset
 * @param scope the published scope file
 * @param acceptedKeyIds hmac key ids accepted for the scope (may be empty if oprf epochs are)
 * @param oprfPublicKeys public files of the oprf key epochs accepted for the scope
 * @param kThreshold NGO aggregates below this many distinct records are suppressed
 * @param submissionTtl how long token data is kept after commit
 * @param insecureLoopback plaintext without authentication, loopback only, for development
 * @param healthListen plaintext health-only probe address, or null for none
 * @param metricsListen plaintext Prometheus {@code /metrics} address, or null for none
 * @param logFormat the process's log format
 * @param store where metadata and the transparency log live (segments stay in data_dir)
 * @param quotas what one submitter may hold ({@code max_submission_records} …
 *     {@code upload_idle_expiry})
 */
public record ClearinghouseConfig(
    String federation,
    String host,
    int port,
    Path dataDir,
    Path caCertificate,
    Path certificate,
    Path privateKey,
    Path revocations,
    Path signingKeyset,
    Path passphraseFile,
    Path scope,
    List<Integer> acceptedKeyIds,
    List<Path> oprfPublicKeys,
    int kThreshold,
    Duration submissionTtl,
    boolean insecureLoopback,
    HostPort healthListen,
    HostPort metricsListen,
    LogFormat logFormat,
    StoreConfig store,
    UploadQuotas quotas) {

  private static final Set<String> KEYS = Set.of("federation", "listen", "data_dir", "tls",
      "signing_keyset", "passphrase_file", "scope", "accepted_key_ids", "oprf_public_keys",
      "k_threshold", "submission_ttl", "insecure_loopback", "health_listen",
      "metrics_listen", "log_format", "store", UploadQuotas.RECORDS, UploadQuotas.BYTES,
      UploadQuotas.OPEN, UploadQuotas.STAGED, UploadQuotas.IDLE);
  private static final Set<String> TLS_KEYS = Set.of("ca", "cert", "key", "revocations");


  /**
   * Every key this loader accepts, nested keys dotted ({@code tls.ca}); the reference in
   * {@code docs/OPERATIONS.md} documents each.
   */
  public static Set<String> keys() {
    Set<String> all = new TreeSet<>(KEYS);
    TLS_KEYS.forEach(k -> all.add("tls." + k));
    StoreConfig.KEYS.forEach(k -> all.add("store." + k));
    return all;
  }

  /** Loads and validates a configuration file; nothing is opened or bound. */
  public static ClearinghouseConfig load(Path file) throws ConfigException {
    return load(file, false);
  }

  /**
   * As {@link #load(Path)}; {@code insecureLoopback} forces development mode (plaintext, no
   * authentication, loopback only) whatever the file says.
   *
   * @throws ConfigException naming the file, the key and the reason
   */
  public static ClearinghouseConfig load(Path file, boolean insecureLoopback)
      throws ConfigException {
    ConfigFile c = ConfigFile.read(file, KEYS);
    HostPort listen = c.listen("listen");
    boolean insecure = c.bool("insecure_loopback", false) || insecureLoopback;
    Path ca = null;
    Path cert = null;
    Path key = null;
    Path revocations = null;
    if (!insecure || c.node("tls") != null) {
      if (c.node("tls") == null) {
        throw c.error("tls", "missing (ca, cert, key); plaintext needs insecure_loopback: true");
      }
      JsonNode tls = c.section("tls", TLS_KEYS);
      ca = c.path(tls, "ca", "tls.ca");
      cert = c.path(tls, "cert", "tls.cert");
      key = c.path(tls, "key", "tls.key");
      revocations = tls.has("revocations") ? c.path(tls, "revocations", "tls.revocations")
          : null;
    }
    List<Integer> keyIds = new ArrayList<>();
    JsonNode ids = c.node("accepted_key_ids");
    JsonNode oprf = c.node("oprf_public_keys");
    if (ids != null && !ids.isArray()) {
      throw c.error("accepted_key_ids", "a list of hmac key ids");
    }
    if (oprf != null && !oprf.isArray()) {
      throw c.error("oprf_public_keys", "a list of oprf public key files");
    }
    if ((ids == null || ids.isEmpty()) && (oprf == null || oprf.isEmpty())) {
      throw c.error("accepted_key_ids, oprf_public_keys", "at least one hmac key id or oprf "
          + "key epoch must be accepted");
    }
    List<Path> oprfFiles = new ArrayList<>();
    for (JsonNode f : oprf == null ? List.<JsonNode>of() : oprf) {
      if (!f.isTextual() || f.asText().isBlank()) {
        throw c.error("oprf_public_keys", Excerpt.quote(f.asText()) + " is not a file path");
      }
      oprfFiles.add(c.resolve(f.asText()));
    }
    for (JsonNode id : ids == null ? List.<JsonNode>of() : ids) {
      try {
        keyIds.add(Integer.parseUnsignedInt(id.asText()));
      } catch (NumberFormatException e) {
        throw c.error("accepted_key_ids", Excerpt.quote(id.asText())
            + " is not an unsigned 32-bit key id");
      }
    }
    int k = (int) c.integer("k_threshold", 3, 1, 1000);
    JsonNode ttlNode = c.node("submission_ttl");
    Duration ttl = duration("submission_ttl", ttlNode == null ? "30d" : ttlNode.asText(), c);
    HostPort health = c.optionalListen("health_listen", listen);
    HostPort metrics = c.optionalListen("metrics_listen", listen);
    c.distinctPorts("metrics_listen", metrics, "health_listen", health);
    return new ClearinghouseConfig(c.text("federation"), listen.host(), listen.port(),
        c.path("data_dir"), ca, cert, key, revocations, c.path("signing_keyset"),
        c.path("passphrase_file"), c.path("scope"), List.copyOf(keyIds),
        List.copyOf(oprfFiles), k, ttl, insecure, health, metrics,
        c.logFormat("log_format"), StoreConfig.read(c), quotas(c));
  }

  private static UploadQuotas quotas(ConfigFile c) throws ConfigException {
    UploadQuotas d = UploadQuotas.DEFAULTS;
    long max = Long.MAX_VALUE / TokenRecord.LENGTH;
    JsonNode idle = c.node(UploadQuotas.IDLE);
    return new UploadQuotas(
        c.integer(UploadQuotas.RECORDS, d.maxSubmissionRecords(), 1, max),
        c.integer(UploadQuotas.BYTES, d.maxSubmissionBytes(), TokenRecord.LENGTH,
            Long.MAX_VALUE),
        c.integer(UploadQuotas.OPEN, d.maxOpenUploads(), 1, 1_000_000),
        c.integer(UploadQuotas.STAGED, d.maxStagedBytes(), TokenRecord.LENGTH,
            Long.MAX_VALUE),
        idle == null ? d.idleExpiry() : duration(UploadQuotas.IDLE, idle.asText(), c));
  }

  private static Duration duration(String key, String text, ConfigFile c)
      throws ConfigException {
    if (text.length() >= 2) {
      String digits = text.substring(0, text.length() - 1);
      if (digits.chars().allMatch(Character::isDigit) && digits.length() <= 6) {
        long n = Long.parseLong(digits);
        switch (text.charAt(text.length() - 1)) {
          case 'm': return Duration.ofMinutes(n);
          case 'h': return Duration.ofHours(n);
          case 'd': return Duration.ofDays(n);
          default: break;
        }
      }
    }
    throw c.error(key,
        Excerpt.quote(text) + " is not a duration such as 90m, 12h or 30d");
  }
}
