package org.blindmatch.cli.federation;

import static org.blindmatch.cli.federation.FederationTests.fail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.blindmatch.crypto.pki.Role;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of YAML file the CLI reads, broken the ways issue 16 names, through the commands
 * that read it: a duplicate key (top level and nested) is an error naming the file, line and
 * key; a file over the size cap is refused before parsing; a long bad value is excerpted.
 * Always exit status 1, one line, no stack trace.
 */
class StrictYamlFilesTest {
  @TempDir Path dir;
  private TestFederation fed;

  @BeforeEach
  void federation() throws Exception {
    fed = new TestFederation(dir, 1, false);
  }

  @Test
  void scopeFile() throws Exception {
    String good = Files.readString(fed.scope);
    long appended = good.lines().count() + 1; // the line a key appended to the file is on
    expect(good + "scope: another-agreement\n", "scope.yaml",
        ": line " + appended + ": scope: duplicate key (first on line 1)", "scope");
    expect(good.replace("bucket_width: none}", "bucket_width: none, name: x}"), "scope.yaml",
        ": line 4: tiers[1].name: duplicate key (first on line 4)", "scope");
    // tokenize reads the same file through the same loader.
    Path scope = dir.resolve("dup-scope.yaml");
    Files.writeString(scope, good + "tiers: []\n");
    Files.writeString(dir.resolve("e.csv"), "record_id,ip,timestamp\nA,45.77.12.9,1700000000\n");
    String err = fail("tokenize", "--reports", dir.resolve("e.csv").toString(), "--scope",
        scope.toString(), "--keyset", fed.keyset.toString(), "--passphrase-file",
        dir.resolve("passphrase.txt").toString(), "--out", dir.resolve("t.bmt").toString());
    assertTrue(err.contains(scope + ": line " + appended + ": tiers: duplicate key (first on "
        + "line 2)"), err);
    assertTrue(Files.notExists(dir.resolve("t.bmt")), "no half-written output");
    // match run --scope reads a file the same way (before connecting anywhere).
    Path operator = fed.node(Role.CLEARINGHOUSE, "operator");
    err = fail("match", "run", "--profile", operator.toString(), "--scope", scope.toString());
    assertTrue(err.contains(scope + ": line " + appended + ": tiers: duplicate key"), err);
  }

  @Test
  void clearinghouseConfig() throws Exception {
    String good = Files.readString(fed.config);
    expect(good + "k_threshold: 5\n", "ch.yaml",
        ": line 10: k_threshold: duplicate key (first on line 9)", "serve", "clearinghouse",
        "--config");
    expect(good.replace("key: pki/clearinghouse.key}",
            "key: pki/clearinghouse.key, ca: pki/other-ca.crt}"), "ch.yaml",
        ": line 4: tls.ca: duplicate key (first on line 4)", "serve", "clearinghouse",
        "--config");
  }

  @Test
  void keyholderConfig() throws Exception {
    String good = "federation: test\nlisten: 127.0.0.1:0\ndata_dir: kh-data\n"
        + "tls:\n  ca: pki/ca.crt\n  cert: pki/keyholder-1.crt\n  key: pki/keyholder-1.key\n"
        + "passphrase_file: passphrase.txt\nshare: epoch1/keyholder-1.epoch-1.share\n"
        + "public_key: epoch1/oprf-public.epoch-1.json\nquota_per_identity: 10\n";
    expect(good + "quota_per_identity: 100000000\n", "kh.yaml",
        ": line 12: quota_per_identity: duplicate key (first on line 11)", "serve",
        "keyholder", "--config");
    expect(good.replace("  key: pki/keyholder-1.key\n",
            "  key: pki/keyholder-1.key\n  cert: pki/clearinghouse.crt\n"), "kh.yaml",
        ": line 8: tls.cert: duplicate key (first on line 6)", "serve", "keyholder",
        "--config");
  }

  @Test
  void nodeProfile() throws Exception {
    String good = Files.readString(fed.node(Role.CLEARINGHOUSE, "operator"));
    expect(good + "server: 203.0.113.9:7443\n", "op.profile.yaml",
        ": line 5: server: duplicate key (first on line 1)", "match", "run", "--scope", "test-scope",
        "--profile");
    expect(good.replace("key: pki/operator.key}", "key: pki/operator.key, key: k.pem}"),
        "op.profile.yaml", ": line 2: tls.key: duplicate key (first on line 2)", "match",
        "run", "--scope", "test-scope", "--profile");
  }

  @Test
  void overSizeFileIsRefusedBeforeParsing() throws Exception {
    Path big = dir.resolve("big-scope.yaml");
    Files.writeString(big, "scope: \"" + "a".repeat(20 << 20) + "\"\ntiers: []\n");
    String err = fail("scope", big.toString());
    assertEquals("blindmatch: " + big + ": " + Files.size(big) + " bytes is larger than the "
        + "1048576 bytes (1 MiB) such a file may have; refused before parsing", err.strip());
  }

  @Test
  void longBadValueIsExcerpted() throws Exception {
    String huge = "Q".repeat(900_000);
    String err = expect("scope: " + huge + "\ntiers: [{name: t, bucket_width: 1h}]\n",
        "s.yaml", ": scope: \"QQQQ", "scope");
    assertTrue(err.contains("\"... (900000 chars) must match"), err);
    assertTrue(err.length() < 300, err);
    String err2 = expect(Files.readString(fed.config).replace("k_threshold: 1", "k_threshold: " + huge),
        "ch.yaml", ": k_threshold: \"QQQ", "serve", "clearinghouse", "--config");
    assertTrue(err2.length() < 300, err2);
  }

  /** Writes {@code yaml} to {@code name}, runs {@code args + file}; checks the one line. */
  private String expect(String yaml, String name, String reason, String... args)
      throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, yaml);
    String[] all = java.util.Arrays.copyOf(args, args.length + 1);
    all[args.length] = file.toString();
    String err = fail(all);
    assertTrue(err.contains(file + reason), () -> "expected " + file + reason + ", got " + err);
    assertEquals(1, err.strip().lines().count(), () -> "one line: " + err);
    return err;
  }
}
