package org.blindmatch.cli.federation;

import static org.blindmatch.cli.federation.FederationTests.fail;
import static org.blindmatch.cli.federation.FederationTests.nextSequence;
import static org.blindmatch.cli.federation.FederationTests.ok;
import static org.blindmatch.cli.federation.FederationTests.status;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.federation.NodeProfile;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.testing.Await;
import org.blindmatch.testing.ChildJvms;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Re-running the one-step {@code submit --reports/--watchlist … --id X} after an interruption
 * (issue 16): the client process and, separately, the clearinghouse process are killed with
 * SIGKILL at several points, the same command is run again, and the submission commits with
 * the token file and mapping of the first tokenize run, so that its results resolve through
 * that mapping. Every kill waits for an event (a file appearing, the server's durable
 * next_sequence moving), never for a fixed time, and every outcome the kill can land on is
 * one the test checks.
 */
class SubmitRerunTest {
  /** Report events: 2 records each (two tiers), 6 chunks. */
  private static final int EVENTS = 90_000;
  /** Watchlist rows: 4 records each (3 hour buckets + ip-only), 8 chunks. */
  private static final int WATCH_ROWS = 60_000;

  @TempDir Path dir;
  private ChildJvms processes;

  @BeforeEach
  void processes() {
    processes = new ChildJvms(dir);
  }

  @AfterEach
  void killAll() throws InterruptedException {
    processes.close();
  }

  @Test
  void killedClientsAndServerThenTheSameCommandCommitsWithTheFirstMapping() throws Exception {
    TestFederation fed = new TestFederation(dir, 1, false);
    Path platform = fed.node(Role.PLATFORM, "platform-a");
    Path ngo = fed.node(Role.NGO, "ngo");
    Path operator = fed.node(Role.CLEARINGHOUSE, "operator");
    Process server = startServer(fed, "clearinghouse-1.log");
    fed.usePort(processes.awaitPort(server, "clearinghouse-1.log"));
    Path reports = reportsCsv();
    Path watchlist = watchlistCsv();
    String[] submitReports = submit(fed, platform, "--reports", reports, "r1");
    String[] submitWatchlist = submit(fed, ngo, "--watchlist", watchlist, "w1");
    Path tokens = Path.of(reports + ".bmt");
    Path mapping = Path.of(reports + ".bmt.map.csv");
    Path provenance = Path.of(reports + ".bmt.provenance");

    // 1. Client killed while it tokenizes: its mapping is being written, no token file yet.
    Process c1 = startClient(submitReports, "client-1.log");
    await(() -> tempFileOf(mapping) || Files.exists(provenance) || !c1.isAlive(),
        "the first client to start writing its mapping", c1, "client-1.log");
    kill(c1);
    boolean unrecorded = Files.exists(tokens) && !Files.exists(provenance);
    if (unrecorded) {
      // The kill landed between committing the token file and recording its provenance
      // (nothing was sent yet): the re-run cannot tell these files from any others and
      // refuses to touch them; --force is the way on.
      String err = fail(submitReports);
      assertTrue(err.contains(tokens.toString()) && err.contains("--force"), err);
    }
    // 2. Client killed once tokenize has finished (the provenance is written last).
    Process c2 = startClient(unrecorded ? withForce(submitReports) : submitReports,
        "client-2.log");
    await(() -> Files.exists(provenance) || !c2.isAlive(), "tokenize in the second client", c2,
        "client-2.log");
    kill(c2);
    assertTrue(Files.exists(provenance), () -> log("client-2.log"));
    byte[] firstTokens = Files.readAllBytes(tokens);
    byte[] firstMapping = Files.readAllBytes(mapping);

    // 3. Client killed mid-upload: after it reused the files, the server stored another chunk.
    try (FederationClient probe = FederationClient.connect(NodeProfile.load(platform), m -> { })) {
      long before = nextSequence(probe, "r1");
      Process c3 = startClient(submitReports, "client-3.log");
      await(() -> !c3.isAlive() || (log("client-3.log").contains("reusing")
          && nextSequence(probe, "r1") > before), "a chunk of r1 stored by the third client",
          c3, "client-3.log");
      kill(c3);
    }
    assertTrue(log("client-3.log").contains("reusing"), () -> log("client-3.log"));
    assertArrayEquals(firstTokens, Files.readAllBytes(tokens), "token file kept");
    assertArrayEquals(firstMapping, Files.readAllBytes(mapping), "mapping kept");

    // 4. The clearinghouse killed while the NGO's one-step submit uploads.
    Process c4 = startClient(submitWatchlist, "client-4.log");
    try (FederationClient probe = FederationClient.connect(NodeProfile.load(ngo), m -> { })) {
      await(() -> nextSequence(probe, "w1") >= 1 || !c4.isAlive(), "a chunk of w1 stored", c4,
          "client-4.log");
    }
    kill(server);
    Await.exit(c4, "the client of the killed server");
    // Failed on the lost connection (1) or, had it committed in the meantime, succeeded (0).
    assertTrue(c4.exitValue() == 1 || c4.exitValue() == 0, () -> log("client-4.log"));
    assertFalse(log("client-4.log").contains("\tat "), () -> log("client-4.log"));
    Path watchMapping = Path.of(watchlist + ".bmt.map.csv");
    byte[] firstWatchMapping = Files.readAllBytes(watchMapping);
    Process restarted = startServer(fed, "clearinghouse-2.log");
    fed.usePort(processes.awaitPort(restarted, "clearinghouse-2.log"));

    // The same commands, in this JVM, finish both submissions with the first runs' files.
    String r = ok(submitReports);
    assertTrue(r.contains("reusing") && r.contains("submitted  r1"), r);
    String w = ok(submitWatchlist);
    assertTrue(w.contains("reusing") && w.contains("submitted  w1"), w);
    assertArrayEquals(firstTokens, Files.readAllBytes(tokens));
    assertArrayEquals(firstMapping, Files.readAllBytes(mapping));
    assertArrayEquals(firstWatchMapping, Files.readAllBytes(watchMapping));
    try (FederationClient c = FederationClient.connect(NodeProfile.load(platform), m -> { })) {
      assertTrue(status(c, "r1").getCommitted());
    }
    // Once more after the commit: the same receipt, nothing re-tokenized.
    byte[] receipt = Files.readAllBytes(Path.of(tokens + ".receipt"));
    assertTrue(ok(submitReports).contains("reusing"));
    assertArrayEquals(receipt, Files.readAllBytes(Path.of(tokens + ".receipt")));

    // The committed submissions' results resolve through the surviving mappings.
    String run = ok("match", "run", "--profile", operator.toString(), "--scope", "test-scope")
        .lines().filter(l -> l.startsWith("run ")).findFirst().orElseThrow().substring(4).trim();
    String platformResults = ok("results", "get", "--profile", platform.toString(), "--run",
        run, "--map", mapping.toString());
    assertTrue(platformResults.contains("R-MATCH,ip+hour,"), platformResults);
    assertFalse(platformResults.contains("handle:"), platformResults);
    String ngoResults = ok("results", "get", "--profile", ngo.toString(), "--run", run,
        "--map", watchMapping.toString());
    assertTrue(ngoResults.contains("Bavet,ip+hour,1,1"), ngoResults);
  }

