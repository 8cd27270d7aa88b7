package org.blindmatch.cli.federation;

import org.blindmatch.testing.TestTimeout;
import org.blindmatch.testing.Await;
import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.federation.NodeProfile;
import org.blindmatch.client.results.RunResults;
import static org.blindmatch.cli.federation.FederationTests.chunk;
import static org.blindmatch.cli.federation.FederationTests.commit;
import static org.blindmatch.cli.federation.FederationTests.fail;
import static org.blindmatch.cli.federation.FederationTests.nextSequence;
import static org.blindmatch.cli.federation.FederationTests.observer;
import static org.blindmatch.cli.federation.FederationTests.ok;
import static org.blindmatch.cli.federation.FederationTests.records;
import static org.blindmatch.cli.federation.FederationTests.root;
import static org.blindmatch.cli.federation.FederationTests.sorted;
import static org.blindmatch.cli.federation.FederationTests.status;
import static org.blindmatch.cli.federation.FederationTests.upload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.blindmatch.proto.v1.Commitment;
import org.blindmatch.proto.v1.Receipt;
import org.blindmatch.proto.v1.Results;
import org.blindmatch.proto.v1.UploadBegin;
import org.blindmatch.proto.v1.UploadRequest;
import org.blindmatch.proto.v1.UploadStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clearinghouse at the boundary users see: the CLI and gRPC over real Netty mutual TLS
 * on loopback. Access control, bad input, idempotency and resumption.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClearinghouseTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  Path dir;
  TestFederation fed;
  Path platformA;
  Path platformB;
  Path bystander;
  Path ngo;
  Path operator;
  String runId;

  @BeforeAll
  void federation(@TempDir Path tmp) throws Exception {
    dir = tmp;
    fed = new TestFederation(dir, 1);
    platformA = fed.node(Role.PLATFORM, "platform-a");
    platformB = fed.node(Role.PLATFORM, "platform-b");
    bystander = fed.node(Role.PLATFORM, "platform-c");
    ngo = fed.node(Role.NGO, "ngo");
    operator = fed.node(Role.CLEARINGHOUSE, "operator");
    Files.writeString(dir.resolve("a.csv"), """
        record_id,ip,timestamp
        A-1,45.77.12.9,2026-03-03T08:30:00Z
        A-2,45.77.12.10,2026-03-03T08:30:00Z
        """);
    Files.writeString(dir.resolve("b.csv"), """
        record_id,ip,timestamp
        B-1,45.77.12.9,2026-03-09T08:30:00Z
        """);
    Files.writeString(dir.resolve("w.csv"), """
        label,ip,start,end
        Bavet,45.77.12.9,2026-03-03T00:00:00Z,2026-03-03T23:59:59Z
        """);
    tokenize("--reports", "a.csv", "a.bmt");
    tokenize("--reports", "b.csv", "b.bmt");
    tokenize("--watchlist", "w.csv", "w.bmt");
    ok("submit", "--profile", platformA.toString(), "--tokens", path("a.bmt"), "--id", "a1");
    ok("submit", "--profile", platformB.toString(), "--tokens", path("b.bmt"), "--id", "b1");
    ok("submit", "--profile", ngo.toString(), "--tokens", path("w.bmt"), "--id", "w1");
    String out = ok("match", "run", "--profile", operator.toString(), "--scope", "test-scope");
    runId = out.lines().filter(l -> l.startsWith("run ")).findFirst().orElseThrow()
        .substring(4).trim();
  }

  @AfterAll
  void stop() {
    fed.close();
  }

  @Test
  void eachRoleGetsExactlyItsOwnResults() throws Exception {
    String a = ok("results", "get", "--profile", platformA.toString(), "--run", runId,
        "--map", path("a.bmt.map.csv"));
    assertTrue(a.startsWith("record_id,tier,label,events\n"), a);
    assertTrue(a.contains("A-1,ip+hour,"), a);
    assertTrue(a.contains("A-1,ip-only,"), a);
    assertFalse(a.contains("A-2"), "A-2 never matched: " + a);
    assertFalse(a.contains("B-1"), a);
    String b = ok("results", "get", "--profile", platformB.toString(), "--run", runId,
        "--map", path("b.bmt.map.csv"));
    assertTrue(b.contains("B-1,ip-only,"), b);
    assertFalse(b.contains("B-1,ip+hour"), "B-1 is six days outside the window: " + b);
    String w = ok("results", "get", "--profile", ngo.toString(), "--run", runId,
        "--map", path("w.bmt.map.csv"));
    assertTrue(w.contains("Bavet,ip+hour,1,1"), w);
    assertTrue(w.contains("Bavet,ip-only,2,2"), w);
    String op = ok("results", "get", "--profile", operator.toString(), "--run", runId);
    assertTrue(op.startsWith("tier,matched_records"), op);
    try (FederationClient c = FederationClient.connect(NodeProfile.load(platformB), m -> { })) {
      Results r = RunResults.fetch(c, runId).results();
      assertEquals("blindmatch://test/platform/platform-b", r.getRecipient());
      r.getRecordMatchesList().forEach(m -> assertEquals("b1", m.getSubmissionId()));
    }
    String none = fail("results", "get", "--profile", bystander.toString(), "--run", runId);
    assertTrue(none.contains("NOT_FOUND"), none);
  }

  @Test
  void eachRoleListsItsRunsAndGetsTheLatestWithoutARunId() throws Exception {
    for (Path who : new Path[] {platformA, ngo, operator}) {
      JsonNode list = JSON.readTree(ok("results", "list", "--profile", who.toString(),
          "--json"));
      assertEquals("blindmatch.results-list/v1", list.get("schema").asText());
      JsonNode runs = list.get("runs");
      assertTrue(runs.size() >= 1, list.toString());
      List<String> ids = new ArrayList<>();
      runs.forEach(r -> ids.add(r.get("run_id").asText()));
      assertTrue(ids.contains(runId), ids.toString());
      String latest = ids.get(ids.size() - 1);
      String[] map = who == platformA ? new String[] {"--map", path("a.bmt.map.csv")}
          : who == ngo ? new String[] {"--map", path("w.bmt.map.csv")} : new String[0];
      List<String> withRun = new ArrayList<>(List.of("results", "get", "--profile",
          who.toString(), "--run", latest));
      withRun.addAll(List.of(map));
      List<String> without = new ArrayList<>(withRun);
      without.removeAll(List.of("--run", latest));
      assertEquals(ok(withRun.toArray(String[]::new)), ok(without.toArray(String[]::new)));
    }
    JsonNode a = JSON.readTree(ok("results", "list", "--profile", platformA.toString(),
        "--json")).get("runs");
    JsonNode first = a.get(0);
    assertEquals(runId, first.get("run_id").asText(), "the fixture's run is the oldest");
    // A-1 matched in both tiers: one row and one record each
    assertEquals(2, first.get("tiers").size(), first.toString());
    first.get("tiers").forEach(t -> assertEquals(1, t.get("rows").asInt(), first.toString()));
    String human = ok("results", "list", "--profile", platformA.toString());
    assertTrue(human.startsWith("run_id,started_at,tier,rows,matched_records,suppressed\n")
        && human.contains(runId + ","), human);
    JsonNode none = JSON.readTree(ok("results", "list", "--profile", bystander.toString(),
        "--json"));
    assertEquals(0, none.get("runs").size(), "a platform in no run lists none");
    String e = fail("results", "get", "--profile", bystander.toString());
    assertTrue(e.contains("you have results in no run yet"), e);
  }

  @Test
  void resultsJsonCarriesTheRunAndSortedRows() throws Exception {
    JsonNode w = JSON.readTree(ok("results", "get", "--profile", ngo.toString(), "--run",
        runId, "--map", path("w.bmt.map.csv"), "--json"));
    assertEquals("blindmatch.results/v1", w.get("schema").asText());
    assertEquals(runId, w.get("run_id").asText());
    assertEquals(java.util.HexFormat.of().formatHex(fed.scopeDigest),
        w.get("scope_digest").asText());
    assertEquals(1, w.get("k").asInt());
    assertEquals(0, w.get("suppressed").asInt());
    assertEquals("ngo", w.get("kind").asText());
    assertTrue(w.get("log").get("tree_size").asLong() > w.get("log").get("index").asLong());
    JsonNode rows = w.get("rows");
    assertEquals(2, rows.size(), w.toString());
    assertEquals("Bavet", rows.get(0).get("label").asText());
    assertEquals("ip+hour", rows.get(0).get("tier").asText());
    assertEquals(1, rows.get(0).get("matched_records").asInt());
    assertEquals("ip-only", rows.get(1).get("tier").asText());
    assertEquals(2, rows.get(1).get("matched_records").asInt());
    String a = ok("results", "get", "--profile", platformA.toString(), "--run", runId,
        "--map", path("a.bmt.map.csv"));
    List<String> lines = a.lines().skip(1).toList();
    assertEquals(2, lines.size(), a);
    assertTrue(lines.get(0).startsWith("A-1,ip+hour,") && lines.get(1).startsWith("A-1,ip-only,"),
        "sorted by record, then tier: " + a);
  }

  @Test
  void aWrongOrMissingMapIsAnErrorNamingTheFile() throws Exception {
    String missing = fail("results", "get", "--profile", platformA.toString(), "--run", runId);
    assertTrue(missing.contains("no --map was given"), missing);
    String wrong = fail("results", "get", "--profile", platformA.toString(), "--run", runId,
        "--map", path("b.bmt.map.csv"));
    assertTrue(wrong.contains(path("b.bmt.map.csv") + ": resolves 0 of the 1 record handle(s)"),
        wrong);
    String ngoWrong = fail("results", "get", "--profile", ngo.toString(), "--run", runId,
        "--map", path("a.bmt.map.csv"));
    assertTrue(ngoWrong.contains(path("a.bmt.map.csv") + ": resolves 0 of the 1 label"),
        ngoWrong);
    String raw = ok("results", "get", "--profile", platformA.toString(), "--run", runId,
        "--unresolved");
    assertTrue(raw.startsWith("record_handle,tier,label,events\n"), raw);
  }

  @Test
  void submitsStraightFromCsv() throws Exception {
    String out = ok("submit", "--profile", platformB.toString(), "--reports", path("b.csv"),
        "--scope", fed.scope.toString(), "--keyset", fed.keyset.toString(),
        "--passphrase-file", path("passphrase.txt"), "--id", "b-from-csv", "--no-progress");
    assertTrue(out.contains("submitted  b-from-csv"), out);
    assertTrue(Files.exists(dir.resolve("b.csv.bmt.map.csv")), "the mapping stays local");
    assertTrue(Files.exists(dir.resolve("b.csv.bmt.receipt")));
  }

  @Test
  void operatorAndAuditorsSeeMetadataAndSignedTranscripts() throws Exception {
    Path auditor = fed.node(Role.AUDITOR, "auditor");
    String subs = ok("admin", "submissions", "--profile", operator.toString());
    assertTrue(subs.contains("a1,blindmatch://test/platform/platform-a,report,"), subs);
    assertTrue(subs.contains("w1,blindmatch://test/ngo/ngo,watchlist,"), subs);
    String runs = ok("admin", "runs", "--profile", auditor.toString());
    assertTrue(runs.contains(runId) && runs.contains("signature ok"), runs);
    String denied = fail("admin", "submissions", "--profile", auditor.toString());
    assertTrue(denied.contains("PERMISSION_DENIED"), denied);
    denied = fail("admin", "runs", "--profile", platformA.toString());
    assertTrue(denied.contains("PERMISSION_DENIED"), denied);
  }

  @Test
  void plaintextIsRefusedOffLoopbackBeforeAnyPortIsBound() throws Exception {
    Path open = dir.resolve("open.yaml");
    Files.writeString(open, Files.readString(fed.config).replace("127.0.0.1:0", "0.0.0.0:0"));
    String e = fail("serve", "clearinghouse", "--config", open.toString(), "--insecure-loopback");
    assertTrue(e.contains("only loopback addresses"), e);
    Path typo = dir.resolve("typo.yaml");
    Files.writeString(typo, Files.readString(fed.config) + "k_treshold: 5\n");
    e = fail("serve", "clearinghouse", "--config", typo.toString());
    assertTrue(e.contains("typo.yaml: k_treshold: unknown key"), e);
  }

  @Test
  void aSubmitterCanProveItsReceiptIsInTheLog() throws Exception {
    String out = ok("audit", "check-receipt", "--profile", platformA.toString(),
        path("a.bmt.receipt"));
    assertTrue(out.contains("receipt is entry") && out.contains("included in the current"),
        out);
    // Someone else's receipt with this position: refused, naming the check.
    Files.copy(dir.resolve("b.bmt.receipt"), dir.resolve("swapped.receipt"));
    Files.copy(dir.resolve("a.bmt.receipt.logpos"), dir.resolve("swapped.receipt.logpos"));
    String e = fail("audit", "check-receipt", "--profile", platformA.toString(),
        path("swapped.receipt"));
    assertTrue(e.contains("not for this receipt"), e);
    // A receipt whose signature was changed: refused before anything else.
    Receipt saved = Receipt.parseFrom(Files.readAllBytes(dir.resolve("a.bmt.receipt")));
    byte[] signature = saved.getSignature().toByteArray();
    signature[signature.length - 1] ^= 1;
    Files.write(dir.resolve("altered.receipt"), saved.toBuilder()
        .setSignature(com.google.protobuf.ByteString.copyFrom(signature)).build().toByteArray());
    Files.copy(dir.resolve("a.bmt.receipt.logpos"), dir.resolve("altered.receipt.logpos"));
    e = fail("audit", "check-receipt", "--profile", platformA.toString(),
        path("altered.receipt"));
    assertTrue(e.contains("the receipt's signature does not verify against the clearinghouse's "
        + "published key"), e);
  }

  @Test
  void rolesAreEnforced() {
    String e = fail("match", "run", "--profile", platformA.toString(), "--scope", "test-scope");
    assertTrue(e.contains("PERMISSION_DENIED") && e.contains("platform"), e);
    e = fail("submit", "--profile", ngo.toString(), "--tokens", path("a.bmt"), "--id", "x");
    assertTrue(e.contains("PERMISSION_DENIED") && e.contains("may not submit reports"), e);
  }

  @Test
  void resubmittingIsIdempotent() throws Exception {
    byte[] first = Files.readAllBytes(dir.resolve("a.bmt.receipt"));
    ok("submit", "--profile", platformA.toString(), "--tokens", path("a.bmt"), "--id", "a1",
        "--receipt", path("again.receipt"));
    assertArrayEquals(first, Files.readAllBytes(dir.resolve("again.receipt")));
    String e = fail("submit", "--profile", platformA.toString(), "--tokens", path("b.bmt"),
        "--id", "a1");
    assertTrue(e.contains("ALREADY_EXISTS") || e.contains("FAILED_PRECONDITION"), e);
  }

  @Test
  void badUploadsAreRefusedAndNothingIsStored() throws Exception {
    try (FederationClient c = FederationClient.connect(NodeProfile.load(platformA), m -> { })) {
      c.registerSigningKey();
      UploadBegin begin = begin("bad1", 2);
      // Not a whole number of records.
      assertCode(Status.Code.INVALID_ARGUMENT, upload(c, begin, chunk(0, new byte[32])));
      // Out of order: sequence 1 before 0.
      assertCode(Status.Code.FAILED_PRECONDITION, upload(c, begin("bad2", 2),
          chunk(1, records(2, 1))));
      // A chunk sent twice: the second is refused and nothing more is stored.
      Await.done(upload(c, begin("dup", 4), chunk(0, sorted(records(2, 9)))));
      StatusRuntimeException dup = assertCode(Status.Code.FAILED_PRECONDITION,
          upload(c, begin("dup", 4), chunk(0, sorted(records(2, 9)))));
      assertTrue(dup.getStatus().getDescription().contains("chunk 0"),
          dup.getStatus().getDescription());
      assertEquals(2, status(c, "dup").getRecordsReceived());
      // Over 1 MiB in one chunk.
      assertCode(Status.Code.RESOURCE_EXHAUSTED, upload(c, begin("bad3", 40_000),
          chunk(0, records(40_000, 2))));
      // Wrong scope digest.
      UploadBegin foreign = begin("bad4", 2).toBuilder()
          .setScopeDigest(ByteString.copyFrom(new byte[32])).build();
      assertCode(Status.Code.FAILED_PRECONDITION, upload(c, foreign, chunk(0, records(2, 3))));

      // A complete, sorted upload committed with a wrong root, a bad signature, unsorted.
      byte[] recs = sorted(records(3, 4));
      Await.done(upload(c, begin("good", 3), chunk(0, recs)));
      Commitment right = commitment(c, "good", 3, root(recs));
      Commitment wrongRoot = right.toBuilder().setMerkleRoot(ByteString.copyFrom(new byte[32]))
          .build();
      assertCode(Status.Code.FAILED_PRECONDITION, () -> commit(c, wrongRoot, true));
      assertCode(Status.Code.FAILED_PRECONDITION, () -> commit(c, right, false));
      assertFalse(status(c, "good").getCommitted(), "nothing committed after refusals");
      Receipt receipt = commit(c, right, true);
      assertTrue(receipt.getSignature().size() > 0);
      assertTrue(status(c, "good").getCommitted());

      byte[] unsorted = records(3, 5);
      if (java.util.Arrays.equals(unsorted, sorted(unsorted))) {
        throw new AssertionError("fixture happens to be sorted");
      }
      // Unsorted records are refused as they arrive, before they are stored.
      StatusRuntimeException e = assertCode(Status.Code.FAILED_PRECONDITION,
          upload(c, begin("unsorted", 3), chunk(0, unsorted)));
      assertTrue(e.getStatus().getDescription().contains("out of order"));
      // The refused first chunk also removed its upload: nothing is left behind.
      assertCode(Status.Code.NOT_FOUND, () -> status(c, "unsorted"));
    }
  }

  @Test
  void anInterruptedUploadResumes() throws Exception {
    try (FederationClient c = FederationClient.connect(NodeProfile.load(platformA), m -> { })) {
      c.registerSigningKey();
      byte[] recs = sorted(records(6, 6));
      UploadBegin begin = begin("resume", 6);
      // First connection sends two of three chunks, then is cut (error from the client).
      CompletableFuture<UploadStatus> cut = new CompletableFuture<>();
      StreamObserver<UploadRequest> req = c.submissionsAsync().upload(observer(cut));
      req.onNext(UploadRequest.newBuilder().setBegin(begin).build());
      req.onNext(chunk(0, java.util.Arrays.copyOfRange(recs, 0, 2 * TokenRecord.LENGTH)));
      req.onNext(chunk(1, java.util.Arrays.copyOfRange(recs, 2 * TokenRecord.LENGTH,
          4 * TokenRecord.LENGTH)));
      Await.until(() -> nextSequence(c, "resume") >= 2, () -> "two chunks stored");
      req.onError(Status.CANCELLED.withDescription("connection dropped").asRuntimeException());
      UploadStatus s = status(c, "resume");
      assertEquals(2, s.getNextSequence());
      assertEquals(4, s.getRecordsReceived());
      assertFalse(s.getCommitted());
      // The second connection sends only what is missing.
      upload(c, begin, chunk(2, java.util.Arrays.copyOfRange(recs, 4 * TokenRecord.LENGTH,
          6 * TokenRecord.LENGTH))).get(TestTimeout.seconds(), TimeUnit.SECONDS);
      commit(c, commitment(c, "resume", 6, root(recs)), true);
      assertTrue(status(c, "resume").getCommitted());
    }
  }

  // ---- helpers ----

  private String path(String name) {
    return dir.resolve(name).toString();
  }

  private void tokenize(String kind, String csv, String out) {
    FederationTests.tokenize(fed, kind, csv, out);
  }

  private UploadBegin begin(String id, long records) {
    return fed.begin(id, records);
  }

  private Commitment commitment(FederationClient c, String id, long n, byte[] root) {
    return fed.commitment(c, id, n, root);
  }

  interface Call {
    Object run() throws Exception;
  }

  private static StatusRuntimeException assertCode(Status.Code code, CompletableFuture<?> f) {
    return assertCode(code, () -> Await.done(f));
  }

  private static StatusRuntimeException assertCode(Status.Code code, Call call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
      return e;
    } catch (java.util.concurrent.ExecutionException e) {
      StatusRuntimeException s = (StatusRuntimeException) e.getCause();
      assertEquals(code, s.getStatus().getCode(), s.getStatus().toString());
      return s;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected " + code);
  }
}
