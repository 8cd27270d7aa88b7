package org.blindmatch.client.federation;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;
import org.blindmatch.core.transport.HostPort;
import org.blindmatch.crypto.io.Excerpt;
import org.blindmatch.crypto.io.StrictYaml;
import org.blindmatch.crypto.io.YamlException;
import org.blindmatch.crypto.keys.PassphraseFile;

/**
 * How a node reaches the clearinghouse and proves who it is: a small YAML file.
 *
 * <pre>
 * server: 127.0.0.1:7443
 * tls: {ca: pki/ca.crt, cert: pki/platform-a.crt, key: pki/platform-a.key,
 *       revocations: pki/ca.crl}   # optional: refuse a server whose certificate is revoked
 * signing_keyset: platform-a-signing.json
 * passphrase_file: passphrase.txt   # decrypts the TLS key and the signing keyset
 * pins: sea.pins                     # optional; default: this file's name + ".pins"
 * witnesses: witnesses.txt           # optional: accept only tree heads these witnesses cosigned
 * min_witnesses: 2                   # with witnesses: how many must have (default 1)
 * </pre>
 *
 * Relative paths resolve against the profile's directory. For plaintext development
 * against a server started with {@code insecure_loopback}, replace {@code tls} with
 * {@code insecure_loopback_identity: blindmatch://<federation>/<role>/<name>}.
 *
 * @param host server host
 * @param port server port
 * @param caCertificate federation CA (PEM)
 * @param certificate this node's certificate (PEM)
 * @param privateKey this node's encrypted PKCS#8 key (PEM)
 * @param signingKeyset this node's encrypted Tink signing keyset
 * @param passphraseFile passphrase for the key and the keyset
 * @param insecureIdentity development identity for plaintext loopback, else null
 * @param revocations the federation's revocation list ({@code tls.revocations}, the CA's
 *     {@code ca.crl}); when set, a server whose certificate is on it is refused. May be null
 * @param pins the file of pinned clearinghouse log keys ({@link KeyPins})
 * @param witnesses the witness list ({@code witnesses}: C2SP vkeys, one a line) whose
 *     cosignatures this node requires on the tree heads it accepts (submit, results get,
 *     audit); null for none
 * @param minWitnesses how many of them must have cosigned ({@code min_witnesses}, default 1);
 *     0 without {@code witnesses}
 */
public record NodeProfile(
    String host,
    int port,
    Path caCertificate,
    Path certificate,
    Path privateKey,
    Path signingKeyset,
    Path passphraseFile,
    String insecureIdentity,
    Path revocations,
    Path pins,
    Path witnesses,
    int minWitnesses) {

  private static final Set<String> KEYS = Set.of("server", "tls", "signing_keyset",
      "passphrase_file", "insecure_loopback_identity", "pins", "witnesses", "min_witnesses");

  /** A profile without a witness policy (a process that reaches keyholders only). */
  public NodeProfile(String host, int port, Path caCertificate, Path certificate,
      Path privateKey, Path signingKeyset, Path passphraseFile, String insecureIdentity,
      Path revocations, Path pins) {
    this(host, port, caCertificate, certificate, privateKey, signingKeyset, passphraseFile,
        insecureIdentity, revocations, pins, null, 0);
  }

  /**
   * Reads a profile through {@link StrictYaml}.
   *
   * @throws FederationException naming the file, line or key: missing, too large, not YAML,
   *     a duplicate or unknown key, a missing or bad value
   */
  public static NodeProfile load(Path file) throws FederationException {
    JsonNode root;
    try {
      root = StrictYaml.read(file, "profile");
    } catch (YamlException e) {
      throw new FederationException(e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new FederationException(file + ": expected a mapping");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!KEYS.contains(k)) {
        throw new FederationException(file + ": " + Excerpt.key(k) + ": unknown key (allowed: "
            + String.join(", ", KEYS.stream().sorted().toList()) + ")");
      }
    }
    Path base = file.toAbsolutePath().getParent();
    String server = root.path("server").asText("");
    HostPort address;
    try {
      address = HostPort.parse(server, false);
    } catch (IllegalArgumentException e) {
      throw new FederationException(file + ": server: " + e.getMessage());
    }
    String host = address.host();
    int port = address.port();
    String insecure = root.path("insecure_loopback_identity").asText(null);
    JsonNode tls = root.get("tls");
    if (insecure == null && (tls == null || !tls.isObject())) {
      throw new FederationException(file + ": tls: missing (ca, cert, key)");
    }
    Path witnesses = root.hasNonNull("witnesses")
        ? base.resolve(required(root, "witnesses", file, "")) : null;
    int minWitnesses = 0;
    if (root.has("min_witnesses")) {
      JsonNode min = root.get("min_witnesses");
      if (witnesses == null) {
        throw new FederationException(file + ": min_witnesses: needs witnesses (the list "
            + "of witness keys)");
      }
      if (!min.canConvertToInt() || !min.isIntegralNumber() || min.asInt() < 1) {
        throw new FederationException(file + ": min_witnesses: " + Excerpt.quote(min.asText())
            + " is not a whole number of at least 1");
      }
      minWitnesses = min.asInt();
    } else if (witnesses != null) {
      minWitnesses = 1;
    }
    return new NodeProfile(host, port,
        tls == null ? null : base.resolve(required(tls, "ca", file, "tls.")),
        tls == null ? null : base.resolve(required(tls, "cert", file, "tls.")),
        tls == null ? null : base.resolve(required(tls, "key", file, "tls.")),
        base.resolve(required(root, "signing_keyset", file, "")),
        base.resolve(required(root, "passphrase_file", file, "")),
        insecure,
        tls == null || !tls.hasNonNull("revocations") ? null
            : base.resolve(required(tls, "revocations", file, "tls.")),
        root.hasNonNull("pins") ? base.resolve(required(root, "pins", file, ""))
            : base.resolve(file.getFileName() + ".pins"),
        witnesses, minWitnesses);
  }

  /** The passphrase (first line of the passphrase file). The caller wipes it. */
  public char[] passphrase() throws FederationException {
    try {
      return PassphraseFile.read(passphraseFile);
    } catch (IOException e) {
      throw new FederationException(passphraseFile + ": cannot read passphrase file: "
          + e.getMessage());
    }
  }

  private static String required(JsonNode node, String key, Path file, String prefix)
      throws FederationException {
    String v = node.path(key).asText("");
    if (v.isBlank()) {
      throw new FederationException(file + ": " + prefix + key + ": missing");
    }
    return v;
  }
}
