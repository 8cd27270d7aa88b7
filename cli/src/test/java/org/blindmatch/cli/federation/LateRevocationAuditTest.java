package org.blindmatch.cli.federation;

import static org.blindmatch.cli.federation.FederationTests.fail;
import static org.blindmatch.cli.federation.FederationTests.ok;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.blindmatch.crypto.pki.RevocationReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CA revokes a platform but the clearinghouse gets the new list only later: a submission
 * it accepted in between is logged before the list, and {@code audit verify} still refuses
 * it, comparing the receipt's commit time with the revocation date rather than log positions.
 */
class LateRevocationAuditTest {

  @Test
  void aSubmissionAcceptedBeforeTheListArrivedButAfterTheRevocationFailsTheAudit(
      @TempDir Path dir) throws Exception {
    try (TestFederation fed = new TestFederation(dir, 1, true, true)) {
      FederationTests.Parties p = FederationTests.partiesWithTokens(fed);
      Path state = dir.resolve("audit");
      ok("audit", "verify", "--profile", p.auditor().toString(), "--state", state.toString());
      Path crl = dir.resolve("pki/ca.crl");
      byte[] before = Files.readAllBytes(crl);
      fed.revoke("platform-a", RevocationReason.KEY_COMPROMISE);
      byte[] revoking = Files.readAllBytes(crl);
      Files.write(crl, before); // the CA has signed it; the clearinghouse does not have it yet
      // Revocation and receipt times are whole seconds, and a receipt of the revocation's own
      // second cannot be ordered against it (it stands): submit in a later second.
      long revokedSecond = java.time.Instant.now().getEpochSecond();
      while (java.time.Instant.now().getEpochSecond() <= revokedSecond) {
        Thread.sleep(50);
      }

      String accepted = ok("submit", "--profile", p.platform().toString(), "--tokens",
          fed.dir.resolve("a.bmt").toString(), "--id", "late-1");
      assertTrue(accepted.contains("submitted  late-1"), accepted);

      Files.write(crl, revoking); // now it does: logged at its next call
      String refused = fail("audit", "verify", "--profile", p.auditor().toString(), "--state",
          state.toString());
      assertTrue(refused.contains("revocation list: certificate serial "
          + fed.certificate("platform-a").getSerialNumber().toString(16) + " was revoked at "),
          refused);
      assertTrue(refused.contains("but the receipt at log entry ")
          && refused.contains("after the revocation: the clearinghouse accepted a revoked "
              + "member's submission"), refused);
      assertFalse(refused.contains("\tat "), refused);
    }
  }
}
