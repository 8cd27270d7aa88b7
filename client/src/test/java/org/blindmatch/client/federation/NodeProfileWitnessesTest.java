package org.blindmatch.client.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.blindmatch.client.audit.WitnessPolicy;
import org.blindmatch.client.tokenize.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A profile's witness policy: {@code witnesses} (a file, relative to the profile) and
 * {@code min_witnesses} (default 1), each error naming the profile and the key.
 */
class NodeProfileWitnessesTest {
  static final String BASE = "server: 127.0.0.1:7443\n"
      + "tls: {ca: ca.crt, cert: p.crt, key: p.key}\n"
      + "signing_keyset: p.signing.json\npassphrase_file: pass.txt\n";

  @Test
  void witnessesAndMinWitnessesAreReadAndChecked(@TempDir Path dir) throws Exception {
    Path p = dir.resolve("p.yaml");
    Files.writeString(p, BASE);
    NodeProfile none = NodeProfile.load(p);
    assertNull(none.witnesses());
    assertEquals(0, none.minWitnesses());
    assertNull(WitnessPolicy.ofProfile(none, p));

    Files.writeString(p, BASE + "witnesses: w.txt\n");
    NodeProfile one = NodeProfile.load(p);
    assertEquals(dir.resolve("w.txt"), one.witnesses());
    assertEquals(1, one.minWitnesses());
    Files.writeString(p, BASE + "witnesses: w.txt\nmin_witnesses: 2\n");
    assertEquals(2, NodeProfile.load(p).minWitnesses());

    for (String[] bad : new String[][] {
        {"min_witnesses: 2\n", "min_witnesses: needs witnesses"},
        {"witnesses: w.txt\nmin_witnesses: 0\n", "min_witnesses: \"0\" is not a whole number"},
        {"witnesses: w.txt\nmin_witnesses: two\n", "min_witnesses: \"two\" is not a whole"},
        {"witnesses: w.txt\nmin_witnesses: 1.5\n", "min_witnesses: \"1.5\" is not a whole"},
        {"witnesses: \"\"\n", "witnesses: missing"}}) {
      Files.writeString(p, BASE + bad[0]);
      FederationException e = assertThrows(FederationException.class,
          () -> NodeProfile.load(p));
      assertTrue(e.getMessage().startsWith(p + ": " + bad[1]), e.getMessage());
    }

    // The list itself is read when a command applies the policy, named under the profile.
    Files.writeString(p, BASE + "witnesses: w.txt\nmin_witnesses: 2\n");
    NodeProfile two = NodeProfile.load(p);
    InputException missing = assertThrows(InputException.class,
        () -> WitnessPolicy.ofProfile(two, p));
    assertEquals(p + ": witnesses: " + dir.resolve("w.txt") + ": no such file (--witnesses)",
        missing.getMessage());
  }
}
