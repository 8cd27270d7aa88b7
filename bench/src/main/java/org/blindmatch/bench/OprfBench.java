package org.blindmatch.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.blindmatch.crypto.oprf.BlindEvaluation;
import org.blindmatch.crypto.oprf.Blinded;
import org.blindmatch.crypto.oprf.CombinedEvaluation;
import org.blindmatch.crypto.oprf.Element;
import org.blindmatch.crypto.oprf.KeyPair;
import org.blindmatch.crypto.oprf.KeyShare;
import org.blindmatch.crypto.oprf.OprfClient;
import org.blindmatch.crypto.oprf.OprfException;
import org.blindmatch.crypto.oprf.OprfServer;
import org.blindmatch.crypto.oprf.ShamirSharing;
import org.blindmatch.crypto.oprf.ShareEvaluation;
import org.blindmatch.crypto.oprf.Suite;
import org.blindmatch.crypto.oprf.ThresholdCombiner;
import org.blindmatch.crypto.oprf.ThresholdPublicKey;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;

/**
 * RFC 9497 VOPRF P256-SHA256 on one thread, for one batch size, against the unit of work
 * measured in the same run: Bouncy Castle's P-256 variable-base scalar multiplication
 * ({@code ECPoint.multiply} on a freshly decoded point, as the keyholder gets them). Measured in
 * alternation; rates are the best of the rounds, ratios the median of the per-round ratios
 * (each round's figures are measured back to back, so their ratio is steadier than a ratio of
 * bests on a shared machine):
 *
 * <ul>
 *   <li>keyholder: {@link OprfServer#blindEvaluateBatch} (the keyholder service's call),
 *       evaluations with proof per second and the ratio to multiplications (target ≥ 0.8);
 *   <li>client: {@link OprfClient#finalizeBatch}, verify the batched proof and unblind and hash
 *       every element, elements per second and the ratio;
 *   <li>threshold 2-of-3: {@link ThresholdCombiner#combine} of two keyholders' answers (verify
 *       both proofs, choose the shares) and {@link OprfClient#finalizeCombined} (combine in the
 *       exponent, unblind, hash), cost per element of each and in total, in microseconds and in
 *       multiplications;
 *   <li>decoding a request's 33-byte elements, which the keyholder service does first.
 * </ul>
 *
 * Every round decodes fresh points outside the timed region, so no Bouncy Castle
 * precomputation cached on a point object carries over between rounds. Times are the benchmark
 * thread's CPU time ({@link ThreadMXBean#getCurrentThreadCpuTime}), which on a shared machine
 * counts the work rather than the waiting; garbage collection on other threads is not included
 * (it is small here: young collections of short-lived field elements).
 */
final class OprfBench {
  private static final Suite SUITE = Suite.VOPRF_P256_SHA256;
  private static final ECCurve CURVE = CustomNamedCurves.getByName("secp256r1").getCurve();

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private OprfBench() {}

