package org.blindmatch.server.clearinghouse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

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
 * @param signingKeyset this server's encrypted Tink signing keyset
 * @param passphraseFile decrypts the TLS key and the signing keyset
 * @param scope the published scope file
 * @param acceptedKeyIds hmac key ids accepted for the scope (may be empty if oprf epochs are)
 * @param oprfPublicKeys public files of the oprf key epochs accepted for the scope
 * @param kThreshold NGO aggregates below this many distinct records are suppressed
 * @param submissionTtl how long token data is kept after commit
 * @param insecureLoopback plaintext without authentication, loopback only, for development
 */
public record ClearinghouseConfig(
    String federation,
    String host,
    int port,
    Path dataDir,
    Path caCertificate,
    Path certificate,
    Path privateKey,
    Path signingKeyset,
    Path passphraseFile,
    Path scope,
    List<Integer> acceptedKeyIds,
    List<Path> oprfPublicKeys,
    int kThreshold,
    Duration submissionTtl,
    boolean insecureLoopback) {

  private static final Set<String> KEYS = Set.of("federation", "listen", "data_dir", "tls",
      "signing_keyset", "passphrase_file", "scope", "accepted_key_ids", "oprf_public_keys", "k_threshold",
      "submission_ttl", "insecure_loopback");
  private static final Set<String> TLS_KEYS = Set.of("ca", "cert", "key");

  /** A configuration problem, naming the file and key. */
  public static final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
      super(message);
    }
  }

  /** Loads and validates a configuration file; nothing is opened or bound. */
  public static ClearinghouseConfig load(Path file) throws ConfigException {
    return load(file, false);
  }

  /**
   * As {@link #load(Path)}; {@code insecureLoopback} forces development mode (plaintext, no
   * authentication, loopback only) whatever the file says.
   */
  public static ClearinghouseConfig load(Path file, boolean insecureLoopback)
      throws ConfigException {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
    } catch (java.nio.file.NoSuchFileException e) {
      throw new ConfigException(file + ": no such config file");
    } catch (IOException e) {
      throw new ConfigException(file + ": not valid YAML: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException(file + ": expected a mapping");
    }
    String src = file.toString();
    checkKeys(root, KEYS, src, "");
    Path base = file.toAbsolutePath().getParent();
    String listen = text(root, "listen", src);
    int colon = listen.lastIndexOf(':');
    if (colon <= 0) {
      throw new ConfigException(src + ": listen: \"" + listen + "\" is not host:port");
    }
    String host = listen.substring(0, colon).replace("[", "").replace("]", "");
    int port;
    try {
      port = Integer.parseInt(listen.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw new ConfigException(src + ": listen: port must be 0..65535");
    }
    boolean insecure = insecureLoopback || root.path("insecure_loopback").asBoolean(false);
    JsonNode tls = root.get("tls");
    Path ca = null;
    Path cert = null;
    Path key = null;
    if (!insecure) {
      if (tls == null || !tls.isObject()) {
        throw new ConfigException(src + ": tls: missing (ca, cert, key); plaintext needs "
            + "insecure_loopback: true");
      }
      checkKeys(tls, TLS_KEYS, src, "tls.");
      ca = path(base, tls, "ca", src, "tls.");
      cert = path(base, tls, "cert", src, "tls.");
      key = path(base, tls, "key", src, "tls.");
    }
    List<Integer> keyIds = new ArrayList<>();
    JsonNode ids = root.path("accepted_key_ids");
    JsonNode oprf = root.path("oprf_public_keys");
    if (!ids.isMissingNode() && !ids.isArray()) {
      throw new ConfigException(src + ": accepted_key_ids: a list of hmac key ids");
    }
    if (!oprf.isMissingNode() && !oprf.isArray()) {
      throw new ConfigException(src + ": oprf_public_keys: a list of oprf public key files");
    }
    if (ids.isEmpty() && oprf.isEmpty()) {
      throw new ConfigException(src + ": accepted_key_ids, oprf_public_keys: at least one "
          + "hmac key id or oprf key epoch must be accepted");
    }
    List<Path> oprfFiles = new ArrayList<>();
    for (JsonNode f : oprf) {
      if (!f.isTextual() || f.asText().isBlank()) {
        throw new ConfigException(src + ": oprf_public_keys: \"" + f.asText()
            + "\" is not a file path");
      }
      oprfFiles.add(base.resolve(f.asText()));
    }
    for (JsonNode id : ids) {
      try {
        keyIds.add(Integer.parseUnsignedInt(id.asText()));
      } catch (NumberFormatException e) {
        throw new ConfigException(src + ": accepted_key_ids: \"" + id.asText()
            + "\" is not an unsigned 32-bit key id");
      }
    }
    int k = root.path("k_threshold").asInt(3);
    if (k < 1 || k > 1000) {
      throw new ConfigException(src + ": k_threshold: " + k + " is not in 1..1000");
    }
    Duration ttl = duration(root.path("submission_ttl").asText("30d"), src);
    return new ClearinghouseConfig(
        text(root, "federation", src), host, port,
        base.resolve(text(root, "data_dir", src)), ca, cert, key,
        base.resolve(text(root, "signing_keyset", src)),
        base.resolve(text(root, "passphrase_file", src)),
        base.resolve(text(root, "scope", src)),
        List.copyOf(keyIds), List.copyOf(oprfFiles), k, ttl, insecure);
  }

  private static Duration duration(String text, String src) throws ConfigException {
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
    throw new ConfigException(src + ": submission_ttl: \"" + text
        + "\" is not a duration such as 90m, 12h or 30d");
  }

  private static void checkKeys(JsonNode node, Set<String> allowed, String src, String prefix)
      throws ConfigException {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        throw new ConfigException(src + ": " + prefix + key + ": unknown key (allowed: "
            + String.join(", ", allowed.stream().sorted().toList()) + ")");
      }
    }
  }

  private static String text(JsonNode node, String key, String src) throws ConfigException {
    JsonNode v = node.get(key);
    if (v == null || !v.isValueNode() || v.asText().isBlank()) {
      throw new ConfigException(src + ": " + key + ": missing");
    }
    return v.asText();
  }

  private static Path path(Path base, JsonNode node, String key, String src, String prefix)
      throws ConfigException {
    JsonNode v = node.get(key);
    if (v == null || v.asText().isBlank()) {
      throw new ConfigException(src + ": " + prefix + key + ": missing");
    }
    return base.resolve(v.asText());
  }
}
