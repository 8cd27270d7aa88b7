package org.blindmatch.cli.federation;

import static org.blindmatch.cli.federation.FederationTests.fail;
import static org.blindmatch.cli.federation.FederationTests.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.blindmatch.cli.BlindmatchCli;
import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.federation.NodeProfile;
import org.blindmatch.proto.v1.AddCosignatureRequest;
import org.blindmatch.proto.v1.GetCheckpointRequest;
import org.blindmatch.crypto.pki.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Log witnesses over real mutual TLS, driven through the CLI: auditors create witnesses, cosign
 * the clearinghouse's checkpoints, and {@code audit verify --witnesses --min} accepts a head
 * only with enough cosignatures; a witness shown a different root of a size it already cosigned
 * refuses, naming both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WitnessEndToEndTest {
  TestFederation fed;
  FederationTests.Parties parties;
  Path dir;

  @BeforeAll
  void federation(@TempDir Path dir) throws Exception {
    this.dir = dir;
    fed = new TestFederation(dir, 1);
    parties = FederationTests.partiesWithTokens(fed);
    ok("submit", "--profile", parties.platform().toString(), "--tokens",
        fed.dir.resolve("a.bmt").toString(), "--id", "w-1");
  }

  @AfterAll
  void stop() {
    fed.close();
  }

  private String vkey(String initOutput) {
    Matcher m = Pattern.compile("verifier key (\\S+)").matcher(initOutput);
    assertTrue(m.find(), initOutput);
    return m.group(1);
  }

  private String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = BlindmatchCli.execute(args, new PrintWriter(out), new PrintWriter(err));
    assertFalse(err.toString().contains("\tat "), "no stack trace: " + err);
    return new String[] {Integer.toString(status), out.toString(), err.toString()};
  }

  @Test
  void witnessesCosignAndVerifiersRequireThem() throws Exception {
    Path w1Profile = fed.node(Role.AUDITOR, "witness-one");
    Path w2Profile = fed.node(Role.AUDITOR, "witness-two");
    Path w1 = dir.resolve("w1");
    Path w2 = dir.resolve("w2");
    String k1 = vkey(ok("audit", "witness", "--init", "--name", "auditor-one.example/witness",
        "--profile", w1Profile.toString(), "--state", w1.toString()));
    String k2 = vkey(ok("audit", "witness", "--init", "--name", "auditor-two.example/witness",
        "--profile", w2Profile.toString(), "--state", w2.toString()));
    assertTrue(fail("audit", "witness", "--init", "--name", "auditor-one.example/witness",
        "--profile", w1Profile.toString(), "--state", w1.toString())
        .contains("already holds a witness"));
    Path list = dir.resolve("witnesses.txt");
    Files.writeString(list, "# the federation's witnesses\n" + k1 + "\n" + k2 + "\n");
    Path state = dir.resolve("audit");
    String auditor = parties.auditor().toString();

    // Nobody has cosigned yet: the head is refused and no state is kept.
    String none = fail("audit", "verify", "--profile", auditor, "--state", state.toString(),
        "--witnesses", list.toString(), "--min", "1");
    assertTrue(none.contains("carries 0 valid cosignatures"), none);
    assertFalse(Files.exists(state.resolve("audit-state")));

    String first = ok("audit", "witness", "--profile", w1Profile.toString(), "--state",
        w1.toString());
    assertTrue(first.contains("first cosignature of this witness"), first);
    assertTrue(first.contains("blindmatch.invalid/" + fed.server.identity().federation()
        + "/log"), first);
    String one = ok("audit", "verify", "--profile", auditor, "--state", state.toString(),
        "--witnesses", list.toString(), "--min", "1");
    assertTrue(one.contains("witnesses    1 of 2 listed cosigned this head (1 required): "
        + "auditor-one.example/witness"), one);
    String two = fail("audit", "verify", "--profile", auditor, "--state", state.toString(),
        "--witnesses", list.toString(), "--min", "2");
    assertTrue(two.contains("carries 1 valid cosignature of the witnesses in " + list
        + ", 2 required (cosigned by auditor-one.example/witness)"), two);
    // The second witness's first call registers its node (a log entry), so the first witness
    // cosigns again at the size both have now seen.
    ok("audit", "witness", "--profile", w2Profile.toString(), "--state", w2.toString());
    String held = ok("audit", "witness", "--profile", w1Profile.toString(), "--state",
        w1.toString());
    // (Other tests' witnesses may have cosigned the same checkpoint too.)
    assertTrue(held.matches("(?s).*now holds [2-9] witness cosignatures.*"), held);
    ok("audit", "verify", "--profile", auditor, "--state", state.toString(),
        "--witnesses", list.toString(), "--min", "2");

    // The log grows: the new head needs new cosignatures, and the witness checks consistency.
    // (Its own --receipt: the default file beside a.bmt holds w-1's receipt, kept.)
    ok("submit", "--profile", parties.platform().toString(), "--tokens",
        fed.dir.resolve("a.bmt").toString(), "--id", "w-2", "--receipt",
        dir.resolve("w-2.receipt").toString());
    fail("audit", "verify", "--profile", auditor, "--state", state.toString(),
        "--witnesses", list.toString(), "--min", "1");
    String again = ok("audit", "witness", "--profile", w1Profile.toString(), "--state",
        w1.toString());
    assertTrue(again.contains("consistency  verified from the last cosigned size"), again);
    ok("audit", "verify", "--profile", auditor, "--state", state.toString(),
        "--witnesses", list.toString(), "--min", "1");

    // A member proves its receipt against a head the witnesses cosigned.
    String receipt = fed.dir.resolve("a.bmt.receipt").toString();
    String proved = ok("audit", "check-receipt", "--profile", parties.platform().toString(),
        receipt, "--witnesses", list.toString(), "--min", "1");
    assertTrue(proved.contains("which 1 of the 2 listed witnesses cosigned (1 required)"),
        proved);
    String short2 = fail("audit", "check-receipt", "--profile", parties.platform().toString(),
        receipt, "--witnesses", list.toString(), "--min", "2");
    assertTrue(short2.contains("carries 1 valid cosignature"), short2);

    // Usage and input errors.
    assertEquals("2", run("audit", "verify", "--profile", auditor, "--state",
        state.toString(), "--min", "1")[0]);
    assertEquals("2", run("audit", "verify", "--profile", auditor, "--state",
        state.toString(), "--witnesses", list.toString(), "--min", "0")[0]);
    Files.writeString(dir.resolve("bad.txt"), k1 + "\n" + k1.replace("+", "-") + "\n");
    String bad = fail("audit", "verify", "--profile", auditor, "--state", state.toString(),
        "--witnesses", dir.resolve("bad.txt").toString());
    assertTrue(bad.contains(dir.resolve("bad.txt") + " line 2"), bad);
  }

  @Test
  void aWitnessShownAnotherRootOfACosignedSizeRefusesNamingBoth() throws Exception {
    Path profile = fed.node(Role.AUDITOR, "witness-split");
    Path w = dir.resolve("w-split");
    ok("audit", "witness", "--init", "--name", "auditor-three.example/witness", "--profile",
        profile.toString(), "--state", w.toString());
    ok("audit", "witness", "--profile", profile.toString(), "--state", w.toString());
    // What it kept is what it cosigned; make it the other side of a split view: the same size
    // with another root, as a forked log would have shown it.
    Path stateFile = w.resolve("witness-state");
    String kept = Files.readString(stateFile);
    String[] lines = kept.split("\n");
    String served = lines[lines.length - 1];
    byte[] other = Base64.getDecoder().decode(served);
    other[0] ^= 1;
    String forked = Base64.getEncoder().encodeToString(other);
    Files.writeString(stateFile, kept.replace(served, forked));
    String refused = fail("audit", "witness", "--profile", profile.toString(), "--state",
        w.toString());
    assertTrue(refused.contains("SPLIT VIEW"), refused);
    assertTrue(refused.contains(java.util.HexFormat.of().formatHex(other))
        && refused.contains(java.util.HexFormat.of().formatHex(
            Base64.getDecoder().decode(served))), refused);
    assertEquals(kept.replace(served, forked), Files.readString(stateFile),
        "a refused run keeps the witness state");
  }

  /**
   * GetCheckpoint's and AddCosignature's uint64 tree_size at 0, 2^63-1, 2^63, 2^64-1: within
   * the tree it is served (size 0 too); beyond it OUT_OF_RANGE naming the size unsigned, as
   * for the other audit requests (2^63 and up were INVALID_ARGUMENT "exceeds 2^63 - 1").
   */
  @Test
  void checkpointSizesAreUnsignedAtTheirBoundaries() throws Exception {
    Path profile = fed.node(Role.AUDITOR, "edges");
    try (FederationClient c = FederationClient.connect(NodeProfile.load(profile), m -> { })) {
      String note = c.audit().getCheckpoint(GetCheckpointRequest.newBuilder().setTreeSize(0)
          .build()).getNote();
      assertEquals("0", note.split("\n")[1], note);
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> c.audit().addCosignature(AddCosignatureRequest.newBuilder().setTreeSize(0)
              .setWitnessKey("not a key").setCosignature("nor a line\n").build()));
      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getMessage());
      for (long size : new long[] {Long.MAX_VALUE, Long.MIN_VALUE, -1L}) {
        String unsigned = Long.toUnsignedString(size);
        e = assertThrows(StatusRuntimeException.class, () -> c.audit().getCheckpoint(
            GetCheckpointRequest.newBuilder().setTreeSize(size).build()));
        assertEquals(Status.Code.OUT_OF_RANGE, e.getStatus().getCode(), e.getMessage());
        assertTrue(e.getStatus().getDescription().contains("tree_size " + unsigned
            + " is beyond"), e.getMessage());
        e = assertThrows(StatusRuntimeException.class, () -> c.audit().addCosignature(
            AddCosignatureRequest.newBuilder().setTreeSize(size).setWitnessKey("not a key")
                .setCosignature("nor a line\n").build()));
        assertEquals(Status.Code.OUT_OF_RANGE, e.getStatus().getCode(), e.getMessage());
        assertTrue(e.getStatus().getDescription().contains("tree_size " + unsigned
            + " is beyond"), e.getMessage());
      }
    }
  }
}
