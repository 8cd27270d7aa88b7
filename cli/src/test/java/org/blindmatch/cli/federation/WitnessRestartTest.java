package org.blindmatch.cli.federation;

import static org.blindmatch.cli.federation.FederationTests.ok;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.federation.NodeProfile;
import org.blindmatch.core.claims.SignedNote;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.proto.v1.GetCheckpointRequest;
import org.blindmatch.server.clearinghouse.ClearinghouseConfig;
import org.blindmatch.server.clearinghouse.ClearinghouseServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Witness cosignatures are kept in the clearinghouse's store: after a witness cosigns and the
 * clearinghouse restarts, GetCheckpoint still carries the cosignature and {@code audit verify
 * --witnesses F --min 1} passes without the witness cosigning again.
 */
class WitnessRestartTest {

  @Test
  void aCosignatureSurvivesAClearinghouseRestart(@TempDir Path dir) throws Exception {
    TestFederation fed = new TestFederation(dir, 1, false);
    ClearinghouseServer ch = ClearinghouseServer.start(ClearinghouseConfig.load(fed.config));
    try {
      fed.usePort(ch.port());
      Path auditor = fed.node(Role.AUDITOR, "auditor-1");
      Path witness = fed.node(Role.AUDITOR, "witness-one");
      Path state = dir.resolve("audit");
      Path ws = dir.resolve("w1");
      // Both nodes register (a log entry each) before the witness cosigns the head.
      ok("audit", "verify", "--profile", auditor.toString(), "--state", state.toString());
      Matcher m = Pattern.compile("verifier key (\\S+)").matcher(ok("audit", "witness",
          "--init", "--name", "auditor-one.example/witness", "--profile", witness.toString(),
          "--state", ws.toString()));
      assertTrue(m.find());
      String key = m.group(1);
      String cosigned = ok("audit", "witness", "--profile", witness.toString(), "--state",
          ws.toString());
      assertTrue(cosigned.contains("the clearinghouse now holds 1 witness cosignature for "
          + "this checkpoint"), cosigned);
      Path list = dir.resolve("witnesses.txt");
      Files.writeString(list, key + "\n");
      ok("audit", "verify", "--profile", auditor.toString(), "--state", state.toString(),
          "--witnesses", list.toString(), "--min", "1");

      ch.close();
      ch = ClearinghouseServer.start(ClearinghouseConfig.load(fed.config));
      fed.usePort(ch.port());

      try (FederationClient c = FederationClient.connect(NodeProfile.load(auditor), n -> { })) {
        SignedNote note = SignedNote.parse(c.audit().getCheckpoint(
            GetCheckpointRequest.getDefaultInstance()).getNote());
        assertTrue(note.signatures().stream()
            .anyMatch(s -> s.name().equals("auditor-one.example/witness")), note.format());
      }
      String after = ok("audit", "verify", "--profile", auditor.toString(), "--state",
          state.toString(), "--witnesses", list.toString(), "--min", "1");
      assertTrue(after.contains("witnesses    1 of 1 listed cosigned this head (1 required): "
          + "auditor-one.example/witness"), after);
    } finally {
      ch.close();
    }
  }
}