  static void run(int batch, double seconds) throws Exception {
    if (batch < 1 || batch > 0xffff) {
      throw new IllegalArgumentException("batch must be in 1..65535, got " + batch);
    }
    SecureRandom random = new SecureRandom();
    KeyPair key = KeyPair.generate(random);
    OprfServer server = new OprfServer(SUITE, key);
    OprfClient client = new OprfClient(SUITE);
    List<KeyShare> shares = ShamirSharing.split(key.secretKey(), 2, 3, random);
    ThresholdPublicKey thresholdKey = ThresholdPublicKey.of(2, shares);
    List<OprfServer> keyholders =
        shares.stream().map(s -> new OprfServer(SUITE, s.keyPair())).toList();

    List<byte[]> inputs = new ArrayList<>(batch);
    List<Blinded> blinded = new ArrayList<>(batch);
    for (int i = 0; i < batch; i++) {
      byte[] input = ("10." + (i >>> 16) + "." + ((i >>> 8) & 255) + "." + (i & 255))
          .getBytes(StandardCharsets.US_ASCII);
      inputs.add(input);
      blinded.add(client.blind(input, random));
    }
    byte[][] request = encode(blinded.stream().map(Blinded::blindedElement).toList());
    BlindEvaluation answer = server.blindEvaluateBatch(decode(request), random);
    byte[][] response = encode(answer.evaluatedElements());
    List<BlindEvaluation> shareAnswers = new ArrayList<>();
    for (int u = 0; u < 2; u++) {
      shareAnswers.add(keyholders.get(u).blindEvaluateBatch(decode(request), random));
    }

    System.out.printf("OPRF %s VOPRF, 1 thread, batch %,d, about %.0f s, thread CPU time%n",
        Suite.IDENTIFIER, batch, seconds);
    Best mult = new Best();
    Best evaluate = new Best();
    Best verify = new Best();
    Best combine = new Best();
    Best shareVerify = new Best();
    Best combineFinalize = new Best();
    Best decode = new Best();
    List<Double> evalRatios = new ArrayList<>();
    List<Double> verifyRatios = new ArrayList<>();
    long sink = 0;
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    int rounds = 0;
    for (int r = -1; r < 3 || System.nanoTime() < deadline; r++) { // round -1 warms up
      // (a) the unit of work: k·B for fresh points, straight on Bouncy Castle.
      ECPoint[] points = new ECPoint[batch];
      for (int i = 0; i < batch; i++) {
        points[i] = CURVE.decodePoint(request[i]);
      }
      long t0 = cpu();
      for (ECPoint p : points) {
        sink += p.multiply(key.secretKey()).getXCoord().testBitZero() ? 1 : 0; // Jacobian
      }
      long t1 = cpu();

      // Decoding a request, then (b) the keyholder's batched evaluation with proof.
      List<Element> elements = decode(request);
      long t2 = cpu();
      BlindEvaluation evaluation = server.blindEvaluateBatch(elements, random);
      long t3 = cpu();
      sink += evaluation.proof().encode()[0];

      // (c) the client: verify the proof, unblind, hash.
      BlindEvaluation received = new BlindEvaluation(decode(response), answer.proof());
      long t4 = cpu();
      List<byte[]> outputs = client.finalizeBatch(inputs, blinded, received, key.publicKey());
      long t5 = cpu();
      sink += outputs.get(0)[0];

      // (d) threshold 2-of-3: verify both keyholders' proofs, combine, then finalize.
      List<ShareEvaluation> received2 = new ArrayList<>();
      for (int u = 0; u < 2; u++) {
        BlindEvaluation a = shareAnswers.get(u);
        received2.add(new ShareEvaluation(shares.get(u).index(),
            new BlindEvaluation(decode(encode(a.evaluatedElements())), a.proof())));
      }
      List<Element> sent = decode(request);
      long t6 = cpu();
      CombinedEvaluation combined = ThresholdCombiner.combine(received2, sent, thresholdKey);
      long tVerified = cpu();
      List<byte[]> thresholdOutputs = client.finalizeCombined(inputs, blinded, combined);
      long t7 = cpu();
      if (!Arrays.equals(thresholdOutputs.get(batch - 1), outputs.get(batch - 1))) {
        throw new IllegalStateException("threshold output differs from the full key's");
      }

      if (r < 0) {
        continue;
      }
      rounds++;
      double multRate = batch / sec(t0, t1);
      double evalRate = batch / sec(t2, t3);
      double verifyRate = batch / sec(t4, t5);
      double combineMicros = sec(t6, t7) * 1e6 / batch;
      mult.max(multRate);
      evaluate.max(evalRate);
      verify.max(verifyRate);
      combine.min(combineMicros);
      shareVerify.min(sec(t6, tVerified) * 1e6 / batch);
      combineFinalize.min(sec(tVerified, t7) * 1e6 / batch);
      decode.min(sec(t1, t2) * 1e6 / batch);
      evalRatios.add(evalRate / multRate);
      verifyRatios.add(verifyRate / multRate);
      System.out.printf("  round %d: mult %,.0f/s, keyholder %,.0f/s (%.2fx), client %,.0f/s "
          + "(%.2fx), threshold 2-of-3 %.0f us/element (%.2f mult)%n", r, multRate, evalRate,
          evalRate / multRate, verifyRate, verifyRate / multRate, combineMicros,
          combineMicros * multRate / 1e6);
    }
    double m = mult.value;
    System.out.printf("RESULT oprf batch %d: BC P-256 variable-base scalar multiplication "
        + "%,.0f mult/s/core; keyholder BlindEvaluate batch with proof %,.0f evaluations/s/core, "
        + "ratio %.2fx (target >= 0.8x); client verify proof + finalize %,.0f elements/s/core, "
        + "ratio %.2fx; threshold 2-of-3 per element: verify 2 proofs %.0f us (%.2f mult), "
        + "combine + unblind + finalize %.0f us (%.2f mult), total %.0f us (%.2f mult); "
        + "request decode %.1f us/element (%.2f mult)  (thread CPU time; rates best of %d "
        + "rounds, ratios the median of per-round ratios)  [sink %d]%n",
        batch, m, evaluate.value, median(evalRatios), verify.value, median(verifyRatios),
        shareVerify.value, shareVerify.value * m / 1e6, combineFinalize.value,
        combineFinalize.value * m / 1e6, combine.value, combine.value * m / 1e6, decode.value,
        decode.value * m / 1e6, rounds, sink & 1);
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  static long cpu() {
    return THREADS.getCurrentThreadCpuTime();
  }

  static double sec(long from, long to) {
    return (to - from) / 1e9;
  }

  static byte[][] encode(List<Element> elements) {
    byte[][] out = new byte[elements.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = elements.get(i).encode();
    }
    return out;
  }

  static List<Element> decode(byte[][] encoded) throws OprfException {
    List<Element> out = new ArrayList<>(encoded.length);
    for (byte[] e : encoded) {
      out.add(Element.decode(e));
    }
    return out;
  }

  /** Best (largest rate or smallest cost) over the rounds. */
  private static final class Best {
    double value = Double.NaN;

    void max(double v) {
      value = Double.isNaN(value) ? v : Math.max(value, v);
    }

    void min(double v) {
      value = Double.isNaN(value) ? v : Math.min(value, v);
    }
  }
}
