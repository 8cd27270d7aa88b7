package org.blindmatch.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.blindmatch.crypto.pki.FederationCa;
import org.blindmatch.crypto.pki.PkiException;
import org.blindmatch.crypto.pki.Revocations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A revocation list's nextUpdate is enforced: a list past it (plus {@link Revocations#GRACE})
 * is refused at load and as a replacement, naming the file, the date and {@code pki crl}; a
 * list in use that expires stays enforced and is reported once. Time is a fixed clock.
 */
class RevocationFileTest {
  static final Instant SIGNED = Instant.parse("2026-12-01T00:00:00Z");
  final FederationCa ca = FederationCa.create("test", Duration.ofDays(400));

  @Test
  void aListPastItsNextUpdateIsRefusedAtLoad(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ca.crl");
    ca.revocationList(List.of(), BigInteger.valueOf(3), SIGNED).write(file, false);
    Instant next = SIGNED.plus(FederationCa.CRL_VALIDITY);
    // within the grace: taken
    RevocationFile.load(file, ca.certificate(), m -> { },
        at(next.plus(Revocations.GRACE)));
    PkiException e = assertThrows(PkiException.class, () -> RevocationFile.load(file,
        ca.certificate(), m -> { }, at(next.plus(Revocations.GRACE).plusSeconds(1))));
    assertEquals(file + ": the revocation list (number 3) expired at " + next
        + " (its nextUpdate); the CA operator must sign a fresh one with 'blindmatch pki crl "
        + "--dir CA_DIR' and it must be copied here", e.getMessage());
  }

  @Test
  void anExpiredReplacementIsIgnoredAndAnExpiringListInUseIsReportedOnce(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("ca.crl");
    ca.revocationList(List.of(), BigInteger.ONE, SIGNED).write(file, false);
    MutableClock clock = new MutableClock(SIGNED.plusSeconds(60));
    List<String> told = new ArrayList<>();
    RevocationFile list = RevocationFile.load(file, ca.certificate(), told::add, clock);

    // A newer number but already stale (signed 30 days ago): not taken.
    ca.revocationList(List.of(), BigInteger.TWO, SIGNED.minus(Duration.ofDays(30)))
        .write(file, true);
    Files.setLastModifiedTime(file, FileTime.from(SIGNED.plusSeconds(5)));
    assertEquals(BigInteger.ONE, list.list().number());
    assertEquals(1, told.size(), told.toString());
    assertTrue(told.get(0).contains("keeping revocation list number 1")
        && told.get(0).contains("expired at"), told.get(0));

    // The list in use passes its nextUpdate: still enforced, reported once.
    clock.now = SIGNED.plus(Duration.ofDays(9));
    assertEquals(BigInteger.ONE, list.list().number());
    assertEquals(BigInteger.ONE, list.list().number());
    assertEquals(2, told.size(), told.toString());
    assertTrue(told.get(1).contains("expired at " + SIGNED.plus(FederationCa.CRL_VALIDITY))
        && told.get(1).endsWith("until then the expired list stays enforced"), told.get(1));

    // A fresh list is taken.
    ca.revocationList(List.of(), BigInteger.valueOf(3), clock.now).write(file, true);
    Files.setLastModifiedTime(file, FileTime.from(SIGNED.plusSeconds(9)));
    assertEquals(BigInteger.valueOf(3), list.list().number());
    assertEquals(2, told.size(), told.toString());
  }

  private static Clock at(Instant t) {
    return Clock.fixed(t, ZoneOffset.UTC);
  }

  private static final class MutableClock extends Clock {
    Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
