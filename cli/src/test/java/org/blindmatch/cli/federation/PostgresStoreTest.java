package org.blindmatch.cli.federation;

import org.blindmatch.testing.TestTimeout;
import org.blindmatch.testing.Await;
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

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.blindmatch.cli.BlindmatchCli;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.proto.v1.GetSignedTreeHeadRequest;
import org.blindmatch.proto.v1.TreeHead;
import org.blindmatch.server.clearinghouse.ClearinghouseConfig;
import org.blindmatch.server.clearinghouse.ClearinghouseServer;
import org.blindmatch.testing.PostgresFixture;
import org.blindmatch.server.store.PostgresSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clearinghouse with {@code store.kind: postgresql} against a real PostgreSQL server
 * ({@link PostgresFixture}): CLI submits over mutual TLS, a match, every party's results and
 * {@code audit verify}; after a restart the same results and log head; readiness follows the
 * database connection, and a lost session is replaced without a restart. {@code admin backup} while serving, then {@code admin restore} into a
 * fresh database and data directory (a non-empty database is refused) and into an embedded
 * store: each restored server serves the same results and the same log head.
 */
class PostgresStoreTest {
  @TempDir Path dir;

  @Test
  void federationRunsOnPostgresqlAndSurvivesARestart() throws Exception {
    TestFederation fed = new TestFederation(dir, 1, false);
    PostgresFixture.Database pg = PostgresFixture.newDatabase();
    Files.writeString(dir.resolve("pg-password.txt"), pg.password() + "\n");
    Path config = dir.resolve("clearinghouse-pg.yaml");
    Files.writeString(config, Files.readString(fed.config) + "health_listen: 127.0.0.1:0\n"
        + "store: {kind: postgresql, url: \"" + pg.url() + "\", user: " + pg.user()
        + ", password_file: pg-password.txt}\n");
    FederationTests.Parties parties = FederationTests.partiesWithTokens(fed);
    Path platform = parties.platform();
    Path ngo = parties.ngo();
    Path operator = parties.operator();
    Path auditor = parties.auditor();

    ClearinghouseServer server = start(config, fed);
    String run;
    String platformResults;
    TreeHead before;
    try {
      assertFalse(Files.exists(dir.resolve("data/meta.sqlite")), "no embedded metadata");
      ok("submit", "--profile", platform.toString(), "--tokens", path("a.bmt"), "--id", "a1");
      ok("submit", "--profile", ngo.toString(), "--tokens", path("w.bmt"), "--id", "w1");
      run = ok("match", "run", "--profile", operator.toString(), "--scope", "test-scope")
          .lines().filter(l -> l.startsWith("run ")).findFirst().orElseThrow().substring(4)
          .trim();
      platformResults = ok("results", "get", "--profile", platform.toString(), "--run", run,
          "--map", path("a.bmt.map.csv"));
      assertTrue(platformResults.contains("A-1,ip+hour"), platformResults);
      assertFalse(platformResults.contains("A-2"), platformResults);
      String ngoResults = ok("results", "get", "--profile", ngo.toString(), "--run", run,
          "--map", path("w.bmt.map.csv"));
      assertTrue(ngoResults.contains("Bavet,ip+hour,1,1"), ngoResults);
      ok("audit", "verify", "--profile", auditor.toString(), "--state", path("auditor.state"));
      before = head(auditor);

      // An upload in progress: 2 chunks durable, not committed.
      byte[] recs = sorted(records(200, 7));
      try (FederationClient c = FederationClient.connect(NodeProfile.load(platform), m -> { })) {
        upload(c, fed.begin("partial", 1000), chunk(0, Arrays.copyOfRange(recs, 0, 3300)),
            chunk(1, Arrays.copyOfRange(recs, 3300, 6600))).get(TestTimeout.seconds(), TimeUnit.SECONDS);
      }

      // Backed up while serving.
      String out = ok("admin", "backup", "--config", config.toString(), "--out",
          path("backup"));
      assertTrue(out.contains("2 submissions, 1 uploads in progress, log of "
          + before.getTreeSize() + " entries"), out);
      assertTrue(Files.isRegularFile(dir.resolve("backup/meta.sqlite")));
      String noBinding = fail("admin", "backup", "--data-dir", path("data"), "--out",
          path("backup2"));
      assertTrue(noBinding.contains("--config"), noBinding);
      assertFalse(Files.exists(dir.resolve("backup2")));
    } finally {
      server.close();
    }

    server = start(config, fed);
    try {
      assertServesWhatItServed(platform, run, platformResults, auditor, before);
      ok("audit", "verify", "--profile", auditor.toString(), "--state", path("auditor.state"));

      String probe = "127.0.0.1:" + server.healthPort();
      assertTrue(ok("health", "clearinghouse", "--config", config.toString(), "--address",
          probe).contains("SERVING"));
      try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), pg.password());
          Statement s = c.createStatement()) {
        s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE"
            + " application_name = 'blindmatch-clearinghouse' AND datname = current_database()");
      }
      // The lost session is replaced without a restart: the call that meets it (unless the
      // readiness check got there first) fails as UNAVAILABLE, never as a bug; the next one
      // reconnects, takes the advisory lock again and succeeds.
      StringWriter err = new StringWriter();
      int status = BlindmatchCli.execute(new String[] {"admin", "submissions", "--profile",
          operator.toString()}, new PrintWriter(new StringWriter()), new PrintWriter(err));
      assertTrue(status == 0 || (status == 1 && err.toString().contains("UNAVAILABLE")),
          status + ": " + err);
      assertTrue(ok("admin", "submissions", "--profile", operator.toString()).contains("a1"));
      assertTrue(ok("health", "clearinghouse", "--config", config.toString(), "--address",
          probe).contains("SERVING"));
    } finally {
      server.close();
    }

    // Restore into a fresh database and data directory; a non-empty database is refused.
    PostgresFixture.Database pg2 = PostgresFixture.newDatabase();
    Files.writeString(dir.resolve("pg2-password.txt"), pg2.password() + "\n");
    Path config2 = dir.resolve("clearinghouse-pg2.yaml");
    Files.writeString(config2, Files.readString(config)
        .replace("data_dir: data", "data_dir: restored-data")
        .replace(pg.url(), pg2.url()).replace("pg-password.txt", "pg2-password.txt"));
    Path used = dir.resolve("clearinghouse-used.yaml");
    Files.writeString(used, Files.readString(config)
        .replace("data_dir: data", "data_dir: refused-data"));
    String refused = fail("admin", "restore", "--from", path("backup"), "--config",
        used.toString());
    assertTrue(refused.contains("not empty (table store_binding has rows)"), refused);
    assertFalse(Files.exists(dir.resolve("refused-data")));
    String r = ok("admin", "restore", "--from", path("backup"), "--config", config2.toString());
    assertTrue(r.contains("every file matched the manifest"), r);
    server = start(config2, fed);
    try {
      assertServesWhatItServed(platform, run, platformResults, auditor, before);
      ok("audit", "verify", "--profile", auditor.toString(), "--state", path("auditor.state"));
      try (FederationClient c = FederationClient.connect(NodeProfile.load(platform), m -> { })) {
        assertEquals(2, nextSequence(c, "partial"), "the upload in progress was restored");
      }
    } finally {
      server.close();
    }

    // The same backup restores into an embedded store.
    Path config3 = dir.resolve("clearinghouse-embedded.yaml");
    Files.writeString(config3, Files.readString(fed.config)
        .replace("data_dir: data", "data_dir: embedded-data"));
    ok("admin", "restore", "--from", path("backup"), "--config", config3.toString());
    server = start(config3, fed);
    try {
      assertServesWhatItServed(platform, run, platformResults, auditor, before);
    } finally {
      server.close();
    }
  }

  private static ClearinghouseServer start(Path config, TestFederation fed) throws Exception {
    ClearinghouseServer server = ClearinghouseServer.start(ClearinghouseConfig.load(config));
    fed.usePort(server.port());
    return server;
  }

  /** The platform's results of {@code run} and the log head are those served before. */
  private void assertServesWhatItServed(Path platform, String run, String platformResults,
      Path auditor, TreeHead before) throws Exception {
    assertEquals(platformResults, ok("results", "get", "--profile", platform.toString(),
        "--run", run, "--map", path("a.bmt.map.csv")));
    TreeHead after = head(auditor);
    assertEquals(before.getTreeSize(), after.getTreeSize());
    assertEquals(before.getRootHash(), after.getRootHash());
  }

  private static TreeHead head(Path profile) throws Exception {
    try (FederationClient c = FederationClient.connect(NodeProfile.load(profile), m -> { })) {
      return TreeHead.parseFrom(c.audit().getSignedTreeHead(
          GetSignedTreeHeadRequest.getDefaultInstance()).getTreeHead());
    }
  }

  private String path(String name) {
    return dir.resolve(name).toString();
  }
}
