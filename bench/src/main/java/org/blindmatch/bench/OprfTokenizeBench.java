package org.blindmatch.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.blindmatch.cli.BlindmatchCli;
import org.blindmatch.crypto.keys.EncryptedKeysetFile;
import org.blindmatch.crypto.keys.PassphraseKdf;
import org.blindmatch.crypto.pki.FederationCa;
import org.blindmatch.crypto.pki.IssuedNode;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.PemFiles;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.server.keyholder.KeyholderConfig;
import org.blindmatch.server.keyholder.KeyholderServer;

/**
 * {@code blindmatch tokenize --reports} in oprf mode against hmac mode on the same input, in
 * the same run: a generated report file whose events outnumber their distinct addresses 10
 * to 1, three real keyholders (threshold 2) over mutual TLS on loopback, in this JVM. Prints
 * events/s of both modes, their ratio (target: oprf within 2× of hmac, ratio ≥ 0.5) and the
 * distinct addresses evaluated per second. The keyholders share this machine's cores with
 * the client, so the oprf figure includes their work.
 */
final class OprfTokenizeBench {
  private static final String PASS = "benchmark passphrase only";

  private OprfTokenizeBench() {}

  static void run(long events, Path dir) throws Exception {
    Files.createDirectories(dir);
    long distinct = Math.max(1, events / 10);
    Path csv = dir.resolve("oprf-reports-" + events + ".csv");
    generate(csv, events, distinct);
    Path pass = dir.resolve("passphrase");
    Files.writeString(pass, PASS + "\n");
    Path scope = dir.resolve("scope.yaml");
    Files.writeString(scope, """
        scope: bench
        tiers:
          - name: ip+hour
            bucket_width: 1h
            watchlist_tolerance: 30m
          - name: ip-only
            bucket_width: none
        """);
    Path keys = dir.resolve("keys.json");
    cli("keys", "new", "--out", keys.toString(), "--passphrase-file", pass.toString(),
        "--force");
    FederationCa ca = FederationCa.create("bench", Duration.ofDays(2));
    Path pki = Files.createDirectories(dir.resolve("pki"));
    PemFiles.writeCertificate(pki.resolve("ca.crt"), ca.certificate(), true);
    issue(ca, pki, Role.PLATFORM, "platform", List.of(), List.of());
    List<String> holders = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      issue(ca, pki, Role.KEYHOLDER, "keyholder-" + i, List.of("localhost"),
          List.of("127.0.0.1"));
      holders.add("blindmatch://bench/keyholder/keyholder-" + i);
    }
    Path phrases = dir.resolve("phrases");
    Files.writeString(phrases, (PASS + "\n").repeat(3));
    cli("oprf", "ceremony", "--threshold", "2", "--keyholders", "3", "--epoch", "1", "--out",
        dir.resolve("epoch1").toString(), "--passphrases", phrases.toString(), "--holders",
        String.join(",", holders), "--force");
    Path profile = dir.resolve("platform.profile.yaml");
    Files.writeString(profile, "server: 127.0.0.1:1\n"
        + "tls: {ca: pki/ca.crt, cert: pki/platform.crt, key: pki/platform.key}\n"
        + "signing_keyset: pki/platform.signing.json\npassphrase_file: passphrase\n");
    List<KeyholderServer> servers = new ArrayList<>();
    try {
      List<String> addresses = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        Path config = dir.resolve("keyholder-" + i + ".yaml");
        Files.writeString(config, "federation: bench\nlisten: 127.0.0.1:0\n"
            + "data_dir: keyholder-" + i + "-data-" + System.nanoTime() + "\n"
            + "tls: {ca: pki/ca.crt, cert: pki/keyholder-" + i + ".crt, key: pki/keyholder-"
            + i + ".key}\npassphrase_file: passphrase\n"
            + "share: epoch1/keyholder-" + i + ".epoch-1.share\n"
            + "public_key: epoch1/oprf-public.epoch-1.json\nquota_per_identity: 1000000000\n");
        KeyholderServer s = KeyholderServer.start(KeyholderConfig.load(config, null));
        servers.add(s);
        addresses.add("127.0.0.1:" + s.port());
      }
      Path out = dir.resolve("bench.bmt");
      long h0 = System.nanoTime();
      cli("tokenize", "--reports", csv.toString(), "--scope", scope.toString(), "--keyset",
          keys.toString(), "--passphrase-file", pass.toString(), "--out", out.toString(),
          "--force", "--no-progress");
      double hmacSeconds = (System.nanoTime() - h0) / 1e9;
      long o0 = System.nanoTime();
      String printed = cli("tokenize", "--reports", csv.toString(), "--scope",
          scope.toString(), "--mode", "oprf", "--keyholders", String.join(",", addresses),
          "--threshold", "2", "--oprf-key", dir.resolve("epoch1/oprf-public.epoch-1.json")
              .toString(), "--profile", profile.toString(), "--out", out.toString(),
          "--force", "--no-progress");
      double oprfSeconds = (System.nanoTime() - o0) / 1e9;
      long evaluated = printed.lines().filter(l -> l.startsWith("evaluations"))
          .map(l -> Long.parseLong(l.replaceAll("^evaluations\\s+(\\d+).*$", "$1")))
          .findFirst().orElse(-1L);
      double hmacRate = events / hmacSeconds;
      double oprfRate = events / oprfSeconds;
      System.out.printf("RESULT oprf-tokenize: %,d events over %,d distinct addresses "
              + "(%,d evaluations, 2 tiers sharing one prefix); hmac %.2f s = %,.0f events/s; "
              + "oprf (2-of-3 keyholders in this JVM, mTLS loopback) %.2f s = %,.0f events/s, "
              + "%,.0f evaluations/s; ratio oprf/hmac %.2f (target >= 0.5); %d cores%n",
          events, distinct, evaluated, hmacSeconds, hmacRate, oprfSeconds, oprfRate,
          evaluated / oprfSeconds, oprfRate / hmacRate,
          Runtime.getRuntime().availableProcessors());
      Files.deleteIfExists(out);
      Files.deleteIfExists(Path.of(out + ".map.csv"));
    } finally {
      servers.forEach(KeyholderServer::close);
    }
  }

  private static void issue(FederationCa ca, Path pki, Role role, String name, List<String> dns,
      List<String> ips) throws Exception {
    IssuedNode n = ca.issue(new NodeIdentity("bench", role, name), dns, ips, Duration.ofDays(1));
    PemFiles.writeCertificate(pki.resolve(name + ".crt"), n.certificate(), true);
    PemFiles.writePrivateKey(pki.resolve(name + ".key"), n.privateKey(), PASS.toCharArray(),
        true);
    EncryptedKeysetFile.write(pki.resolve(name + ".signing.json"), NodeSigner.generate(),
        NodeSigner.PURPOSE, PASS.toCharArray(), PassphraseKdf.withRandomSalt(), true);
  }

  private static String cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = BlindmatchCli.execute(args, new PrintWriter(out), new PrintWriter(err));
    if (status != 0) {
      throw new IllegalStateException("blindmatch " + String.join(" ", args) + " failed: "
          + err);
    }
    return out.toString();
  }

  /** {@code events} reports drawn uniformly from {@code distinct} global addresses. */
  private static void generate(Path csv, long events, long distinct) throws IOException {
    SplittableRandom rnd = new SplittableRandom(20261125);
    long base = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();
    try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(csv), 1 << 20)) {
      o.write("record_id,ip,timestamp\n".getBytes(StandardCharsets.US_ASCII));
      StringBuilder sb = new StringBuilder(96);
      for (long i = 0; i < events; i++) {
        long a = rnd.nextLong(distinct);
        sb.setLength(0);
        // 45.0.0.0/8 onwards: globally routable, one address per index.
        sb.append("R-").append(i / 3).append(',').append(45 + (a >>> 24)).append('.')
            .append((a >>> 16) & 255).append('.').append((a >>> 8) & 255).append('.')
            .append(a & 255).append(',')
            .append(Instant.ofEpochSecond(base + rnd.nextInt(30 * 86400))).append('\n');
        o.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
      }
    }
  }
}
