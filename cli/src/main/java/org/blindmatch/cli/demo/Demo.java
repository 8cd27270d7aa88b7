package org.blindmatch.cli.demo;

import org.blindmatch.client.federation.FederationException;
import com.google.crypto.tink.KeysetHandle;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.results.HandleMappings;
import org.blindmatch.client.federation.NodeProfile;
import org.blindmatch.client.results.RunResults;
import org.blindmatch.client.tokenize.InputException;
import org.blindmatch.crypto.keys.EncryptedKeysetFile;
import org.blindmatch.crypto.keys.KdfProfile;
import org.blindmatch.crypto.keys.PassphraseKdf;
import org.blindmatch.crypto.keys.TokenKeyset;
import org.blindmatch.crypto.pki.FederationCa;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.PemFiles;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.scope.ScopeLoader;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.LabelCount;
import org.blindmatch.proto.v1.RecordMatch;
import org.blindmatch.proto.v1.Results;
import org.blindmatch.proto.v1.TierTotals;

/**
 * {@code blindmatch demo}: a throwaway federation on loopback. Creates a CA, certificates,
 * signing keys, a scope and an hmac keyset; generates three platforms' reports and an NGO
 * watchlist with planted matches; starts the clearinghouse as a separate process with mutual
 * TLS; runs each role as its own client (tokenize, submit, match, results); prints what each
 * role learns; and checks every result against a plaintext reference join.
 */
public final class Demo {
  static final String FEDERATION = "demo";
  static final String[] PLATFORMS = {"platform-a", "platform-b", "platform-c"};
  static final String NGO = "ngo-watch";
  static final String OPERATOR = "operator";
  static final String AUDITOR = "auditor";
  /** Default background events per platform (besides the planted ones). */
  public static final int DEFAULT_EVENTS_PER_PLATFORM = 20_000;
  static final int K = 3;

  static final int KEYHOLDERS = 3;
  static final int OPRF_THRESHOLD = 2;

  private final Path dir;
  private final PrintWriter out;
  private final boolean oprf;
  private final int eventsPerPlatform;
  private final char[] passphrase;
  private final List<Process> keyholders = new ArrayList<>();
  private final Cli cli;

  /** The blindmatch command line, run in this JVM and as processes of their own. */
  public interface Cli {
    /** Runs one command in this JVM; returns its exit status. */
    int execute(String[] args, PrintWriter out, PrintWriter err);

    /** The class whose {@code main} runs the command line in a new JVM. */
    Class<?> mainClass();
  }

  /**
   * @param cli the command line the demo drives, as a user would
   * @param dir where the federation is created
   * @param out where progress and results are printed
   * @param oprf oprf mode (three keyholders, threshold 2) instead of hmac mode
   * @param eventsPerPlatform background events per platform, at least 1
   */
  public Demo(Cli cli, Path dir, PrintWriter out, boolean oprf, int eventsPerPlatform) {
    if (eventsPerPlatform < 1) {
      throw new IllegalArgumentException("events per platform must be positive");
    }
    this.cli = cli;
    this.dir = dir;
    this.out = out;
    this.oprf = oprf;
    this.eventsPerPlatform = eventsPerPlatform;
    byte[] random = new byte[18];
    new SecureRandom().nextBytes(random);
    this.passphrase = Base64.getUrlEncoder().withoutPadding().encodeToString(random)
        .toCharArray();
  }