  @Test
  void anotherInputIsRefusedNamingTheFilesAndForceReplacesThem() throws Exception {
    TestFederation fed = new TestFederation(dir, 1, false);
    Path platform = fed.node(Role.PLATFORM, "platform-a");
    Process server = startServer(fed, "clearinghouse.log");
    fed.usePort(processes.awaitPort(server, "clearinghouse.log"));
    Path reports = dir.resolve("small.csv");
    Files.writeString(reports, "record_id,ip,timestamp\nA-1,45.77.12.9,2026-03-03T08:30:00Z\n");
    String[] submit = submit(fed, platform, "--reports", reports, "s1");
    ok(submit);
    Path tokens = Path.of(reports + ".bmt");
    Path mapping = Path.of(reports + ".bmt.map.csv");
    byte[] tokenBytes = Files.readAllBytes(tokens);
    byte[] mappingBytes = Files.readAllBytes(mapping);

    Files.writeString(reports, "A-2,45.77.12.10,2026-03-03T08:30:00Z\n",
        java.nio.file.StandardOpenOption.APPEND);
    String err = fail(submit);
    assertTrue(err.contains(tokens.toString()) && err.contains(mapping.toString())
        && err.contains("another input") && err.contains("--force"), err);
    assertTrue(err.contains("nothing was submitted"), err);
    assertArrayEquals(tokenBytes, Files.readAllBytes(tokens));
    assertArrayEquals(mappingBytes, Files.readAllBytes(mapping));

    // Tampering with the mapping is noticed too.
    Files.writeString(reports, "record_id,ip,timestamp\nA-1,45.77.12.9,2026-03-03T08:30:00Z\n");
    Files.writeString(mapping, "handle,record_id\n", java.nio.file.StandardOpenOption.APPEND);
    err = fail(submit);
    assertTrue(err.contains("changed since"), err);
    Files.write(mapping, mappingBytes);

    // The receipt file of s1 is not taken over by another submission's receipt.
    Path receipt = Path.of(tokens + ".receipt");
    byte[] receiptBytes = Files.readAllBytes(receipt);
    err = fail(submit(fed, platform, "--reports", reports, "s2"));
    assertTrue(err.contains(receipt.toString()) && err.contains("s1"), err);
    assertArrayEquals(receiptBytes, Files.readAllBytes(receipt));

    // --force re-tokenizes (fresh handles) and replaces the receipt: a new submission.
    String[] forced = withForce(submit(fed, platform, "--reports", reports, "s3"));
    assertFalse(ok(forced).contains("reusing"));
    assertFalse(java.util.Arrays.equals(mappingBytes, Files.readAllBytes(mapping)));
  }

