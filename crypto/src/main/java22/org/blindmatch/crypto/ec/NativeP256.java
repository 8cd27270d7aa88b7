package org.blindmatch.crypto.ec;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * The native backend: P-256 arithmetic of the system's OpenSSL 3 libcrypto, called through the
 * FFM API (Java 22+). Compiled only into the crypto jar's {@code META-INF/versions/22} layer and
 * loaded reflectively by {@link P256Backends}.
 *
 * <p>Constant time. Secret scalars go through {@code EC_POINT_mul} with exactly one of the two
 * scalars set: OpenSSL 3 dispatches a P-256 group ({@code EC_GROUP_new_by_curve_name}) to
 * {@code ecp_nistz256_points_mul} on x86_64 and aarch64, whose variable-point path
 * ({@code ecp_nistz256_windowed_mul}: Booth-recoded 5-bit windows, table look-ups by
 * {@code ecp_nistz256_gather_w5}, conditional negation by {@code copy_conditional}) and fixed-base
 * path (7-bit windows over the static table, {@code ecp_nistz256_gather_w7}) touch memory and
 * branch independently of the scalar for scalars of at most 256 bits; without the assembly the
 * group uses the generic method, where {@code ossl_ec_wNAF_mul} hands a single scalar (point or
 * generator) to the Montgomery ladder {@code ossl_ec_scalar_mul_ladder}. Every secret scalar is
 * a {@code BIGNUM} from {@code BN_secure_new} marked {@code BN_FLG_CONSTTIME}, freed with
 * {@code BN_clear_free}; its big-endian bytes are zeroed in native and Java memory after use.
 * Public multi-scalar sums use {@code EC_POINTs_mul} (variable-time by contract).
 *
 * <p>Memory: every call allocates in its own confined {@link Arena} and frees every OpenSSL
 * object it created in a {@code finally}; nothing native outlives a call except the one
 * {@code EC_GROUP}, created at class load and shared read-only by all threads (OpenSSL
 * documents groups as safe for concurrent read-only use once the generator's precomputation is
 * done, which for P-256 is a static table). Each call has its own {@code BN_CTX}, so calls on
 * different threads share no mutable state. Thread-safe.
 */
final class NativeP256 implements P256Arithmetic {
  private static final int NID_X9_62_PRIME256V1 = 415;
  private static final int FORM_UNCOMPRESSED = 4;
  private static final int BN_FLG_CONSTTIME = 0x04;
  private static final long MIN_VERSION = 0x30000000L;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup CRYPTO =
      SymbolLookup.libraryLookup("libcrypto.so.3", Arena.global());

