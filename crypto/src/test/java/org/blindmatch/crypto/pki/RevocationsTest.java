package org.blindmatch.crypto.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RevocationsTest {
  @TempDir Path tmp;

  @Test
  void listsWhatTheCaRevokedAndRoundTrips() throws Exception {
    FederationCa ca = FederationCa.create("demo", Duration.ofDays(30));
    Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Revocations crl = ca.revocationList(List.of(new Revocations.Revoked(BigInteger.TEN, at,
        RevocationReason.KEY_COMPROMISE)), BigInteger.ONE);
    Path file = tmp.resolve("ca.crl");
    crl.write(file, false);
    Revocations back = Revocations.read(file, ca.certificate());
    assertEquals(BigInteger.ONE, back.number());
    Revocations.Revoked r = back.find(BigInteger.TEN).orElseThrow();
    assertEquals(at, r.at());
    assertEquals(RevocationReason.KEY_COMPROMISE, r.reason());
    assertTrue(back.find(BigInteger.TWO).isEmpty());
    assertEquals("certificate serial a was revoked at " + at + " (reason: key-compromise)",
        r.describe());
  }

  @Test
  void aListOfAnotherCaOrFederationIsRefused() throws Exception {
    FederationCa ca = FederationCa.create("demo", Duration.ofDays(30));
    FederationCa otherSameName = FederationCa.create("demo", Duration.ofDays(30));
    FederationCa otherFederation = FederationCa.create("other", Duration.ofDays(30));
    byte[] forged = otherSameName.revocationList(List.of(), BigInteger.ONE).encoded();
    assertTrue(assertThrows(PkiException.class,
        () -> Revocations.parse(forged, ca.certificate(), "f.crl")).getMessage()
        .contains("signature does not verify"));
    byte[] foreign = otherFederation.revocationList(List.of(), BigInteger.ONE).encoded();
    assertTrue(assertThrows(PkiException.class,
        () -> Revocations.parse(foreign, ca.certificate(), "o.crl")).getMessage()
        .contains("not by this federation's CA"));
  }

  @Test
  void malformedAndAlteredListsAreRefused() throws Exception {
    FederationCa ca = FederationCa.create("demo", Duration.ofDays(30));
    assertTrue(assertThrows(PkiException.class,
        () -> Revocations.parse(new byte[] {1, 2, 3}, ca.certificate(), "g.crl")).getMessage()
        .startsWith("g.crl: not an X.509 CRL"));
    byte[] der = ca.revocationList(List.of(new Revocations.Revoked(BigInteger.valueOf(0x1234),
        Instant.now().truncatedTo(ChronoUnit.SECONDS), RevocationReason.UNSPECIFIED)),
        BigInteger.ONE).encoded();
    byte[] altered = der.clone();
    for (int i = 0; i + 1 < altered.length; i++) {
      if (altered[i] == 0x12 && altered[i + 1] == 0x34) {
        altered[i + 1] = 0x35; // another serial: the signature no longer covers it
      }
    }
    assertThrows(PkiException.class, () -> Revocations.parse(altered, ca.certificate(), "a"));
  }

  @Test
  void anOlderListIsAReplay() throws Exception {
    FederationCa ca = FederationCa.create("demo", Duration.ofDays(30));
    Revocations one = ca.revocationList(List.of(), BigInteger.ONE);
    Revocations two = ca.revocationList(List.of(), BigInteger.TWO);
    two.requireNotOlderThan(one, "x");
    one.requireNotOlderThan(one, "x");
    assertTrue(assertThrows(PkiException.class, () -> one.requireNotOlderThan(two, "old.crl"))
        .getMessage().contains("CRL number 1 is older"));
  }
}
