package org.blindmatch.cli.federation;

import static org.blindmatch.cli.federation.FederationTests.fail;
import static org.blindmatch.cli.federation.FederationTests.ok;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.blindmatch.crypto.pki.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member's profile requires witnesses ({@code witnesses:}, {@code min_witnesses:}): submit
 * checks the receipt's tree head and {@code results get} the current one; a head without
 * enough cosignatures is refused (exit 1) naming the witnesses that are missing, and accepted
 * once they have cosigned. Over real mutual TLS, through the CLI.
 */
class WitnessProfilePolicyTest {

  @Test
  void submitAndResultsGetRequireTheProfilesWitnesses(@TempDir Path dir) throws Exception {
    try (TestFederation fed = new TestFederation(dir, 1)) {
      FederationTests.Parties parties = FederationTests.partiesWithTokens(fed);
      Path w1 = fed.node(Role.AUDITOR, "witness-one");
      Path w2 = fed.node(Role.AUDITOR, "witness-two");
      String k1 = vkey(ok("audit", "witness", "--init", "--name", "one.example/witness",
          "--profile", w1.toString(), "--state", dir.resolve("w1").toString()));
      String k2 = vkey(ok("audit", "witness", "--init", "--name", "two.example/witness",
          "--profile", w2.toString(), "--state", dir.resolve("w2").toString()));
      Path list = dir.resolve("witnesses.txt");
      Files.writeString(list, k1 + "\n" + k2 + "\n");
      Path platform = withWitnesses(parties.platform(), list, 1);
      Path ngo = withWitnesses(parties.ngo(), list, 2);
      // The witnesses register (a log entry each) before anything is submitted.
      ok("audit", "witness", "--profile", w1.toString(), "--state", dir.resolve("w1").toString());
      ok("audit", "witness", "--profile", w2.toString(), "--state", dir.resolve("w2").toString());

      Path receipt = dir.resolve("a.receipt");
      String refused = fail("submit", "--profile", platform.toString(), "--tokens",
          fed.dir.resolve("a.bmt").toString(), "--id", "a1", "--receipt", receipt.toString());
      assertTrue(refused.contains("a1 is committed and its receipt saved, but the profile's "
          + "witness policy is not met: the tree head of size "), refused);
      assertTrue(refused.contains("carries 0 valid cosignatures of the witnesses in " + list
          + ", 1 required; missing: one.example/witness, two.example/witness"), refused);
      assertTrue(refused.contains("audit check-receipt --profile " + platform), refused);
      assertFalse(refused.contains("\tat "), refused);
      assertTrue(Files.exists(receipt), "the receipt is saved");

      ok("audit", "witness", "--profile", w1.toString(), "--state", dir.resolve("w1").toString());
      // The profile's policy applies to check-receipt without --witnesses.
      String proved = ok("audit", "check-receipt", "--profile", platform.toString(),
          receipt.toString());
      assertTrue(proved.contains("which 1 of the 2 listed witnesses cosigned (1 required)"),
          proved);

      ok("submit", "--profile", parties.ngo().toString(), "--tokens",
          fed.dir.resolve("w.bmt").toString(), "--id", "w1");
      String run = ok("match", "run", "--profile", parties.operator().toString(), "--scope",
          "test-scope").lines().filter(l -> l.startsWith("run ")).findFirst().orElseThrow()
          .substring(4).trim();
      String unseen = fail("results", "get", "--profile", platform.toString(), "--run", run);
      assertTrue(unseen.contains("the current tree head (size ") && unseen.contains(
          "carries 0 valid cosignatures of the witnesses in " + list + ", 1 required; "
              + "missing: one.example/witness, two.example/witness"), unseen);
      ok("audit", "witness", "--profile", w1.toString(), "--state", dir.resolve("w1").toString());
      String got = ok("results", "get", "--profile", platform.toString(), "--run", run,
          "--map", fed.dir.resolve("a.bmt.map.csv").toString());
      assertTrue(got.contains("A-1,"), got);
      // The NGO requires both: one is missing, by name.
      String short1 = fail("results", "get", "--profile", ngo.toString(), "--run", run);
      assertTrue(short1.contains("carries 1 valid cosignature of the witnesses in " + list
          + ", 2 required (cosigned by one.example/witness); missing: two.example/witness"),
          short1);
      ok("audit", "witness", "--profile", w2.toString(), "--state", dir.resolve("w2").toString());
      ok("results", "get", "--profile", ngo.toString(), "--run", run, "--unresolved");
    }
  }

  private static Path withWitnesses(Path profile, Path list, int min) throws Exception {
    Path copy = profile.resolveSibling("witnessed-" + profile.getFileName());
    Files.writeString(copy, Files.readString(profile) + "witnesses: " + list + "\n"
        + "min_witnesses: " + min + "\n");
    return copy;
  }

  private static String vkey(String initOutput) {
    Matcher m = Pattern.compile("verifier key (\\S+)").matcher(initOutput);
    assertTrue(m.find(), initOutput);
    return m.group(1);
  }
}