  /** Runs the demo; true if every result matched the reference join. */
  public boolean run() throws Exception {
    long t0 = System.nanoTime();
    Files.createDirectories(dir);
    Path pass = dir.resolve("passphrase.txt");
    Files.writeString(pass, new String(passphrase) + "\n");
    step("federation " + FEDERATION + " in " + dir);
    Path pki = Files.createDirectories(dir.resolve("pki"));
    FederationCa ca = FederationCa.create(FEDERATION, Duration.ofDays(30));
    ca.write(pki.resolve("ca.crt"), pki.resolve("ca.key"), passphrase, true);
    issue(ca, pki, Role.CLEARINGHOUSE, "clearinghouse", List.of("localhost"),
        List.of("127.0.0.1"));
    issue(ca, pki, Role.CLEARINGHOUSE, OPERATOR, List.of(), List.of());
    for (String p : PLATFORMS) {
      issue(ca, pki, Role.PLATFORM, p, List.of(), List.of());
    }
    issue(ca, pki, Role.NGO, NGO, List.of(), List.of());
    issue(ca, pki, Role.AUDITOR, AUDITOR, List.of(), List.of());
    if (oprf) {
      for (int i = 1; i <= KEYHOLDERS; i++) {
        issue(ca, pki, Role.KEYHOLDER, "keyholder-" + i, List.of("localhost"),
            List.of("127.0.0.1"));
      }
    }

    Path scopeFile = dir.resolve("scope.yaml");
    Files.writeString(scopeFile, """
        scope: demo-compounds
        tiers:
          - name: ip+hour
            bucket_width: 1h
            ipv4_prefix: 32
            ipv6_prefix: 64
            watchlist_tolerance: 30m
          - name: ip-only
            bucket_width: none
        """);
    Scope scope = ScopeLoader.load(scopeFile);
    KeysetHandle tokenKeys = TokenKeyset.generate();
    Path keyset = dir.resolve("token-keys.json");
    EncryptedKeysetFile.write(keyset, tokenKeys, TokenKeyset.PURPOSE, passphrase,
        PassphraseKdf.withRandomSalt(), true);
    int keyId = TokenKeyset.select(tokenKeys, null).id();

    Path data = Files.createDirectories(dir.resolve("data"));
    List<DemoData.Row> watch = DemoData.watchlist();
    Path watchCsv = data.resolve("ngo-watchlist.csv");
    DemoData.writeWatchlist(watchCsv, watch);
    Map<String, Path> reports = new LinkedHashMap<>();
    for (int i = 0; i < PLATFORMS.length; i++) {
      Path csv = data.resolve(PLATFORMS[i] + "-reports.csv");
      DemoData.writeReports(csv, PLATFORMS[i].substring(PLATFORMS[i].length() - 1).toUpperCase(),
          eventsPerPlatform, 11 + i, watch);
      reports.put(PLATFORMS[i], csv);
    }
    step("data: " + watch.size() + " watchlist rows for " + DemoData.LOCATIONS.length
        + " locations; " + PLATFORMS.length + " platforms x ~" + eventsPerPlatform
        + " events");

    Path config = dir.resolve("clearinghouse.yaml");
    Files.writeString(config, "federation: " + FEDERATION + "\n"
        + "listen: 127.0.0.1:0\n"
        + "data_dir: clearinghouse-data\n"
        + "tls: {ca: pki/ca.crt, cert: pki/clearinghouse.crt, key: pki/clearinghouse.key}\n"
        + "signing_keyset: pki/clearinghouse.signing.json\n"
        + "passphrase_file: passphrase.txt\n"
        + "scope: scope.yaml\n"
        + (oprf ? "oprf_public_keys: [epoch-1/oprf-public.epoch-1.json]\n"
            : "accepted_key_ids: [" + Integer.toUnsignedString(keyId) + "]\n")
        + "k_threshold: " + K + "\n"
        + "submission_ttl: 7d\n");
    List<String> keyholderAddresses = oprf ? startKeyholders(pass) : List.of();
    Process server = startServer(config);
    try {
      int port = awaitPort(server, dir.resolve("clearinghouse.log"), "the clearinghouse");
      step("clearinghouse started as process " + server.pid() + " on 127.0.0.1:" + port
          + " (mutual TLS 1.3); log: clearinghouse.log");
      Map<String, Path> profiles = new LinkedHashMap<>();
      for (String name : names()) {
        Path profile = dir.resolve(name + ".profile.yaml");
        Files.writeString(profile, "server: 127.0.0.1:" + port + "\n"
            + "tls: {ca: pki/ca.crt, cert: pki/" + name + ".crt, key: pki/" + name + ".key}\n"
            + "signing_keyset: pki/" + name + ".signing.json\n"
            + "passphrase_file: passphrase.txt\n");
        profiles.put(name, profile);
      }
      Map<String, Path> maps = new LinkedHashMap<>();
      for (String p : PLATFORMS) {
        Path tokens = data.resolve(p + ".bmt");
        blindmatch(keying(profiles.get(p), keyset, pass, keyholderAddresses, "tokenize", "--reports",
            reports.get(p).toString(), "--scope", scopeFile.toString(),
            "--out", tokens.toString(), "--force", "--no-progress"));
        blindmatch("submit", "--profile", profiles.get(p).toString(), "--tokens", tokens.toString(),
            "--id", p + "-march");
        maps.put(p, Path.of(tokens + ".map.csv"));
        step(p + ": tokenized and submitted (receipt " + tokens.getFileName() + ".receipt)");
      }
      Path ngoTokens = data.resolve(NGO + ".bmt");
      if (oprf) {
        stop(keyholders.get(KEYHOLDERS - 1));
        step("keyholder-" + KEYHOLDERS + " stopped: the NGO continues with "
            + OPRF_THRESHOLD + " of " + KEYHOLDERS);
      }
      blindmatch(keying(profiles.get(NGO), keyset, pass, keyholderAddresses, "tokenize",
          "--watchlist", watchCsv.toString(), "--scope", scopeFile.toString(),
          "--out", ngoTokens.toString(), "--force", "--no-progress"));
      blindmatch("submit", "--profile", profiles.get(NGO).toString(), "--tokens", ngoTokens.toString(),
          "--id", NGO + "-compounds");
      maps.put(NGO, Path.of(ngoTokens + ".map.csv"));
      step(NGO + ": tokenized and submitted the watchlist");

      String runOutput = blindmatch("match", "run", "--profile", profiles.get(OPERATOR).toString(),
          "--scope", scope.id());
      String runId = runOutput.lines().filter(l -> l.startsWith("run "))
          .map(l -> l.substring(4).trim()).findFirst().orElseThrow();
      step("operator: match run " + runId);

      ReferenceJoin truth = ReferenceJoin.compute(scope, watchCsv, reports);
      Map<String, String> labelNames = HandleMappings.resolve(List.of(maps.get(NGO)),
          allHandles(maps.get(NGO)));
      boolean ok = true;
      for (String p : PLATFORMS) {
        Results r = fetch(profiles.get(p), runId);
        Map<String, String> ids = HandleMappings.resolve(List.of(maps.get(p)),
            allHandles(maps.get(p)));
        Map<String, Long> got = new TreeMap<>();
        for (RecordMatch m : r.getRecordMatchesList()) {
          got.merge(ids.get(hex(m.getRecordHandle())) + "|" + tier(scope, m.getTier()) + "|"
              + labelNames.get(hex(m.getLabelHandle())), m.getEvents(), Long::sum);
        }
        ok &= check(p + " record matches", truth.perPlatform.get(p), got);
        blindmatch("results", "get", "--profile", profiles.get(p).toString(), "--run", runId,
            "--map", maps.get(p).toString(), "--out", dir.resolve(p + "-results.csv").toString());
        // What the platform itself receives: its own record ids, the NGO's opaque label handle.
        List<String> rows = Files.readAllLines(dir.resolve(p + "-results.csv"));
        out.printf("  %s sees %d matched (record, tier, label) rows; e.g. %s (the label is "
                + "the NGO's opaque handle: only the NGO can name it)%n", p, rows.size() - 1,
            rows.size() < 2 ? "-" : rows.get(1).replace(',', ' '));
      }
      Results ngo = fetch(profiles.get(NGO), runId);
      Map<String, Long> gotCounts = new TreeMap<>();
      for (LabelCount c : ngo.getLabelCountsList()) {
        gotCounts.put(labelNames.get(hex(c.getLabelHandle())) + "|" + tier(scope, c.getTier()),
            c.getMatchedRecords() * 1000 + c.getSubmitters());
      }
      Map<String, Long> wantCounts = new TreeMap<>();
      long suppressed = 0;
      for (Map.Entry<String, Set<String>> e : truth.labelRecords.entrySet()) {
        // The demo's scope keeps the default disclosure control: min_records 3 (= K),
        // min_submitters 2.
        if (e.getValue().size() >= K && truth.labelPlatforms.get(e.getKey()).size()
            >= org.blindmatch.crypto.scope.Disclosure.DEFAULT.minSubmitters()) {
          wantCounts.put(e.getKey(), e.getValue().size() * 1000L
              + truth.labelPlatforms.get(e.getKey()).size());
        } else {
          suppressed++;
        }
      }
      ok &= check(NGO + " label counts (records*1000 + submitters)", wantCounts, gotCounts);
      ok &= check(NGO + " suppressed aggregates", Map.of("suppressed", suppressed),
          Map.of("suppressed", ngo.getSuppressed()));
      blindmatch("results", "get", "--profile", profiles.get(NGO).toString(), "--run", runId,
          "--map", maps.get(NGO).toString(), "--out", dir.resolve(NGO + "-results.csv").toString());
      out.printf("  %s sees %d label aggregates at k=%d (%d suppressed)%s%n", NGO,
          ngo.getLabelCountsCount(), K, ngo.getSuppressed(), gotCounts.isEmpty() ? ""
              : "; e.g. " + gotCounts.keySet().iterator().next().replace('|', ' ') + ": "
                  + gotCounts.values().iterator().next() / 1000 + " records from "
                  + gotCounts.values().iterator().next() % 1000 + " platforms");
      Results op = fetch(profiles.get(OPERATOR), runId);
      for (TierTotals t : op.getTotalsList()) {
        long want = 0;
        for (Map<String, Long> m : truth.perPlatform.values()) {
          want += m.keySet().stream().filter(k -> k.split("\\|")[1]
              .equals(tier(scope, t.getTier()))).map(k -> k.split("\\|")[0]).distinct().count();
        }
        ok &= check("operator total matched records, tier " + tier(scope, t.getTier()),
            Map.of("records", want), Map.of("records", t.getMatchedRecords()));
        out.printf("  operator sees tier %s: %d matched records, %d events, %d labels, "
                + "%d submitters%n", tier(scope, t.getTier()), t.getMatchedRecords(),
            t.getMatchedEvents(), t.getMatchedLabels(), t.getSubmitters());
      }
      String audit = blindmatch("audit", "verify", "--profile", profiles.get(AUDITOR).toString(),
          "--state", dir.resolve("auditor-state").toString(), "--replay");
      out.println("  auditor: " + audit.lines().filter(l -> l.startsWith("entries")
          || l.startsWith("tree head") || l.startsWith("replay")).map(l -> l.trim().replaceAll("\\s+", " "))
          .reduce((a, b) -> a + "; " + b).orElse("log verified"));
      step(String.format("done in %.1f s; results in %s/*-results.csv", 
          (System.nanoTime() - t0) / 1e9, dir));
      out.println(ok ? "DEMO OK: every role's results equal the plaintext reference join"
          : "DEMO FAILED: results differ from the plaintext reference join (see above)");
      return ok;
    } finally {
      stop(server);
      for (Process k : keyholders) {
        stop(k);
      }
    }
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(15, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
  }

  /** The tokenize arguments with hmac (keyset) or oprf (keyholders) keying added. */
  private String[] keying(Path profile, Path keyset, Path pass, List<String> addresses,
      String... args) {
    List<String> a = new ArrayList<>(List.of(args));
    if (oprf) {
      a.addAll(List.of("--mode", "oprf", "--profile", profile.toString(), "--keyholders",
          String.join(",", addresses), "--threshold", Integer.toString(OPRF_THRESHOLD),
          "--oprf-key", dir.resolve("epoch-1/oprf-public.epoch-1.json").toString()));
    } else {
      a.addAll(List.of("--keyset", keyset.toString(), "--passphrase-file", pass.toString()));
    }
    return a.toArray(String[]::new);
  }

  /**
   * oprf mode: the three keyholders, each a process of its own, generate epoch 1 with
   * {@code oprf dkg} (threshold 2; no process holds the key), then serve it as processes of
   * their own.
   */
  private List<String> startKeyholders(Path pass) throws Exception {
    List<String> entries = new ArrayList<>();
    for (int i = 1; i <= KEYHOLDERS; i++) {
      int port;
      try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
        port = s.getLocalPort();
      }
      entries.add("--keyholder=blindmatch://" + FEDERATION + "/keyholder/keyholder-" + i
          + "=127.0.0.1:" + port);
    }
    String session = "demo-" + Long.toHexString(new java.security.SecureRandom().nextLong());
    List<Process> runs = new ArrayList<>();
    for (int i = 1; i <= KEYHOLDERS; i++) {
      String name = "keyholder-" + i;
      Path config = dir.resolve(name + ".yaml");
      Path out = dir.resolve(name + "-dkg");
      Files.deleteIfExists(out.resolve(name + ".epoch-1.share"));
      Files.deleteIfExists(out.resolve("oprf-public.epoch-1.json"));
      Files.writeString(config, "federation: " + FEDERATION + "\n"
          + "listen: 127.0.0.1:0\n"
          + "data_dir: " + name + "-data\n"
          + "tls: {ca: pki/ca.crt, cert: pki/" + name + ".crt, key: pki/" + name + ".key}\n"
          + "passphrase_file: " + pass.getFileName() + "\n"
          + "share: " + name + "-dkg/" + name + ".epoch-1.share\n"
          + "public_key: " + name + "-dkg/oprf-public.epoch-1.json\n"
          + "quota_per_identity: 1000000\n");
      List<String> args = new ArrayList<>(List.of("oprf", "dkg", "--config", config.toString(),
          "--threshold", Integer.toString(OPRF_THRESHOLD), "--epoch", "1", "--session", session,
          "--out", out.toString(), "--join-timeout", "120"));
      args.addAll(entries);
      runs.add(startProcess(dir.resolve(name + "-dkg.log"), args.toArray(String[]::new)));
    }
    for (int i = 1; i <= KEYHOLDERS; i++) {
      Process run = runs.get(i - 1);
      Path log = dir.resolve("keyholder-" + i + "-dkg.log");
      if (!run.waitFor(10, TimeUnit.MINUTES)) {
        runs.forEach(Process::destroy);
        throw new IOException("oprf dkg of keyholder-" + i + " did not finish; see " + log);
      }
      if (run.exitValue() != 0) {
        throw new IOException("oprf dkg of keyholder-" + i + " failed: "
            + Files.readString(log));
      }
    }
    Files.createDirectories(dir.resolve("epoch-1"));
    Files.copy(dir.resolve("keyholder-1-dkg/oprf-public.epoch-1.json"),
        dir.resolve("epoch-1/oprf-public.epoch-1.json"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    step("oprf distributed key generation (GJKR): epoch 1, " + OPRF_THRESHOLD + " of "
        + KEYHOLDERS + " keyholders, each in its own process over mutual TLS; no process ever "
        + "held the key, and every keyholder signed the public file (logs keyholder-*-dkg.log)");
    List<String> addresses = new ArrayList<>();
    for (int i = 1; i <= KEYHOLDERS; i++) {
      String name = "keyholder-" + i;
      Path config = dir.resolve(name + ".yaml");
      Path log = dir.resolve(name + ".log");
      Process k = startProcess(log, "serve", "keyholder", "--config", config.toString());
      keyholders.add(k);
      addresses.add("127.0.0.1:" + awaitPort(k, log, name));
    }
    step("keyholders started as processes " + keyholders.stream()
        .map(k -> Long.toString(k.pid())).reduce((a, b) -> a + ", " + b).orElse("")
        + " on " + String.join(", ", addresses) + " (mutual TLS 1.3)");
    return addresses;
  }

  private List<String> names() {
    List<String> n = new ArrayList<>(List.of(PLATFORMS));
    n.add(NGO);
    n.add(OPERATOR);
    n.add(AUDITOR);
    return n;
  }

  /**
   * Issues a node as {@code pki request} and {@code pki sign} do: its certificate names its
   * signing keyset (the signing-keyset extension), which auditors need to tie a keyholder's
   * signature on a DKG epoch to the keyholder.
   */
  private void issue(FederationCa ca, Path pki, Role role, String name, List<String> dns,
      List<String> ips) throws Exception {
    com.google.crypto.tink.KeysetHandle signing = NodeSigner.generate();
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
    g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    java.security.KeyPair keys = g.generateKeyPair();
    java.security.cert.X509Certificate cert = ca.certify(
        org.blindmatch.crypto.pki.NodeRequest.create(new NodeIdentity(FEDERATION, role, name),
            dns, ips, keys, NodeSigner.fingerprint(NodeSigner.of(signing).publicKeysetJson())),
        Duration.ofDays(7));
    PemFiles.writeCertificate(pki.resolve(name + ".crt"), cert, true);
    PemFiles.writePrivateKey(pki.resolve(name + ".key"), keys.getPrivate(), passphrase, true);
    EncryptedKeysetFile.write(pki.resolve(name + ".signing.json"), signing,
        NodeSigner.PURPOSE, passphrase, PassphraseKdf.withRandomSalt(), true);
  }

  private Process startServer(Path config) throws IOException {
    return startProcess(dir.resolve("clearinghouse.log"), "serve", "clearinghouse", "--config",
        config.toString());
  }

  private Process startProcess(Path log, String... args) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-Xmx512m"));
    if (KdfProfile.testProfile()) {
      // The keys this demo wrote are test-profile keys: its servers need the same switch.
      command.add("-D" + KdfProfile.TEST_SWITCH + "=true");
    }
    if (Runtime.version().feature() >= 22) { // the OPRF's native backend calls libcrypto (FFM)
      command.add("--enable-native-access=ALL-UNNAMED");
    }
    if (Runtime.version().feature() >= 23) { // protobuf's sun.misc.Unsafe use: no warnings
      command.add("--sun-misc-unsafe-memory-access=allow");
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        cli.mainClass().getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    return pb.start();
  }

  private static final long START_TIMEOUT_SECONDS = 600;

  private int awaitPort(Process server, Path log, String what)
      throws IOException, InterruptedException {
    // The wait ends on the event (the "listening" line, or the process exiting); the bound is
    // only against a server that hangs, generous because start-up derives keys and a loaded
    // machine can take minutes for that.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        throw new IOException(what + " exited: " + Files.readString(log));
      }
      if (Files.exists(log)) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
            Files.newInputStream(log), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            int at = line.indexOf("listening on port ");
            if (at >= 0) {
              return Integer.parseInt(line.substring(at + 18).trim());
            }
          }
        }
      }
      Thread.sleep(100);
    }
    throw new IOException(what + " did not start within " + START_TIMEOUT_SECONDS
        + " s; see " + log);
  }

  private String blindmatch(String... args) throws InputException {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int status = cli.execute(args, new PrintWriter(o), new PrintWriter(e));
    if (status != 0) {
      throw new InputException("demo step 'blindmatch " + args[0] + " " + args[1]
          + "' failed: " + e.toString().trim());
    }
    return o.toString();
  }

  private Results fetch(Path profile, String runId) throws FederationException, InputException {
    try (FederationClient c = FederationClient.connect(NodeProfile.load(profile),
        notice -> out.println("  " + notice))) {
      return RunResults.fetch(c, runId).results();
    }
  }

  private boolean check(String what, Map<String, Long> want, Map<String, Long> got) {
    if (want.equals(got)) {
      return true;
    }
    out.println("  MISMATCH in " + what + ": expected " + want.size() + " entries, got "
        + got.size());
    for (String k : want.keySet()) {
      if (!want.get(k).equals(got.get(k))) {
        out.println("    expected " + k + " = " + want.get(k) + ", got " + got.get(k));
      }
    }
    for (String k : got.keySet()) {
      if (!want.containsKey(k)) {
        out.println("    unexpected " + k + " = " + got.get(k));
      }
    }
    return false;
  }

  private static Set<String> allHandles(Path mapping) throws IOException {
    Set<String> s = new java.util.HashSet<>();
    for (String line : Files.readAllLines(mapping)) {
      int c = line.indexOf(',');
      if (c == 32) {
        s.add(line.substring(0, c));
      }
    }
    return s;
  }

  private static String hex(com.google.protobuf.ByteString b) {
    return HexFormat.of().formatHex(b.toByteArray());
  }

  private static String tier(Scope scope, int n) {
    return scope.tier(n).name();
  }

  private void step(String s) {
    out.println("* " + s);
    out.flush();
  }
}
