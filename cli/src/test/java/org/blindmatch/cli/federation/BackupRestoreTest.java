package org.blindmatch.cli.federation;

import org.blindmatch.testing.TestTimeout;
import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.federation.NodeProfile;
import static org.blindmatch.cli.federation.FederationTests.chunk;
import static org.blindmatch.cli.federation.FederationTests.fail;
import static org.blindmatch.cli.federation.FederationTests.nextSequence;
import static org.blindmatch.cli.federation.FederationTests.ok;
import static org.blindmatch.cli.federation.FederationTests.records;
import static org.blindmatch.cli.federation.FederationTests.sorted;
import static org.blindmatch.cli.federation.FederationTests.tokenize;
import static org.blindmatch.cli.federation.FederationTests.upload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.proto.v1.GetSignedTreeHeadRequest;
import org.blindmatch.proto.v1.TreeHead;
import org.blindmatch.server.clearinghouse.ClearinghouseConfig;
import org.blindmatch.server.clearinghouse.ClearinghouseServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code admin backup} of a serving clearinghouse and {@code admin restore} into a fresh
 * directory: a server started on the restored directory serves the same results, the same
 * signed log head (an auditor's state carries over), and the upload that was in progress.
 * A backup that does not match its manifest is refused and nothing is written.
 */
class BackupRestoreTest {
  @TempDir Path dir;

  @Test
  void restoredServerServesTheSameResultsAndLogHead() throws Exception {
    TestFederation fed = new TestFederation(dir, 1);
    ClearinghouseServer restored = null;
    boolean firstClosed = false;
    try {
      FederationTests.Parties parties = FederationTests.partiesWithTokens(fed);
      Path platform = parties.platform();
      Path ngo = parties.ngo();
      Path operator = parties.operator();
      Path auditor = parties.auditor();
      ok("submit", "--profile", platform.toString(), "--tokens", path("a.bmt"), "--id", "a1");
      ok("submit", "--profile", ngo.toString(), "--tokens", path("w.bmt"), "--id", "w1");
      String run = ok("match", "run", "--profile", operator.toString(), "--scope",
          "test-scope").lines().filter(l -> l.startsWith("run ")).findFirst().orElseThrow()
          .substring(4).trim();
      String platformResults = ok("results", "get", "--profile", platform.toString(), "--run",
          run, "--map", path("a.bmt.map.csv"));
      assertTrue(platformResults.contains("A-1,ip+hour"), platformResults);
      String ngoResults = ok("results", "get", "--profile", ngo.toString(), "--run", run,
          "--map", path("w.bmt.map.csv"));
      // An upload in progress: 3 chunks durable, not committed.
      byte[] recs = sorted(records(300, 7));
      try (FederationClient c = FederationClient.connect(NodeProfile.load(platform), m -> { })) {
        upload(c, fed.begin("partial", 1000), chunk(0, slice(recs, 0)), chunk(1, slice(recs, 1)),
            chunk(2, slice(recs, 2))).get(TestTimeout.seconds(), TimeUnit.SECONDS);
      }
      ok("audit", "verify", "--profile", auditor.toString(), "--state", path("auditor.state"));
      TreeHead before = head(auditor);

      // Backed up while serving.
      String out = ok("admin", "backup", "--config", fed.config.toString(), "--out",
          path("backup"));
      assertTrue(out.contains("2 submissions, 1 uploads in progress, log of "
          + before.getTreeSize() + " entries"), out);
      assertTrue(Files.isRegularFile(dir.resolve("backup/manifest.json")));
      String again = fail("admin", "backup", "--config", fed.config.toString(), "--out",
          path("backup"));
      assertTrue(again.contains("already exists"), again);

      // A tampered copy is refused before anything is written.
      copyTree(dir.resolve("backup"), dir.resolve("tampered"));
      Path segment;
      try (var segs = Files.list(dir.resolve("tampered/segments"))) {
        segment = segs.filter(p -> p.toString().endsWith(".a1.seg")).findFirst().orElseThrow();
      }
      try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
        f.seek(5);
        int b = f.read();
        f.seek(5); // read() moved on: flip byte 5 itself, not write b ^ 1 over byte 6
        f.write(b ^ 1);
      }
      String bad = fail("admin", "restore", "--from", path("tampered"), "--data-dir",
          path("bad-data"));
      assertTrue(bad.contains(segment + ": length or SHA-256 differs from the manifest"), bad);
      assertFalse(Files.exists(dir.resolve("bad-data")));

      fed.close();
      firstClosed = true;
      Path config2 = dir.resolve("restored.yaml");
      Files.writeString(config2, Files.readString(fed.config)
          .replace("data_dir: data", "data_dir: restored-data"));
      String r = ok("admin", "restore", "--from", path("backup"), "--config",
          config2.toString());
      assertTrue(r.contains("every file matched the manifest"), r);
      String refused = fail("admin", "restore", "--from", path("backup"), "--config",
          config2.toString());
      assertTrue(refused.contains("not empty"), refused);

      restored = ClearinghouseServer.start(ClearinghouseConfig.load(config2));
      fed.usePort(restored.port());
      assertEquals(platformResults, ok("results", "get", "--profile", platform.toString(),
          "--run", run, "--map", path("a.bmt.map.csv")));
      assertEquals(ngoResults, ok("results", "get", "--profile", ngo.toString(), "--run", run,
          "--map", path("w.bmt.map.csv")));
      TreeHead after = head(auditor);
      assertEquals(before.getTreeSize(), after.getTreeSize());
      assertEquals(before.getRootHash(), after.getRootHash());
      ok("audit", "verify", "--profile", auditor.toString(), "--state", path("auditor.state"));
      try (FederationClient c = FederationClient.connect(NodeProfile.load(platform), m -> { })) {
        assertEquals(3, nextSequence(c, "partial"), "the upload in progress was restored");
      }
    } finally {
      if (!firstClosed) {
        fed.close();
      }
      if (restored != null) {
        restored.close();
      }
    }
  }

  private static byte[] slice(byte[] recs, int i) {
    int len = recs.length / 3;
    return java.util.Arrays.copyOfRange(recs, i * len, (i + 1) * len);
  }

  private static TreeHead head(Path profile) throws Exception {
    try (FederationClient c = FederationClient.connect(NodeProfile.load(profile), m -> { })) {
      return TreeHead.parseFrom(c.audit().getSignedTreeHead(
          GetSignedTreeHeadRequest.getDefaultInstance()).getTreeHead());
    }
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (var s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }

  private String path(String name) {
    return dir.resolve(name).toString();
  }
}
