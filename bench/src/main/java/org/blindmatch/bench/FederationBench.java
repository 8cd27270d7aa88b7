package org.blindmatch.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.federation.NodeProfile;
import org.blindmatch.client.submit.Submitter;
import org.blindmatch.crypto.keys.EncryptedKeysetFile;
import org.blindmatch.crypto.keys.PassphraseKdf;
import org.blindmatch.crypto.merkle.StreamingMerkleRoot;
import org.blindmatch.crypto.pki.FederationCa;
import org.blindmatch.crypto.pki.IssuedNode;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.PemFiles;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.crypto.scope.ScopeLoader;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.crypto.tokenfile.SortedRecords;
import org.blindmatch.crypto.tokenfile.TokenFileHeader;
import org.blindmatch.crypto.tokenfile.TokenFileWriter;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.blindmatch.proto.v1.StartRunRequest;
import org.blindmatch.server.clearinghouse.ClearinghouseConfig;
import org.blindmatch.server.clearinghouse.ClearinghouseServer;

/**
 * Ingest over loopback mutual TLS and match time: a report token file of {@code reports}
 * records and a watchlist of {@code watch} records (with {@code reports / 1000} planted
 * matches) are submitted to an in-process clearinghouse, then matched. Baselines measured in
 * the same run: the client's local sort + Merkle root of the same file (no network), and a
 * plain sequential read of the stored segments.
 */
final class FederationBench {
  private static final String PASS = "benchmark passphrase only";

  private FederationBench() {}

