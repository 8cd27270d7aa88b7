package org.blindmatch.bench;

import static org.blindmatch.bench.OprfBench.cpu;
import static org.blindmatch.bench.OprfBench.decode;
import static org.blindmatch.bench.OprfBench.encode;
import static org.blindmatch.bench.OprfBench.sec;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.blindmatch.crypto.ec.P256Backends;
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

/**
 * The OPRF's two arithmetic backends side by side in one run (issue 15, benchmarks 4(a) and
 * 4(b)). The parent starts one child JVM per backend ({@code BLINDMATCH_OPRF_BACKEND=java},
 * then {@code native}) on the same Java 22+ runtime and prints both figures and their ratio:
 *
 * <ul>
 *   <li>(a) keyholder evaluations per second per core: one keyholder's
 *       {@link OprfServer#blindEvaluateBatch} with its share key (decode the request, multiply,
 *       batched DLEQ proof), target native/java ≥ 2.5×;
 *   <li>(b) CPU per distinct address for the client plus two keyholders (2-of-3): the client
 *       hashes and blinds each address, two keyholders evaluate the batch, the client verifies
 *       both proofs, combines, unblinds, finalizes; every step's thread CPU summed and divided
 *       by the batch (target ≤ 0.7 ms with the native backend). Transport (gRPC, TLS) and CSV
 *       parsing are not in this figure: {@code oprf-tokenize} measures the whole pipeline.
 * </ul>
 *
 * Times are thread CPU time; each child runs warm-up rounds, then rounds for about the given
 * seconds, and reports the best round (least disturbed by other load on a shared machine).
 */
final class OprfBackendsBench {
  private static final Suite SUITE = Suite.VOPRF_P256_SHA256;
  private static final String PREFIX = "CHILD ";

  private OprfBackendsBench() {}

  /** The parent: one child per backend, then the comparison. */
  static void run(int batch, double seconds) throws Exception {
    String java = java22();
    Map<String, Map<String, String>> results = new HashMap<>();
    for (String backend : List.of("java", "native")) {
      results.put(backend, child(java, backend, batch, seconds));
    }
    Map<String, String> j = results.get("java");
    Map<String, String> n = results.get("native");
    double evalRatio = d(n, "eval_per_s") / d(j, "eval_per_s");
    double addrRatio = d(j, "us_per_address") / d(n, "us_per_address");
    System.out.printf("RESULT oprf-backends batch %d on %s: (a) keyholder evaluations/s/core: "
        + "java %,.0f (%s), native %,.0f (%s), native/java %.2fx (target >= 2.5x); "
        + "(b) CPU per distinct address, client + 2 keyholders (2-of-3): java %.3f ms, "
        + "native %.3f ms (target <= 0.7 ms), java/native %.2fx; of which client %.3f ms, "
        + "keyholders %.3f ms (native)  (thread CPU time, best round of each)%n",
        batch, j.get("runtime"), d(j, "eval_per_s"), j.get("backend"), d(n, "eval_per_s"),
        n.get("backend"), evalRatio, d(j, "us_per_address") / 1e3,
        d(n, "us_per_address") / 1e3, addrRatio, d(n, "client_us_per_address") / 1e3,
        d(n, "keyholders_us_per_address") / 1e3);
  }

  private static double d(Map<String, String> m, String key) {
    return Double.parseDouble(m.get(key));
  }