  // ---- the data ---------------------------------------------------------------------------

  /** Many report events, one of which (R-MATCH) meets the watchlist's Bavet row. */
  private Path reportsCsv() throws IOException {
    StringBuilder b = new StringBuilder("record_id,ip,timestamp\n");
    b.append("R-MATCH,45.77.12.9,2026-03-03T08:30:00Z\n");
    for (int i = 0; i < EVENTS; i++) {
      b.append("R-").append(i).append(",46.").append(i / 62_500).append('.')
          .append((i / 250) % 250).append('.').append(i % 250 + 1)
          .append(",2026-03-04T10:00:00Z\n");
    }
    return Files.writeString(dir.resolve("reports.csv"), b);
  }

  /** Many watchlist rows of one-hour windows, and Bavet. */
  private Path watchlistCsv() throws IOException {
    StringBuilder b = new StringBuilder("label,ip,start,end\n");
    b.append("Bavet,45.77.12.9,2026-03-03T00:00:00Z,2026-03-03T23:59:59Z\n");
    for (int i = 0; i < WATCH_ROWS; i++) {
      b.append("L").append(i % 40).append(",47.").append(i / 62_500).append('.')
          .append((i / 250) % 250).append('.').append(i % 250 + 1)
          .append(",2026-03-01T10:00:00Z,2026-03-01T11:00:00Z\n");
    }
    return Files.writeString(dir.resolve("watchlist.csv"), b);
  }

  private String[] submit(TestFederation fed, Path profile, String kind, Path csv, String id) {
    return new String[] {"submit", "--profile", profile.toString(), kind, csv.toString(),
        "--scope", fed.scope.toString(), "--keyset", fed.keyset.toString(),
        "--passphrase-file", dir.resolve("passphrase.txt").toString(), "--id", id,
        "--no-progress"};
  }

  private static String[] withForce(String[] args) {
    return Stream.concat(Stream.of(args), Stream.of("--force")).toArray(String[]::new);
  }

  // ---- processes --------------------------------------------------------------------------

  /** Whether an atomic output's temporary file for {@code target} exists. */
  private static boolean tempFileOf(Path target) {
    try (Stream<Path> files = Files.list(target.getParent())) {
      String prefix = "." + target.getFileName() + ".";
      return files.anyMatch(p -> p.getFileName().toString().startsWith(prefix)
          && p.getFileName().toString().endsWith(".tmp"));
    } catch (IOException e) {
      return false;
    }
  }

  /** Waits for {@code event}; then the process has not failed (it may have been killed). */
  private void await(BooleanSupplier event, String what, Process p, String logName)
      throws InterruptedException {
    Await.until(event, () -> what + ": " + log(logName));
    assertFalse(!p.isAlive() && p.exitValue() != 0 && p.exitValue() != 137,
        () -> "the process failed: " + log(logName));
  }

  private void kill(Process p) throws InterruptedException {
    processes.kill(p);
  }

  private Process startClient(String[] args, String logName) throws IOException {
    return FederationTests.cli(processes, logName, args);
  }

  private Process startServer(TestFederation fed, String logName) throws IOException {
    return FederationTests.serveClearinghouse(processes, fed, logName);
  }

  private String log(String name) {
    return processes.log(name);
  }
}