  static void run(long reports, long watch, Path dir) throws Exception {
    Files.createDirectories(dir);
    Path work = Files.createTempDirectory(dir, "federation-");
    Files.writeString(work.resolve("passphrase.txt"), PASS + "\n");
    Path pki = Files.createDirectories(work.resolve("pki"));
    FederationCa ca = FederationCa.create("bench", Duration.ofDays(2));
    PemFiles.writeCertificate(pki.resolve("ca.crt"), ca.certificate(), true);
    node(ca, pki, Role.CLEARINGHOUSE, "clearinghouse", List.of("localhost"),
        List.of("127.0.0.1"));
    Files.writeString(work.resolve("scope.yaml"), """
        scope: bench
        tiers:
          - {name: ip+hour, bucket_width: 1h}
        """);
    byte[] digest = ScopeLoader.load(work.resolve("scope.yaml")).digest();
    Files.writeString(work.resolve("clearinghouse.yaml"), "federation: bench\n"
        + "listen: 127.0.0.1:0\ndata_dir: data\n"
        + "tls: {ca: pki/ca.crt, cert: pki/clearinghouse.crt, key: pki/clearinghouse.key}\n"
        + "signing_keyset: pki/clearinghouse.signing.json\npassphrase_file: passphrase.txt\n"
        + "scope: scope.yaml\naccepted_key_ids: [7]\nk_threshold: 1\n");

    System.out.printf("generating %,d report and %,d watchlist records%n", reports, watch);
    Path reportFile = work.resolve("reports.bmt");
    Path watchFile = work.resolve("watch.bmt");
    generate(reportFile, watchFile, reports, watch, digest);

    try (ClearinghouseServer server = ClearinghouseServer.start(
        ClearinghouseConfig.load(work.resolve("clearinghouse.yaml")))) {
      Path platform = profile(ca, pki, work, server.port(), Role.PLATFORM, "platform");
      Path ngo = profile(ca, pki, work, server.port(), Role.NGO, "ngo");
      Path operator = profile(ca, pki, work, server.port(), Role.CLEARINGHOUSE, "operator");

      long b0 = System.nanoTime();
      try (SortedRecords sorted = SortedRecords.sort(reportFile, work,
          SortedRecords.DEFAULT_RUN_RECORDS)) {
        StreamingMerkleRoot root = new StreamingMerkleRoot();
        byte[] r = new byte[TokenRecord.LENGTH];
        try (SortedRecords.Cursor c = sorted.cursor()) {
          while (c.next(r, 0)) {
            root.addLeaf(r, 0, TokenRecord.LENGTH);
          }
        }
      }
      double localSeconds = (System.nanoTime() - b0) / 1e9;

      double ingestSeconds;
      try (FederationClient c = FederationClient.connect(NodeProfile.load(platform), System.err::println)) {
        long t0 = System.nanoTime();
        new Submitter(c).submit(reportFile, "reports", work, n -> { });
        ingestSeconds = (System.nanoTime() - t0) / 1e9;
      }
      try (FederationClient c = FederationClient.connect(NodeProfile.load(ngo), System.err::println)) {
        new Submitter(c).submit(watchFile, "watch", work, n -> { });
      }
      double matchSeconds;
      try (FederationClient c = FederationClient.connect(NodeProfile.load(operator), System.err::println)) {
        long t0 = System.nanoTime();
        c.startRun(StartRunRequest.newBuilder().setScopeId("bench").build());
        matchSeconds = (System.nanoTime() - t0) / 1e9;
      }
      long r0 = System.nanoTime();
      long bytes = 0;
      try (var segments = Files.list(work.resolve("data/segments"))) {
        for (Path p : segments.toList()) {
          byte[] buf = new byte[1 << 16];
          try (var in = Files.newInputStream(p)) {
            int n;
            while ((n = in.read(buf)) > 0) {
              bytes += n;
            }
          }
        }
      }
      double readSeconds = (System.nanoTime() - r0) / 1e9;
      long peak = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          peak += pool.getPeakUsage().getUsed();
        }
      }
      System.out.printf("RESULT ingest: %,d report tokens submitted over loopback mTLS in "
              + "%.1f s = %,.0f tokens/s (sort, root, upload, server verify, commit); "
              + "baseline local sort+root only %.1f s = %,.0f tokens/s; ratio %.2f "
              + "(target >= 1,000,000 tokens/s)%n",
          reports, ingestSeconds, reports / ingestSeconds, localSeconds,
          reports / localSeconds, (reports / ingestSeconds) / (reports / localSeconds));
      System.out.printf("RESULT match: %,d report x %,d watchlist tokens in %.1f s; baseline "
              + "sequential read of the %,d MiB of segments %.1f s; ratio %.1f "
              + "(target < 10 s)%n",
          reports, watch, matchSeconds, bytes >> 20, readSeconds, matchSeconds / readSeconds);
      System.out.printf("RESULT heap: peak %,d MiB of max %,d MiB (client and server in one "
          + "JVM; target < 1 GiB)%n", peak >> 20, Runtime.getRuntime().maxMemory() >> 20);
    } finally {
      deleteTree(work);
    }
  }

  private static void generate(Path reportFile, Path watchFile, long reports, long watch,
      byte[] digest) throws IOException {
    Random rnd = new Random(2026);
    byte[] rec = new byte[TokenRecord.LENGTH];
    long planted = reports / 1000;
    byte[][] plantedTokens = new byte[(int) Math.min(planted, watch)][];
    try (TokenFileWriter w = TokenFileWriter.create(watchFile, true,
        TokenFileHeader.Role.WATCHLIST, TokenFileHeader.KeyMode.HMAC, digest, 7, new int[] {0})) {
      for (long i = 0; i < watch; i++) {
        rnd.nextBytes(rec);
        rec[TokenRecord.TIER_OFFSET] = 0;
        if (i < plantedTokens.length) {
          plantedTokens[(int) i] = java.util.Arrays.copyOf(rec, 16);
        }
        w.write(rec, 0, 1);
      }
      w.finish(watch, 0);
    }
    try (TokenFileWriter w = TokenFileWriter.create(reportFile, true,
        TokenFileHeader.Role.REPORT, TokenFileHeader.KeyMode.HMAC, digest, 7, new int[] {0})) {
      for (long i = 0; i < reports; i++) {
        rnd.nextBytes(rec);
        if (i < plantedTokens.length) {
          System.arraycopy(plantedTokens[(int) i], 0, rec, 0, 16);
        }
        rec[TokenRecord.TIER_OFFSET] = 0;
        w.write(rec, 0, 1);
      }
      w.finish(reports, 0);
    }
  }

  private static void node(FederationCa ca, Path pki, Role role, String name, List<String> dns,
      List<String> ips) throws Exception {
    IssuedNode n = ca.issue(new NodeIdentity("bench", role, name), dns, ips, Duration.ofDays(1));
    PemFiles.writeCertificate(pki.resolve(name + ".crt"), n.certificate(), true);
    PemFiles.writePrivateKey(pki.resolve(name + ".key"), n.privateKey(), PASS.toCharArray(),
        true);
    EncryptedKeysetFile.write(pki.resolve(name + ".signing.json"), NodeSigner.generate(),
        NodeSigner.PURPOSE, PASS.toCharArray(), PassphraseKdf.withRandomSalt(), true);
  }

  private static Path profile(FederationCa ca, Path pki, Path work, int port, Role role,
      String name) throws Exception {
    node(ca, pki, role, name, List.of(), List.of());
    Path p = work.resolve(name + ".profile.yaml");
    Files.writeString(p, "server: 127.0.0.1:" + port + "\n"
        + "tls: {ca: pki/ca.crt, cert: pki/" + name + ".crt, key: pki/" + name + ".key}\n"
        + "signing_keyset: pki/" + name + ".signing.json\npassphrase_file: passphrase.txt\n");
    return p;
  }

  private static void deleteTree(Path root) throws IOException {
    try (var walk = Files.walk(root)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
