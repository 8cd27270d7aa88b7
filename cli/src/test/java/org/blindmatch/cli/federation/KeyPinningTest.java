package org.blindmatch.cli.federation;

import static org.blindmatch.cli.federation.FederationTests.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.blindmatch.cli.BlindmatchCli;
import org.blindmatch.client.federation.KeyPins;
import org.blindmatch.crypto.pki.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Members and auditors pin the clearinghouse's log key, over real mutual TLS: trusted on first
 * use (said loudly) or as given with {@code audit verify --pin}, and any other key afterwards is
 * refused naming both fingerprints.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyPinningTest {
  TestFederation fed;
  FederationTests.Parties parties;
  String served;

  @BeforeAll
  void federation(@TempDir Path dir) throws Exception {
    fed = new TestFederation(dir, 1);
    parties = FederationTests.partiesWithTokens(fed);
    served = KeyPins.format(fed.server.logKeyFingerprint());
  }

  @AfterAll
  void stop() {
    fed.close();
  }

  /** Runs the CLI; returns exit status, stdout and stderr. */
  private static String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = BlindmatchCli.execute(args, new PrintWriter(out), new PrintWriter(err));
    assertFalse(err.toString().contains("\tat "), "no stack trace: " + err);
    return new String[] {Integer.toString(status), out.toString(), err.toString()};
  }

  private static Path pins(Path profile) {
    return profile.resolveSibling(profile.getFileName() + ".pins");
  }

  @Test
  void aMemberPinsOnFirstUseAndRefusesAnotherKeyNamingBoth() throws Exception {
    Path profile = fed.node(Role.PLATFORM, "platform-pin");
    String[] first = run("submit", "--profile", profile.toString(), "--tokens",
        fed.dir.resolve("a.bmt").toString(), "--id", "pin-1");
    assertEquals("0", first[0], first[2]);
    assertTrue(first[2].contains("FIRST USE: trusting the clearinghouse log key " + served),
        first[2]);
    assertTrue(Files.readString(pins(profile)).contains(served));

    String[] second = run("submit", "--profile", profile.toString(), "--tokens",
        fed.dir.resolve("a.bmt").toString(), "--id", "pin-1");
    assertEquals("0", second[0], second[2]);
    assertFalse(second[2].contains("FIRST USE"), second[2]);

    String other = KeyPins.format(new byte[32]);
    Files.writeString(pins(profile), "federation " + fed.server.identity().federation()
        + " log-key " + other + "\n");
    String[] refused = run("submit", "--profile", profile.toString(), "--tokens",
        fed.dir.resolve("a.bmt").toString(), "--id", "pin-2");
    assertEquals("1", refused[0], refused[1] + refused[2]);
    assertTrue(refused[2].contains(served) && refused[2].contains(other), refused[2]);
    assertTrue(refused[2].contains(pins(profile).toString()), refused[2]);
  }

  @Test
  void anAuditorsWrongPinIsRefusedAndNotWritten(@TempDir Path state) throws Exception {
    Path auditor = fed.node(Role.AUDITOR, "auditor-wrong-pin");
    byte[] wrong = new byte[32];
    Arrays.fill(wrong, (byte) 0x5a);
    String[] r = run("audit", "verify", "--profile", auditor.toString(), "--state",
        state.toString(), "--pin", KeyPins.format(wrong));
    assertEquals("1", r[0], r[1] + r[2]);
    assertTrue(r[2].contains(served) && r[2].contains(KeyPins.format(wrong)), r[2]);
    assertFalse(Files.exists(pins(auditor)), "a refused --pin is not pinned");
    assertFalse(Files.exists(state.resolve("audit-state")), "no state kept");

    String[] bad = run("audit", "verify", "--profile", auditor.toString(), "--state",
        state.toString(), "--pin", "sha256:1234");
    assertEquals("2", bad[0], bad[2]);
    assertTrue(bad[2].contains("--pin: a fingerprint is 'sha256:' and 64 hex digits"), bad[2]);
  }

  @Test
  void anAuditorsRightPinIsPinnedAndTheStateRemembersTheKey(@TempDir Path state)
      throws Exception {
    Path auditor = fed.node(Role.AUDITOR, "auditor-pin");
    String[] r = run("audit", "verify", "--profile", auditor.toString(), "--state",
        state.toString(), "--pin", served);
    assertEquals("0", r[0], r[2]);
    assertTrue(r[2].contains("pinned the clearinghouse log key " + served), r[2]);
    assertFalse(r[2].contains("FIRST USE"), r[2]);
    assertTrue(r[1].contains("log key      " + served), r[1]);
    String kept = Files.readString(state.resolve("audit-state"));
    assertTrue(kept.contains("logkey " + served.substring("sha256:".length())), kept);

    // The state remembers the key its head was verified under: a state that names another
    // key is not silently re-based on the served one.
    String other = "ab".repeat(32);
    Files.writeString(state.resolve("audit-state"), kept.replaceFirst("logkey [0-9a-f]{64}",
        "logkey " + other));
    String[] changed = run("audit", "verify", "--profile", auditor.toString(), "--state",
        state.toString());
    assertEquals("1", changed[0], changed[1] + changed[2]);
    assertTrue(changed[2].contains("the clearinghouse's log key changed"), changed[2]);
    assertTrue(changed[2].contains("sha256:" + other) && changed[2].contains(served),
        changed[2]);

    Files.writeString(state.resolve("audit-state"), kept);
    String out = ok("audit", "verify", "--profile", auditor.toString(), "--state",
        state.toString(), "--pin", served);
    assertTrue(out.contains("consistency  verified from size"), out);
  }
}
