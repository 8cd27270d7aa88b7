package org.blindmatch.crypto.ec;

import java.util.Locale;

/**
 * Chooses the {@link P256Arithmetic} backend once per process. The native backend (OpenSSL 3
 * libcrypto through FFM) is used whenever it loads: the class exists only in the crypto jar's
 * Java 22 layer ({@code META-INF/versions/22}), so it needs a Java 22+ runtime, and it needs
 * {@code libcrypto.so.3}. Otherwise the Java backend is used. The environment variable
 * {@value #ENV} ({@code java} or {@code native}) forces one; forcing {@code native} where it
 * cannot load is an error naming why. Thread-safe.
 */
public final class P256Backends {
  /** The environment variable that forces a backend. */
  public static final String ENV = "BLINDMATCH_OPRF_BACKEND";

  private static final String NATIVE_CLASS = "org.blindmatch.crypto.ec.NativeP256";
  private static final P256Arithmetic JAVA = new JavaP256();

  private P256Backends() {}

  /**
   * The backend this process computes with, chosen at first call from {@value #ENV}.
   *
   * @throws BackendUnavailableException if {@value #ENV} has an unknown value, or forces the
   *     native backend and it cannot load
   */
  public static P256Arithmetic selected() {
    return Selected.BACKEND.get();
  }

  /** The Bouncy Castle backend, always available. */
  public static P256Arithmetic java() {
    return JAVA;
  }

  /**
   * The OpenSSL backend.
   *
   * @throws BackendUnavailableException naming why it cannot load (Java older than 22, no
   *     libcrypto.so.3, OpenSSL older than 3)
   */
  public static P256Arithmetic nativeBackend() {
    return Native.BACKEND.get();
  }

  /** Holder of the lazily chosen backend, or of the reason the choice failed. */
  private static final class Selected {
    static final Outcome BACKEND = choose(System.getenv(ENV));
  }

  private static final class Native {
    static final Outcome BACKEND = loadNative();
  }

  static Outcome choose(String forced) {
    if (forced == null || forced.isBlank()) {
      Outcome n = Native.BACKEND;
      return n.backend != null ? n : new Outcome(JAVA, null);
    }
    return switch (forced.trim().toLowerCase(Locale.ROOT)) {
      case "java" -> new Outcome(JAVA, null);
      case "native" -> Native.BACKEND.backend != null ? Native.BACKEND : new Outcome(null,
          ENV + "=native, but the native backend cannot load: " + Native.BACKEND.failure
              + "; unset " + ENV + " or set it to java to use the Java backend");
      default -> new Outcome(null,
          ENV + " must be java or native, got '" + forced + "'");
    };
  }

  private static Outcome loadNative() {
    if (Runtime.version().feature() < 22) {
      return new Outcome(null, "it needs Java 22 or later (FFM API), this is Java "
          + Runtime.version().feature());
    }
    try {
      Class<?> c = Class.forName(NATIVE_CLASS);
      return new Outcome((P256Arithmetic) c.getDeclaredConstructor().newInstance(), null);
    } catch (ClassNotFoundException e) {
      return new Outcome(null, "this build has no native layer (crypto was compiled without "
          + "a JDK 22+ compiler; see docs/ARCHITECTURE.md)");
    } catch (java.lang.reflect.InvocationTargetException e) {
      return new Outcome(null, String.valueOf(e.getCause().getMessage()));
    } catch (ExceptionInInitializerError e) { // libcrypto.so.3 missing, or a symbol of it
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      return new Outcome(null, "libcrypto.so.3 (OpenSSL 3) cannot be loaded: "
          + cause.getMessage() + "; install OpenSSL 3 (Debian: libssl3)");
    } catch (ReflectiveOperationException | LinkageError e) {
      return new Outcome(null, e.toString());
    }
  }

  record Outcome(P256Arithmetic backend, String failure) {
    P256Arithmetic get() {
      if (backend == null) {
        throw new BackendUnavailableException(failure);
      }
      return backend;
    }
  }
}
