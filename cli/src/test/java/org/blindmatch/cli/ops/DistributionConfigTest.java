package org.blindmatch.cli.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.blindmatch.client.federation.NodeProfile;
import org.blindmatch.crypto.scope.ScopeLoader;
import org.blindmatch.server.clearinghouse.ClearinghouseConfig;
import org.blindmatch.server.clearinghouse.StoreConfig;
import org.blindmatch.server.keyholder.KeyholderConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example configurations shipped in the distribution's {@code conf/} load with the real
 * loaders, show every key the loaders accept, and every such key is documented in
 * docs/OPERATIONS.md in the section of its file.
 */
class DistributionConfigTest {

  @Test
  void exampleConfigsLoadWithTheRealLoaders(@TempDir Path dir) throws Exception {
    for (String f : List.of("clearinghouse.yaml", "keyholder.yaml", "node.profile.yaml")) {
      Files.copy(Repo.conf().resolve(f), dir.resolve(f));
    }
    ClearinghouseConfig ch = ClearinghouseConfig.load(dir.resolve("clearinghouse.yaml"));
    // As shipped: the embedded store and hmac mode, so that it starts without a database
    // or an oprf epoch (deploy/validate/container-test.sh starts it).
    assertEquals(StoreConfig.embedded(), ch.store());
    assertEquals(List.of(), ch.oprfPublicKeys());
    // The alternatives it shows commented out load as written once uncommented.
    Files.writeString(dir.resolve("clearinghouse.yaml"),
        uncommented(Repo.conf().resolve("clearinghouse.yaml"), ClearinghouseConfig.keys()));
    ch = ClearinghouseConfig.load(dir.resolve("clearinghouse.yaml"));
    assertEquals("sea", ch.federation());
    assertEquals(7443, ch.port());
    assertEquals(dir.resolve("data"), ch.dataDir());
    assertEquals(dir.resolve("pki/clearinghouse.crt"), ch.certificate());
    assertEquals(List.of(Integer.parseUnsignedInt("2243174599")), ch.acceptedKeyIds());
    assertEquals(List.of(dir.resolve("oprf-public.epoch-1.json")), ch.oprfPublicKeys());
    assertEquals(3, ch.kThreshold());
    assertEquals(Duration.ofDays(30), ch.submissionTtl());
    assertFalse(ch.insecureLoopback());
    assertEquals(new StoreConfig(StoreConfig.Kind.POSTGRESQL, "jdbc:postgresql://db.example.org"
        + ":5432/blindmatch?sslmode=verify-full&sslrootcert=/etc/blindmatch/postgres-ca.crt",
        "blindmatch", dir.resolve("postgres-password.txt")), ch.store());

    KeyholderConfig kh = KeyholderConfig.load(dir.resolve("keyholder.yaml"), null);
    assertEquals(7444, kh.port());
    assertEquals(dir.resolve("keyholder-1.epoch-1.share"), kh.share());
    assertEquals(1_000_000, kh.quotaPerIdentity());

    NodeProfile profile = NodeProfile.load(dir.resolve("node.profile.yaml"));
    assertEquals("clearinghouse.example.org", profile.host());
    // The scope example is the one the docs and the demo use.
    assertEquals("sea-compounds-2026", ScopeLoader.load(Repo.root().resolve("examples/scope.yaml"))
        .id());
  }

  @Test
  void examplesShowEveryKeyTheLoadersAccept() throws Exception {
    Path ch = Files.createTempFile("clearinghouse", ".yaml");
    try {
      Files.writeString(ch, uncommented(Repo.conf().resolve("clearinghouse.yaml"),
          ClearinghouseConfig.keys()));
      assertEquals(ClearinghouseConfig.keys(), keysOf(ch));
    } finally {
      Files.delete(ch);
    }
    assertEquals(KeyholderConfig.keys(), keysOf(Repo.conf().resolve("keyholder.yaml")));
  }

  @Test
  void operationsMdDocumentsEveryKey() throws Exception {
    String ops = Files.readString(Repo.root().resolve("docs/OPERATIONS.md"));
    Map<String, Set<String>> sections = Map.of(
        "## Clearinghouse configuration", ClearinghouseConfig.keys(),
        "## Keyholder configuration", KeyholderConfig.keys());
    for (Map.Entry<String, Set<String>> s : sections.entrySet()) {
      int at = ops.indexOf(s.getKey());
      assertTrue(at >= 0, "OPERATIONS.md has no section " + s.getKey());
      int end = ops.indexOf("\n## ", at + 1);
      String section = ops.substring(at, end < 0 ? ops.length() : end);
      Set<String> documented = new TreeSet<>();
      for (String line : section.split("\n")) {
        if (line.startsWith("| `")) {
          Matcher m = Pattern.compile("`([a-z_.]+)`").matcher(line.split("\\|")[1]);
          while (m.find()) {
            documented.add(m.group(1));
          }
        }
      }
      for (String key : s.getValue()) {
        assertTrue(documented.contains(key)
                || documented.stream().anyMatch(d -> d.startsWith(key + ".")),
            "OPERATIONS.md section " + s.getKey() + " does not document key " + key
                + " (documented: " + documented + ")");
      }
    }
  }

  /** {@code yaml} with its commented-out settings ("# key: value", key a known one) enabled. */
  static String uncommented(Path yaml, Set<String> known) throws Exception {
    StringBuilder out = new StringBuilder();
    for (String line : Files.readAllLines(yaml)) {
      Matcher m = Pattern.compile("^# ([a-z_]+): .*").matcher(line);
      out.append(m.matches() && known.contains(m.group(1)) ? line.substring(2) : line)
          .append('\n');
    }
    return out.toString();
  }

  /** The dotted keys of a YAML mapping, nested mappings one level deep. */
  static Set<String> keysOf(Path yaml) throws Exception {
    JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(yaml.toFile());
    Set<String> keys = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      keys.add(e.getKey());
      if (e.getValue().isObject()) {
        e.getValue().fieldNames().forEachRemaining(k -> keys.add(e.getKey() + "." + k));
      }
    }
    return keys;
  }
}
