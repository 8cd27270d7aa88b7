package org.blindmatch.crypto.ec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The native backend against the Java one on random inputs: every operation of
 * {@link P256Arithmetic} must give the same bytes, including the identity and the exceptional
 * cases of addition (doubling, P + (-P)). Needs the native backend: it runs in crypto's second
 * surefire execution (Java 22+, {@code BLINDMATCH_OPRF_BACKEND=native}) and fails there if the
 * backend cannot load; the Java 17 execution excludes it.
 */
class NativeDifferentialTest {
  private static final P256Arithmetic JAVA = P256Backends.java();
  private static final BigInteger N = Sec1.ORDER;
  private static final BigInteger P = JavaP256.CURVE.getField().getCharacteristic();
  private static final byte[] DST = "blindmatch-test-DST".getBytes(StandardCharsets.US_ASCII);

  private static P256Arithmetic nativeBackend() {
    return P256Backends.nativeBackend();
  }

  @Example
  void selectedBackendIsNativeInThisExecution() {
    assertEquals(true, P256Backends.selected().isNative(), P256Backends.selected().name());
    assertEquals(true, nativeBackend().name().startsWith("native (OpenSSL 3."));
  }

  @Property(tries = 200)
  void secretMultiplicationAgrees(
      @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 0, max = 1_000_000) Integer> seeds,
      @ForAll("scalars") BigInteger k) {
    byte[][] points = seeds.stream().map(NativeDifferentialTest::point).toArray(byte[][]::new);
    BigInteger[] one = new BigInteger[points.length];
    Arrays.fill(one, k);
    assertDeepEquals(JAVA.multiplySecret(points, one), nativeBackend().multiplySecret(points, one));
    BigInteger[] each = new BigInteger[points.length];
    for (int i = 0; i < each.length; i++) {
      each[i] = k.add(BigInteger.valueOf(i)).mod(N.subtract(BigInteger.ONE)).add(BigInteger.ONE);
    }
    assertDeepEquals(
        JAVA.multiplySecret(points, each), nativeBackend().multiplySecret(points, each));
  }

  @Property(tries = 200)
  void generatorMultiplicationAgrees(@ForAll("scalars") BigInteger k) {
    assertArrayEquals(JAVA.multiplyGenerator(k), nativeBackend().multiplyGenerator(k));
  }

  @Property(tries = 200)
  void multiScalarSumAgrees(
      @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = 40) Integer> seeds,
      @ForAll("scalars") BigInteger base) {
    int n = seeds.size();
    byte[][] points = new byte[n][];
    BigInteger[] scalars = new BigInteger[n];
    for (int i = 0; i < n; i++) {
      int s = seeds.get(i); // small seed range: repeated points, so cancellations happen
      points[i] = s == 0 ? Sec1.identity() : s % 7 == 0 ? negate(point(s)) : point(s);
      scalars[i] = s % 5 == 0 ? BigInteger.ZERO : base.multiply(BigInteger.valueOf(s)).mod(N);
    }
    assertArrayEquals(JAVA.sum(points, scalars), nativeBackend().sum(points, scalars));
  }

  @Example
  void sumThatCancelsIsTheIdentity() {
    byte[] p = point(1);
    BigInteger d = BigInteger.valueOf(12345);
    byte[][] points = {p, p};
    BigInteger[] scalars = {d, N.subtract(d)};
    assertArrayEquals(Sec1.identity(), nativeBackend().sum(points, scalars));
    assertArrayEquals(Sec1.identity(), JAVA.sum(points, scalars));
  }

  @Property(tries = 200)
  void additionAgreesIncludingExceptionalCases(
      @ForAll @IntRange(min = 1, max = 1_000_000) int a,
      @ForAll @IntRange(min = 1, max = 1_000_000) int b) {
    byte[][] left = {point(a), point(a), point(a), Sec1.identity(), point(a)};
    byte[][] right = {point(b), point(a), negate(point(a)), point(b), Sec1.identity()};
    byte[][] expected = JAVA.add(left, right);
    assertDeepEquals(expected, nativeBackend().add(left, right));
    assertArrayEquals(Sec1.identity(), expected[2]);
  }

  @Property(tries = 300)
  void decompressionAgreesAndBothRejectTheSameBytes(
      @ForAll @Size(33) byte[] candidate, @ForAll boolean odd) {
    candidate[0] = (byte) (odd ? 0x03 : 0x02);
    byte[] viaJava = decompressOrNull(JAVA, candidate);
    byte[] viaNative = decompressOrNull(nativeBackend(), candidate);
    assertArrayEquals(viaJava, viaNative);
    if (viaJava != null) { // decompression is Bouncy Castle's in both; OpenSSL must accept it
      assertArrayEquals(candidate, Sec1.compress(viaJava));
      BigInteger[] three = {BigInteger.valueOf(3)};
      assertArrayEquals(JAVA.multiplySecret(new byte[][] {viaJava}, three)[0],
          nativeBackend().multiplySecret(new byte[][] {viaNative}, three)[0]);
    }
  }

  @Example
  void invalidEncodingsAreRejected() {
    byte[] p = Sec1.compress(point(3));
    byte[] x = p.clone();
    x[0] = 0x04;
    assertThrows(IllegalArgumentException.class, () -> nativeBackend().decompress(x));
    assertThrows(IllegalArgumentException.class,
        () -> nativeBackend().decompress(Arrays.copyOf(p, 32)));
    byte[] fieldOverflow = new byte[33];
    Arrays.fill(fieldOverflow, (byte) 0xff); // x = 2^256 - 1 ≥ p
    fieldOverflow[0] = 0x02;
    assertThrows(IllegalArgumentException.class, () -> nativeBackend().decompress(fieldOverflow));
    assertThrows(IllegalArgumentException.class, () -> JAVA.decompress(fieldOverflow));
    assertThrows(IllegalArgumentException.class,
        () -> nativeBackend().multiplySecret(new byte[][] {point(1)}, new BigInteger[] {N}));
    assertThrows(IllegalArgumentException.class,
        () -> nativeBackend().multiplyGenerator(BigInteger.ZERO));
  }

  @Property(tries = 100)
  void hashToCurveAgrees(@ForAll @Size(max = 64) byte[] message) {
    assertArrayEquals(JAVA.hashToCurve(message, DST), nativeBackend().hashToCurve(message, DST));
  }

  @Provide
  Arbitrary<BigInteger> scalars() {
    Arbitrary<BigInteger> random = Arbitraries.bytes().array(byte[].class).ofSize(32)
        .map(b -> new BigInteger(1, b).mod(N.subtract(BigInteger.ONE)).add(BigInteger.ONE));
    return Arbitraries.oneOf(random, Arbitraries.of(
        BigInteger.ONE, BigInteger.TWO, N.subtract(BigInteger.ONE), N.subtract(BigInteger.TWO),
        BigInteger.ONE.shiftLeft(255), BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE)));
  }

  /** A point no backend computed: hash-to-curve of the seed through Bouncy Castle. */
  private static byte[] point(int seed) {
    return JAVA.hashToCurve(Integer.toString(seed).getBytes(StandardCharsets.US_ASCII), DST);
  }

  private static byte[] negate(byte[] affine) {
    byte[] out = affine.clone();
    BigInteger y = new BigInteger(1, Arrays.copyOfRange(affine, 33, 65));
    byte[] negY = Sec1.scalarBytes(P.subtract(y));
    System.arraycopy(negY, 0, out, 33, 32);
    return out;
  }

  private static byte[] decompressOrNull(P256Arithmetic backend, byte[] compressed) {
    try {
      return backend.decompress(compressed);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static void assertDeepEquals(byte[][] expected, byte[][] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertArrayEquals(expected[i], actual[i], "element " + i);
    }
  }
}
