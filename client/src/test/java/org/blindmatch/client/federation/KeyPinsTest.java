package org.blindmatch.client.federation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyPinsTest {
  @TempDir Path dir;

  private static byte[] fp(int b) {
    byte[] f = new byte[32];
    Arrays.fill(f, (byte) b);
    return f;
  }

  @Test
  void aFirstKeyIsPinnedLoudlyAndWrittenThenAcceptedSilently() throws Exception {
    Path file = dir.resolve("p.pins");
    List<String> notices = new ArrayList<>();
    KeyPins.load(file).check("sea", fp(1), notices::add);
    assertEquals(1, notices.size());
    assertTrue(notices.get(0).startsWith("FIRST USE"), notices.get(0));
    assertTrue(notices.get(0).contains(KeyPins.format(fp(1))), notices.get(0));
    assertTrue(Files.readString(file).contains("federation sea log-key " + KeyPins.format(fp(1))));

    KeyPins again = KeyPins.load(file);
    again.check("sea", fp(1), notices::add);
    assertEquals(1, notices.size(), "no notice once pinned");
  }

  @Test
  void aDifferentKeyIsRefusedNamingBothAndThePinStays() throws Exception {
    Path file = dir.resolve("p.pins");
    KeyPins.load(file).check("sea", fp(1), m -> { });
    String before = Files.readString(file);
    FederationException e = assertThrows(FederationException.class,
        () -> KeyPins.load(file).check("sea", fp(2), m -> { }));
    assertTrue(e.getMessage().contains(KeyPins.format(fp(1))), e.getMessage());
    assertTrue(e.getMessage().contains(KeyPins.format(fp(2))), e.getMessage());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertEquals(before, Files.readString(file));
  }

  @Test
  void federationsArePinnedSeparately() throws Exception {
    Path file = dir.resolve("p.pins");
    KeyPins pins = KeyPins.load(file);
    pins.check("sea", fp(1), m -> { });
    pins.check("eu", fp(2), m -> { });
    KeyPins reread = KeyPins.load(file);
    reread.check("sea", fp(1), m -> { });
    reread.check("eu", fp(2), m -> { });
    assertThrows(FederationException.class, () -> reread.check("eu", fp(1), m -> { }));
  }

  @Test
  void anExpectedKeyIsPinnedOnlyWhenTheServerPresentsIt() throws Exception {
    Path file = dir.resolve("p.pins");
    KeyPins pins = KeyPins.load(file);
    pins.expect("sea", fp(1));
    FederationException e = assertThrows(FederationException.class,
        () -> pins.check("sea", fp(2), m -> { }));
    assertTrue(e.getMessage().contains(KeyPins.format(fp(1))), e.getMessage());
    assertTrue(e.getMessage().contains(KeyPins.format(fp(2))), e.getMessage());
    assertFalse(Files.exists(file), "a wrong --pin is not written");

    List<String> notices = new ArrayList<>();
    pins.check("sea", fp(1), notices::add);
    assertTrue(notices.get(0).contains("as given with --pin"), notices.get(0));
    assertTrue(Files.exists(file));
  }

  @Test
  void anExpectationContradictingThePinIsRefused() throws Exception {
    Path file = dir.resolve("p.pins");
    KeyPins.load(file).check("sea", fp(1), m -> { });
    FederationException e = assertThrows(FederationException.class,
        () -> KeyPins.load(file).expect("sea", fp(3)));
    assertTrue(e.getMessage().contains(KeyPins.format(fp(1))), e.getMessage());
    assertTrue(e.getMessage().contains(KeyPins.format(fp(3))), e.getMessage());
  }

  @Test
  void malformedPinFilesNameTheLine() throws Exception {
    Path file = dir.resolve("bad.pins");
    for (String bad : List.of("federation sea log-key sha256:00",
        "federation sea tls-key " + KeyPins.format(fp(1)),
        "sea log-key " + KeyPins.format(fp(1)),
        "federation sea log-key md5:" + "0".repeat(64),
        "federation sea log-key sha256:" + "zz".repeat(32))) {
      Files.writeString(file, "# comment\n\n" + bad + "\n");
      FederationException e = assertThrows(FederationException.class,
          () -> KeyPins.load(file), bad);
      assertTrue(e.getMessage().startsWith(file + ": line 3: "), e.getMessage());
    }
    Files.writeString(file, "federation sea log-key " + KeyPins.format(fp(1)) + "\n"
        + "federation sea log-key " + KeyPins.format(fp(2)) + "\n");
    FederationException e = assertThrows(FederationException.class, () -> KeyPins.load(file));
    assertTrue(e.getMessage().contains("line 2: federation sea is pinned twice"), e.getMessage());
  }

  @Test
  void fingerprintsRoundTrip() {
    assertArrayEquals(fp(7), KeyPins.parseFingerprint(KeyPins.format(fp(7))));
    assertArrayEquals(fp(0xab), KeyPins.parseFingerprint(
        KeyPins.format(fp(0xab)).toUpperCase().replace("SHA256", "sha256")));
    assertThrows(IllegalArgumentException.class, () -> KeyPins.parseFingerprint("abc"));
  }

  @Test
  void anUnwritablePinIsAnErrorNotASilentTrust() throws Exception {
    Path blocker = dir.resolve("not-a-dir");
    KeyPins pins = KeyPins.load(blocker.resolve("p.pins"));
    Files.writeString(blocker, "x"); // the pins' directory cannot be created now
    List<String> notices = new ArrayList<>();
    FederationException e = assertThrows(FederationException.class,
        () -> pins.check("sea", fp(1), notices::add));
    assertTrue(e.getMessage().contains("cannot write the pinned keys"), e.getMessage());
    assertTrue(notices.isEmpty());
  }
}