  private static Map<String, String> child(String java, String backend, int batch,
      double seconds) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseParallelGC",
        "--enable-native-access=ALL-UNNAMED", "-cp", childClasspath(),
        BenchMain.class.getName(), "oprf-backend-child", Integer.toString(batch),
        Double.toString(seconds)));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put(P256Backends.ENV, backend);
    Process p = pb.start();
    Map<String, String> result = null;
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        System.out.println("  [" + backend + "] " + line);
        if (line.startsWith(PREFIX)) {
          result = new HashMap<>();
          for (String kv : line.substring(PREFIX.length()).split("\t")) {
            int eq = kv.indexOf('=');
            result.put(kv.substring(0, eq), kv.substring(eq + 1));
          }
        }
      }
    }
    int status = p.waitFor();
    if (status != 0 || result == null) {
      throw new IllegalStateException("the " + backend + " child failed (exit " + status + ")");
    }
    return result;
  }

  /**
   * This JVM's classpath with each directory's Java 22 layer put first: a directory on the
   * class path (crypto/target/classes in a reactor build) ignores META-INF/versions, a jar
   * does not.
   */
  private static String childClasspath() {
    List<String> layers = new ArrayList<>();
    List<String> entries = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path layer = Path.of(e, "META-INF", "versions", "22");
      if (Files.isDirectory(layer)) {
        layers.add(layer.toString());
      }
      entries.add(e);
    }
    layers.addAll(entries);
    return String.join(File.pathSeparator, layers);
  }

  /** A Java 22+ launcher: this one if it is, else BLINDMATCH_JAVA_HOME or Temurin 25. */
  private static String java22() {
    if (Runtime.version().feature() >= 22) {
      return ProcessHandle.current().info().command().orElse("java");
    }
    for (String home : new String[] {System.getenv("BLINDMATCH_JAVA_HOME"),
        "/usr/lib/jvm/temurin-25-jdk-amd64"}) {
      if (home != null && Files.isExecutable(Path.of(home, "bin", "java"))) {
        return Path.of(home, "bin", "java").toString();
      }
    }
    throw new IllegalStateException("oprf-backends needs a Java 22+ runtime for the native "
        + "backend: run on one, or set BLINDMATCH_JAVA_HOME to its home");
  }

  /** The child: measures with the backend its environment selects. */
  static void child(int batch, double seconds) throws Exception {
    SecureRandom random = new SecureRandom();
    KeyPair key = KeyPair.generate(random);
    List<KeyShare> shares = ShamirSharing.split(key.secretKey(), 2, 3, random);
    ThresholdPublicKey thresholdKey = ThresholdPublicKey.of(2, shares);
    // Keyholders 1 and 2 answer Lagrange-weighted for the combination {1, 2} (PROTOCOL §5.1).
    List<Integer> combination = List.of(shares.get(0).index(), shares.get(1).index());
    List<OprfServer> keyholders = shares.stream()
        .limit(2).map(s -> new OprfServer(SUITE, s.weighted(combination))).toList();
    OprfClient client = new OprfClient(SUITE);
    OprfServer full = new OprfServer(SUITE, key);
    List<byte[]> inputs = new ArrayList<>(batch);
    for (int i = 0; i < batch; i++) {
      inputs.add(("10." + (i >>> 16) + "." + ((i >>> 8) & 255) + "." + (i & 255))
          .getBytes(StandardCharsets.US_ASCII));
    }
    System.out.printf("backend %s, Java %s, batch %,d, about %.0f s%n",
        P256Backends.selected().name(), Runtime.version(), batch, seconds);
    double bestEval = 0;
    double bestTotal = Double.MAX_VALUE;
    double bestClient = 0;
    double bestHolders = 0;
    long sink = 0;
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    for (int r = -2; r < 2 || System.nanoTime() < deadline; r++) { // two warm-up rounds
      // The client: hash to the group and blind every distinct address, encode the request.
      long c0 = cpu();
      List<Blinded> blinded = client.blindAll(inputs, random);
      byte[][] request = encode(blinded.stream().map(Blinded::blindedElement).toList());
      long c1 = cpu();
      // Two keyholders: decode the request, evaluate with proof, encode the answer.
      List<byte[][]> encodedAnswers = new ArrayList<>();
      List<BlindEvaluation> evaluations = new ArrayList<>();
      long k0 = cpu();
      for (int u = 0; u < 2; u++) {
        BlindEvaluation e = keyholders.get(u).blindEvaluateBatch(decode(request), random);
        evaluations.add(e);
        encodedAnswers.add(encode(e.evaluatedElements()));
      }
      long k1 = cpu();
      // The client decodes the answers (counted as the client's).
      List<ShareEvaluation> answers = new ArrayList<>();
      for (int u = 0; u < 2; u++) {
        answers.add(new ShareEvaluation(shares.get(u).index(), new BlindEvaluation(
            decode(encodedAnswers.get(u)), evaluations.get(u).proof()), combination));
      }
      // The client: verify both proofs, combine, unblind, finalize.
      List<Element> sent = decode(request);
      CombinedEvaluation combined = ThresholdCombiner.combine(answers, sent, thresholdKey);
      List<byte[]> outputs = client.finalizeCombined(inputs, blinded, combined);
      for (byte[] s : outputs) {
        sink += s[0];
      }
      long c2 = cpu();
      if (r == -2
          && !Arrays.equals(outputs.get(batch - 1), full.evaluate(inputs.get(batch - 1)))) {
        throw new IllegalStateException("threshold output differs from the full key's");
      }
      if (r < 0) {
        continue;
      }
      double evalRate = 2 * batch / sec(k0, k1); // two keyholders' evaluations
      double clientCpu = sec(c0, c1) + sec(k1, c2);
      double holders = sec(k0, k1);
      double total = (clientCpu + holders) * 1e6 / batch;
      System.out.printf("  round %d: keyholder %,.0f evaluations/s, per address: client %.0f us"
          + " + keyholders %.0f us = %.0f us%n", r, evalRate, clientCpu * 1e6 / batch,
          holders * 1e6 / batch, total);
      bestEval = Math.max(bestEval, evalRate);
      if (total < bestTotal) {
        bestTotal = total;
        bestClient = clientCpu * 1e6 / batch;
        bestHolders = holders * 1e6 / batch;
      }
    }
    System.out.println(PREFIX + "backend=" + P256Backends.selected().name()
        + "\truntime=Java " + Runtime.version().feature()
        + "\teval_per_s=" + bestEval + "\tus_per_address=" + bestTotal
        + "\tclient_us_per_address=" + bestClient
        + "\tkeyholders_us_per_address=" + bestHolders + "\tsink=" + (sink & 1));
  }
}
