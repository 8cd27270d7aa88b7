package org.blindmatch.crypto.ec;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The backend choice from {@value P256Backends#ENV}. */
class P256BackendsTest {
  @Test
  void javaIsForcedByName() {
    assertSame(P256Backends.java(), P256Backends.choose("java").get());
    assertSame(P256Backends.java(), P256Backends.choose(" JAVA ").get());
    assertFalse(P256Backends.java().isNative());
  }

  @Test
  void unknownValueIsAnErrorNamingTheVariable() {
    BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
        () -> P256Backends.choose("openssl").get());
    assertTrue(e.getMessage().contains("BLINDMATCH_OPRF_BACKEND must be java or native"),
        e.getMessage());
  }

  @Test
  void forcedNativeIsNativeOrAClearError() {
    boolean available = Runtime.version().feature() >= 22 && loads();
    if (available) {
      assertTrue(P256Backends.choose("native").get().isNative());
      assertTrue(P256Backends.choose(null).get().isNative(), "native is the default when it loads");
    } else {
      BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
          () -> P256Backends.choose("native").get());
      assertTrue(e.getMessage().contains("native backend cannot load"), e.getMessage());
      assertSame(P256Backends.java(), P256Backends.choose(null).get());
    }
  }

  @Test
  void onJava17TheReasonIsTheJavaVersion() {
    if (Runtime.version().feature() < 22) {
      BackendUnavailableException e =
          assertThrows(BackendUnavailableException.class, P256Backends::nativeBackend);
      assertTrue(e.getMessage().contains("Java 22 or later"), e.getMessage());
    }
  }

  private static boolean loads() {
    try {
      P256Backends.nativeBackend();
      return true;
    } catch (BackendUnavailableException e) {
      return false;
    }
  }
}