  private static final MethodHandle VERSION_NUM = fn("OpenSSL_version_num",
      FunctionDescriptor.of(JAVA_LONG));
  private static final MethodHandle VERSION_TEXT = fn("OpenSSL_version",
      FunctionDescriptor.of(ADDRESS, JAVA_INT));
  private static final MethodHandle GROUP_NEW = fn("EC_GROUP_new_by_curve_name",
      FunctionDescriptor.of(ADDRESS, JAVA_INT));
  private static final MethodHandle POINT_NEW = fn("EC_POINT_new",
      FunctionDescriptor.of(ADDRESS, ADDRESS));
  private static final MethodHandle POINT_CLEAR_FREE = fn("EC_POINT_clear_free",
      FunctionDescriptor.ofVoid(ADDRESS));
  private static final MethodHandle OCT2POINT = fn("EC_POINT_oct2point",
      FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
  private static final MethodHandle POINT2OCT = fn("EC_POINT_point2oct",
      FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));
  private static final MethodHandle POINT_MUL = fn("EC_POINT_mul",
      FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
  private static final MethodHandle POINTS_MUL = fn("EC_POINTs_mul",
      FunctionDescriptor.of(
          JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS));
  private static final MethodHandle POINT_ADD = fn("EC_POINT_add",
      FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
  private static final MethodHandle MAKE_AFFINE = fn("EC_POINTs_make_affine",
      FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
  private static final MethodHandle IS_INFINITY = fn("EC_POINT_is_at_infinity",
      FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
  private static final MethodHandle CTX_NEW = fn("BN_CTX_new", FunctionDescriptor.of(ADDRESS));
  private static final MethodHandle CTX_FREE = fn("BN_CTX_free",
      FunctionDescriptor.ofVoid(ADDRESS));
  private static final MethodHandle BN_NEW = fn("BN_new", FunctionDescriptor.of(ADDRESS));
  private static final MethodHandle BN_SECURE_NEW = fn("BN_secure_new",
      FunctionDescriptor.of(ADDRESS));
  private static final MethodHandle BN_BIN2BN = fn("BN_bin2bn",
      FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
  private static final MethodHandle BN_SET_FLAGS = fn("BN_set_flags",
      FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
  private static final MethodHandle BN_CLEAR_FREE = fn("BN_clear_free",
      FunctionDescriptor.ofVoid(ADDRESS));
  private static final MethodHandle ERR_CLEAR = fn("ERR_clear_error",
      FunctionDescriptor.ofVoid());

  private final MemorySegment group;
  private final String name;

  /**
   * Loads libcrypto and creates the shared P-256 group.
   *
   * @throws IllegalStateException if libcrypto is older than 3.0 or the group cannot be made
   */
  NativeP256() {
    try {
      long version = (long) VERSION_NUM.invokeExact();
      if (version < MIN_VERSION) {
        throw new IllegalStateException(String.format(
            "libcrypto.so.3 reports OpenSSL version 0x%x; 3.0 or later is needed", version));
      }
      MemorySegment text = (MemorySegment) VERSION_TEXT.invokeExact(0);
      String full = text.reinterpret(256).getString(0); // "OpenSSL 3.0.19 27 Jan 2026"
      String[] words = full.split(" ");
      this.name = "native (" + (words.length >= 2 ? words[0] + " " + words[1] : full) + ")";
      this.group = (MemorySegment) GROUP_NEW.invokeExact(NID_X9_62_PRIME256V1);
    } catch (IllegalStateException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("libcrypto call failed: " + t, t);
    }
    if (group.equals(MemorySegment.NULL)) {
      throw new IllegalStateException("libcrypto cannot create the P-256 group");
    }
    // Self-check against Bouncy Castle before anything relies on this library.
    byte[] twoG = multiplyGenerator(BigInteger.TWO);
    byte[] expected = P256Backends.java().multiplyGenerator(BigInteger.TWO);
    if (!Arrays.equals(twoG, expected)) {
      throw new IllegalStateException("libcrypto's P-256 disagrees with Bouncy Castle on 2·G");
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean isNative() {
    return true;
  }

  /**
   * Bouncy Castle's decompression: received points are public, and its P-256 square root
   * (10 µs) beats OpenSSL's generic {@code BN_mod_sqrt} behind {@code EC_POINT_oct2point}
   * (23 µs, measured with this class's FFM overhead). OpenSSL re-checks the point on the curve
   * whenever it imports the result.
   */
  @Override
  public byte[] decompress(byte[] compressed) {
    return P256Backends.java().decompress(compressed);
  }

  @Override
  public byte[][] multiplySecret(byte[][] points, BigInteger[] scalars) {
    Sec1.requireSameLength(points, scalars);
    Sec1.requireScalars(scalars, false);
    int n = points.length;
    try (Call c = new Call()) {
      MemorySegment in = c.point();
      MemorySegment[] out = new MemorySegment[n];
      MemorySegment k = null;
      BigInteger kValue = null;
      for (int i = 0; i < n; i++) {
        if (scalars[i] != kValue) { // one BIGNUM per distinct scalar instance (a key: one)
          k = c.secretScalar(scalars[i]);
          kValue = scalars[i];
        }
        c.importTrusted(in, points[i]);
        out[i] = c.point();
        c.check((int) POINT_MUL.invokeExact(group, out[i], MemorySegment.NULL, in, k, c.ctx),
            "EC_POINT_mul");
      }
      return c.exportAll(out);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  @Override
  public byte[] multiplyGenerator(BigInteger scalar) {
    Sec1.requireScalars(new BigInteger[] {scalar}, false);
    try (Call c = new Call()) {
      MemorySegment k = c.secretScalar(scalar);
      MemorySegment r = c.point();
      c.check((int) POINT_MUL.invokeExact(
          group, r, k, MemorySegment.NULL, MemorySegment.NULL, c.ctx), "EC_POINT_mul");
      return c.export(r);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  @Override
  public byte[] sum(byte[][] points, BigInteger[] scalars) {
    Sec1.requireSameLength(points, scalars);
    if (points.length == 0) {
      throw new IllegalArgumentException("points and scalars must be non-empty");
    }
    Sec1.requireScalars(scalars, true);
    try (Call c = new Call()) {
      MemorySegment pArray = c.arena.allocate(ADDRESS, points.length);
      MemorySegment sArray = c.arena.allocate(ADDRESS, points.length);
      int n = 0;
      for (int i = 0; i < points.length; i++) {
        if (Sec1.isIdentity(points[i]) || scalars[i].signum() == 0) {
          continue; // contributes nothing; OpenSSL's windowed sum wants finite points
        }
        MemorySegment p = c.point();
        c.importTrusted(p, points[i]);
        pArray.setAtIndex(ADDRESS, n, p);
        sArray.setAtIndex(ADDRESS, n, c.publicScalar(scalars[i]));
        n++;
      }
      if (n == 0) {
        return Sec1.identity();
      }
      MemorySegment r = c.point();
      c.check((int) POINTS_MUL.invokeExact(
          group, r, MemorySegment.NULL, (long) n, pArray, sArray, c.ctx), "EC_POINTs_mul");
      return c.export(r);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  @Override
  public byte[][] add(byte[][] a, byte[][] b) {
    Sec1.requireSameLength(a, b);
    try (Call c = new Call()) {
      MemorySegment pa = c.point();
      MemorySegment pb = c.point();
      MemorySegment[] out = new MemorySegment[a.length];
      for (int i = 0; i < a.length; i++) {
        c.importTrusted(pa, a[i]);
        c.importTrusted(pb, b[i]);
        out[i] = c.point();
        c.check((int) POINT_ADD.invokeExact(group, out[i], pa, pb, c.ctx), "EC_POINT_add");
      }
      return c.exportAll(out);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /**
   * One operation's native resources: a confined arena for buffers, a BN_CTX, and every
   * EC_POINT and BIGNUM it creates, all freed (and secrets cleared) on {@link #close}.
   */
  private final class Call implements AutoCloseable {
    final Arena arena = Arena.ofConfined();
    final MemorySegment ctx;
    private MemorySegment[] points = new MemorySegment[8];
    private int pointCount;
    private MemorySegment[] bignums = new MemorySegment[4];
    private int bignumCount;
    private final MemorySegment octets = arena.allocate(Sec1.AFFINE_LENGTH);
    private final MemorySegment scalarBuf = arena.allocate(Sec1.FIELD_LENGTH);

    Call() {
      try {
        ctx = (MemorySegment) CTX_NEW.invokeExact();
      } catch (Throwable t) {
        arena.close();
        throw new IllegalStateException(t);
      }
      if (ctx.equals(MemorySegment.NULL)) {
        arena.close();
        throw new OutOfMemoryError("BN_CTX_new failed");
      }
    }

    MemorySegment point() {
      MemorySegment p;
      try {
        p = (MemorySegment) POINT_NEW.invokeExact(group);
      } catch (Throwable t) {
        throw new IllegalStateException(t);
      }
      if (p.equals(MemorySegment.NULL)) {
        throw new OutOfMemoryError("EC_POINT_new failed");
      }
      if (pointCount == points.length) {
        points = Arrays.copyOf(points, points.length * 2);
      }
      points[pointCount++] = p;
      return p;
    }

    /** Parses an encoding into {@code p}; false if OpenSSL rejects it (not on the curve). */
    boolean importPoint(MemorySegment p, byte[] encoding) {
      MemorySegment.copy(encoding, 0, octets, JAVA_BYTE, 0, encoding.length);
      try {
        int ok = (int) OCT2POINT.invokeExact(group, p, octets, (long) encoding.length, ctx);
        if (ok != 1) {
          ERR_CLEAR.invokeExact();
        }
        return ok == 1;
      } catch (Throwable t) {
        throw new IllegalStateException(t);
      }
    }

    /**
     * Imports an affine point or the identity that came from this interface (OpenSSL checks
     * points anyway; the one-byte 0x00 sets the point at infinity).
     */
    void importTrusted(MemorySegment p, byte[] affine) {
      if (!Sec1.isIdentity(affine)) {
        Sec1.requireAffine(affine);
      }
      if (!importPoint(p, affine)) {
        throw new IllegalArgumentException("not a point on P-256");
      }
    }

    MemorySegment secretScalar(BigInteger s) throws Throwable {
      MemorySegment bn = (MemorySegment) BN_SECURE_NEW.invokeExact();
      track(bn);
      BN_SET_FLAGS.invokeExact(bn, BN_FLG_CONSTTIME);
      byte[] bytes = Sec1.scalarBytes(s);
      try {
        MemorySegment.copy(bytes, 0, scalarBuf, JAVA_BYTE, 0, bytes.length);
        check((MemorySegment) BN_BIN2BN.invokeExact(scalarBuf, bytes.length, bn));
      } finally {
        Arrays.fill(bytes, (byte) 0);
        scalarBuf.fill((byte) 0);
      }
      return bn;
    }

    MemorySegment publicScalar(BigInteger s) throws Throwable {
      MemorySegment bn = (MemorySegment) BN_NEW.invokeExact();
      track(bn);
      byte[] bytes = Sec1.scalarBytes(s);
      MemorySegment.copy(bytes, 0, scalarBuf, JAVA_BYTE, 0, bytes.length);
      check((MemorySegment) BN_BIN2BN.invokeExact(scalarBuf, bytes.length, bn));
      return bn;
    }

    private void track(MemorySegment bn) {
      if (bn.equals(MemorySegment.NULL)) {
        throw new OutOfMemoryError("BN_new failed");
      }
      if (bignumCount == bignums.length) {
        bignums = Arrays.copyOf(bignums, bignums.length * 2);
      }
      bignums[bignumCount++] = bn;
    }

    private void check(MemorySegment result) {
      if (result.equals(MemorySegment.NULL)) {
        throw new IllegalStateException("BN_bin2bn failed");
      }
    }

    void check(int ok, String what) throws Throwable {
      if (ok != 1) {
        ERR_CLEAR.invokeExact();
        throw new IllegalStateException(what + " failed in libcrypto");
      }
    }

    byte[] export(MemorySegment p) {
      try {
        if ((int) IS_INFINITY.invokeExact(group, p) == 1) {
          return Sec1.identity();
        }
        long len = (long) POINT2OCT.invokeExact(
            group, p, FORM_UNCOMPRESSED, octets, (long) Sec1.AFFINE_LENGTH, ctx);
        if (len != Sec1.AFFINE_LENGTH) {
          ERR_CLEAR.invokeExact();
          throw new IllegalStateException("EC_POINT_point2oct failed in libcrypto");
        }
      } catch (RuntimeException e) {
        throw e;
      } catch (Throwable t) {
        throw new IllegalStateException(t);
      }
      return octets.toArray(JAVA_BYTE);
    }

    /** Exports points after one batch normalization (one shared field inversion). */
    byte[][] exportAll(MemorySegment[] ps) throws Throwable {
      MemorySegment finite = arena.allocate(ADDRESS, Math.max(1, ps.length));
      int n = 0;
      for (MemorySegment p : ps) {
        if ((int) IS_INFINITY.invokeExact(group, p) != 1) {
          finite.setAtIndex(ADDRESS, n++, p);
        }
      }
      if (n > 1) {
        check((int) MAKE_AFFINE.invokeExact(group, (long) n, finite, ctx),
            "EC_POINTs_make_affine");
      }
      byte[][] out = new byte[ps.length][];
      for (int i = 0; i < ps.length; i++) {
        out[i] = export(ps[i]);
      }
      return out;
    }

    @Override
    public void close() {
      try {
        for (int i = 0; i < pointCount; i++) {
          POINT_CLEAR_FREE.invokeExact(points[i]);
        }
        for (int i = 0; i < bignumCount; i++) {
          BN_CLEAR_FREE.invokeExact(bignums[i]);
        }
        CTX_FREE.invokeExact(ctx);
      } catch (Throwable t) {
        throw new IllegalStateException(t);
      } finally {
        arena.close();
      }
    }
  }

  private static MethodHandle fn(String symbol, FunctionDescriptor descriptor) {
    MemorySegment address = CRYPTO.find(symbol).orElseThrow(
        () -> new IllegalStateException("libcrypto.so.3 has no symbol " + symbol));
    return LINKER.downcallHandle(address, descriptor);
  }
}
