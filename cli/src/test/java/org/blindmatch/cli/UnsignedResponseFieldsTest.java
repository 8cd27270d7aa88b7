package org.blindmatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.results.RunResults;
import org.blindmatch.client.submit.SubmissionException;
import org.blindmatch.client.submit.Submitter;
import org.blindmatch.core.claims.Transcripts;
import org.blindmatch.core.claims.TreeHeads;
import org.blindmatch.core.match.MatchRun;
import org.blindmatch.crypto.merkle.MerkleHash;
import org.blindmatch.proto.v1.LogEntry;
import org.blindmatch.proto.v1.LogPosition;
import org.blindmatch.proto.v1.RunInput;
import org.blindmatch.proto.v1.SignedTranscript;
import org.blindmatch.proto.v1.TreeHead;
import org.blindmatch.crypto.hash.Sha256;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.crypto.tokenfile.TokenFileHeader.KeyMode;
import org.blindmatch.crypto.tokenfile.TokenFileHeader.Role;
import org.blindmatch.crypto.tokenfile.TokenFileWriter;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.blindmatch.client.oprf.KeyholderCounts;
import org.blindmatch.proto.v1.CommitRequest;
import org.blindmatch.proto.v1.EvaluationCount;
import org.blindmatch.proto.v1.CommitResponse;
import org.blindmatch.proto.v1.GetResultsRequest;
import org.blindmatch.proto.v1.GetResultsResponse;
import org.blindmatch.proto.v1.GetScopeRequest;
import org.blindmatch.proto.v1.GetUploadStatusRequest;
import org.blindmatch.proto.v1.LabelCount;
import org.blindmatch.proto.v1.NodeServiceGrpc;
import org.blindmatch.proto.v1.PublishedScope;
import org.blindmatch.proto.v1.RecipientDigest;
import org.blindmatch.proto.v1.RecordMatch;
import org.blindmatch.proto.v1.RegisterSigningKeyRequest;
import org.blindmatch.proto.v1.RegisterSigningKeyResponse;
import org.blindmatch.proto.v1.ResultServiceGrpc;
import org.blindmatch.proto.v1.Results;
import org.blindmatch.proto.v1.RunTranscript;
import org.blindmatch.proto.v1.Scope;
import org.blindmatch.proto.v1.ScopeServiceGrpc;
import org.blindmatch.proto.v1.SubmissionServiceGrpc;
import org.blindmatch.proto.v1.Tier;
import org.blindmatch.proto.v1.TierTotals;
import org.blindmatch.proto.v1.UploadRequest;
import org.blindmatch.proto.v1.UploadStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The client side of PROTOCOL §7 "Unsigned fields", for the server responses a member reads:
 * an in-process clearinghouse serves crafted {@code Results} (every uint64 count and uint32
 * tier at 0, 2^31-1 / 2^63-1, 2^31 / 2^63 and 2^32-1 / 2^64-1), which {@code results get}
 * fetches through {@link RunResults} (transcript signed and committed as the real server
 * does) and prints unsigned in CSV and JSON; and an {@code UploadStatus.next_sequence} at
 * the same edges, which {@link Submitter} resumes from or refuses by name; and a keyholder's
 * {@code EvaluationCount} epochs and counts at the edges, which {@code keyholder counts}
 * orders and prints unsigned.
 */
class UnsignedResponseFieldsTest {
  private static final String RUN = "run-1";
  private static final String ME = "blindmatch://test/platform/p";
  private static final String NGO = "blindmatch://test/ngo/n";
  private static final byte[] SCOPE_DIGEST = new byte[32];

  private final NodeSigner clearinghouse = signer();
  private final AtomicReference<Results> served = new AtomicReference<>();
  private final AtomicReference<PublishedScope> published = new AtomicReference<>();
  private final AtomicReference<UploadStatus> status = new AtomicReference<>();
  private final List<Long> sequences = new CopyOnWriteArrayList<>();
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private Server server;
  private ManagedChannel channel;
  private FederationClient client;

  /** uint64 edges: 0, 2^63-1, 2^63, 2^64-1 as Java longs. */
  static List<Long> uint64Edges() {
    return List.of(0L, Long.MAX_VALUE, Long.MIN_VALUE, -1L);
  }

  /** uint32 edges: 0, 2^31-1, 2^31, 2^32-1 as Java ints. */
  static List<Integer> uint32Edges() {
    return List.of(0, Integer.MAX_VALUE, Integer.MIN_VALUE, -1);
  }

  private static NodeSigner signer() {
    try {
      return NodeSigner.of(NodeSigner.generate());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @BeforeEach
  void fakeClearinghouse() throws Exception {
    published.set(PublishedScope.newBuilder()
        .setScope(Scope.newBuilder().setId("s").setDigest(ByteString.copyFrom(SCOPE_DIGEST))
            .addTiers(Tier.newBuilder().setName("coarse")))
        .setClearinghousePublicKeyset(clearinghouse.publicKeysetJson()).build());
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(new ScopeServiceGrpc.ScopeServiceImplBase() {
          @Override
          public void getScope(GetScopeRequest request, StreamObserver<PublishedScope> out) {
            out.onNext(published.get());
            out.onCompleted();
          }
        })
        .addService(new NodeServiceGrpc.NodeServiceImplBase() {
          @Override
          public void registerSigningKey(RegisterSigningKeyRequest request,
              StreamObserver<RegisterSigningKeyResponse> out) {
            out.onNext(RegisterSigningKeyResponse.getDefaultInstance());
            out.onCompleted();
          }
        })
        .addService(new ResultServiceGrpc.ResultServiceImplBase() {
          @Override
          public void getResults(GetResultsRequest request,
              StreamObserver<GetResultsResponse> out) {
            try {
              out.onNext(servedResponse(served.get()));
              out.onCompleted();
            } catch (Exception e) {
              out.onError(e);
            }
          }
        })
        .addService(new SubmissionServiceGrpc.SubmissionServiceImplBase() {
          @Override
          public void getUploadStatus(GetUploadStatusRequest request,
              StreamObserver<UploadStatus> out) {
            calls.add("status");
            out.onNext(status.get());
            out.onCompleted();
          }

          @Override
          public StreamObserver<UploadRequest> upload(StreamObserver<UploadStatus> out) {
            calls.add("upload");
            return new StreamObserver<>() {
              @Override
              public void onNext(UploadRequest r) {
                if (r.hasChunk()) {
                  sequences.add(r.getChunk().getSequence());
                }
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {
                out.onError(Status.FAILED_PRECONDITION.withDescription("crafted end of upload")
                    .asRuntimeException());
              }
            };
          }

          @Override
          public void commit(CommitRequest request, StreamObserver<CommitResponse> out) {
            calls.add("commit");
            out.onError(Status.FAILED_PRECONDITION.withDescription("crafted").asRuntimeException());
          }
        })
        .build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    client = FederationClient.overChannel(channel, NodeIdentity.fromUri(ME), signer());
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  /**
   * What the real clearinghouse serves for {@code results}: a signed transcript whose inputs
   * are ME's report "sub" and NGO's watchlist "wl", committing to the results (and carrying
   * the operator's totals), logged as the only entry of a signed one-leaf tree.
   */
  private GetResultsResponse servedResponse(Results results) throws Exception {
    ByteString bytes = results.toByteString();
    SignedTranscript t = Transcripts.sign(clearinghouse, RunTranscript.newBuilder()
        .setRunId(RUN)
        .addReportInputs(RunInput.newBuilder().setSubmitter(ME).setSubmissionId("sub"))
        .addWatchlistInputs(RunInput.newBuilder().setSubmitter(NGO).setSubmissionId("wl"))
        .addAllTotals(results.getTotalsList())
        .addRecipients(RecipientDigest.newBuilder().setRecipient(results.getRecipient())
            .setResultsSha256(ByteString.copyFrom(Sha256.digest(bytes.toByteArray()))))
        .build());
    byte[] entry = LogEntry.newBuilder().setTranscript(t).build().toByteArray();
    return GetResultsResponse.newBuilder().setResults(bytes).setTranscript(t)
        .setTranscriptPosition(LogPosition.newBuilder().setIndex(0)
            .setEntry(ByteString.copyFrom(entry))
            .setTreeHead(TreeHeads.sign(clearinghouse, TreeHead.newBuilder().setTreeSize(1)
                .setRootHash(ByteString.copyFrom(MerkleHash.leafHash(entry))).build())))
        .build();
  }

  /**
   * Fetches the served results as {@code results get} does, as the identity whose role has
   * their shape, and renders them.
   */
  private String resultsGet(Results results, String format, StringWriter err) throws Exception {
    String me = results.getTotalsCount() > 0 ? MatchRun.OPERATOR
        : results.getLabelCountsCount() > 0 || results.getSuppressed() != 0 ? NGO : ME;
    NodeIdentity identity = NodeIdentity.fromUri(me.equals(MatchRun.OPERATOR)
        ? "blindmatch://test/clearinghouse/ch" : me);
    served.set(results.toBuilder().setRunId(RUN).setRecipient(me).build());
    RunResults rr = RunResults.fetch(FederationClient.overChannel(channel, identity, signer()),
        RUN);
    assertEquals(served.get(), rr.results(), "the fetched results are the served ones");
    ResultsCommand.Get get = new ResultsCommand.Get();
    new CommandLine(get).setErr(new PrintWriter(err, true));
    get.json = format.equals("json");
    get.unresolved = true;
    return get.render(rr, ResultsCommand.kind(identity.role()), List.of("coarse"));
  }

  private static ByteString handle(int b) {
    byte[] h = new byte[16];
    h[0] = (byte) b;
    return ByteString.copyFrom(h);
  }

  /** The tier column: tier 0 by its scope name, any other number printed unsigned. */
  private static String tierColumn(int tier) {
    return tier == 0 ? "coarse" : Integer.toUnsignedString(tier);
  }

  @ParameterizedTest
  @MethodSource("uint64Edges")
  void platformEventsPrintUnsigned(long events) throws Exception {
    for (int tier : uint32Edges()) {
      Results r = Results.newBuilder().addRecordMatches(RecordMatch.newBuilder()
          .setSubmissionId("sub").setRecordHandle(handle(1)).setLabelHandle(handle(2))
          .setTier(tier).setEvents(events)).build();
      String csv = resultsGet(r, "csv", new StringWriter());
      assertEquals("record_handle,tier,label,events\n01000000000000000000000000000000,"
          + tierColumn(tier) + ",02000000000000000000000000000000,"
          + Long.toUnsignedString(events) + "\n", csv);
      JsonNode row = new ObjectMapper().readTree(resultsGet(r, "json", new StringWriter()))
          .get("rows").get(0);
      assertEquals(new BigInteger(Long.toUnsignedString(events)), row.get("events")
          .bigIntegerValue());
      assertEquals(tierColumn(tier), row.get("tier").asText());
    }
  }

  @ParameterizedTest
  @MethodSource("uint64Edges")
  void ngoCountsAndSuppressedPrintUnsigned(long n) throws Exception {
    Results r = Results.newBuilder().addLabelCounts(LabelCount.newBuilder()
        .setSubmissionId("wl").setLabelHandle(handle(3)).setTier(Integer.MIN_VALUE)
        .setMatchedRecords(n).setSubmitters(n)).setSuppressed(n).build();
    StringWriter err = new StringWriter();
    String csv = resultsGet(r, "csv", err);
    String u = Long.toUnsignedString(n);
    assertEquals("label_handle,tier,matched_records,submitters\n03000000000000000000000000000000,"
        + "2147483648," + u + "," + u + "\n", csv);
    assertEquals(n == 0 ? "" : u + " label aggregates were below the threshold k and are "
        + "suppressed" + System.lineSeparator(), err.toString());
  }

  @ParameterizedTest
  @MethodSource("uint64Edges")
  void onlySuppressedIsStillAnNgoTable(long suppressed) throws Exception {
    if (suppressed == 0) {
      return; // no label rows and nothing suppressed is the (empty) platform table here
    }
    StringWriter err = new StringWriter();
    String csv = resultsGet(Results.newBuilder().setSuppressed(suppressed).build(), "csv", err);
    assertEquals("label_handle,tier,matched_records,submitters\n", csv);
    assertTrue(err.toString().startsWith(Long.toUnsignedString(suppressed) + " label "),
        err.toString());
  }

  @ParameterizedTest
  @MethodSource("uint64Edges")
  void operatorTotalsPrintUnsigned(long n) throws Exception {
    for (int tier : uint32Edges()) {
      Results r = Results.newBuilder().addTotals(TierTotals.newBuilder().setTier(tier)
          .setMatchedRecords(n).setMatchedEvents(n).setMatchedLabels(n).setSubmitters(n))
          .build();
      String csv = resultsGet(r, "csv", new StringWriter());
      String u = Long.toUnsignedString(n);
      assertEquals("tier,matched_records,matched_events,matched_labels,submitters\n"
          + tierColumn(tier) + "," + u + "," + u + "," + u + "," + u + "\n", csv);
      assertFalse(csv.contains("-"), csv);
      JsonNode row = new ObjectMapper().readTree(resultsGet(r, "json", new StringWriter()))
          .get("rows").get(0);
      for (String f : List.of("matched_records", "matched_events", "matched_labels",
          "submitters")) {
        assertEquals(new BigInteger(u), row.get(f).bigIntegerValue(), f);
      }
    }
  }

  /** One record: one chunk. */
  private Path tokenFile(Path dir) throws Exception {
    Path file = dir.resolve("t.bmt");
    try (TokenFileWriter w = TokenFileWriter.create(file, false, Role.REPORT, KeyMode.HMAC,
        SCOPE_DIGEST, 7, new int[] {0})) {
      w.write(new byte[TokenRecord.LENGTH], 0, 1);
      w.finish(1, 0);
    }
    return file;
  }

  @ParameterizedTest
  @MethodSource("uint64Edges")
  void submitterResumesOnlyFromASequenceItHas(long next, @TempDir Path dir) throws Exception {
    status.set(UploadStatus.newBuilder().setSubmissionId("sub").setNextSequence(next)
        .setRecordsReceived(next).build());
    SubmissionException e = assertThrows(SubmissionException.class,
        () -> new Submitter(client).submit(tokenFile(dir), "sub", dir, n -> {}));
    if (next == 0) {
      // Resumes from chunk 0: the one chunk is sent, the (crafted) server then refuses.
      assertEquals(List.of(0L), sequences);
      assertTrue(e.getMessage().contains("crafted end of upload"), e.getMessage());
    } else {
      assertEquals("the clearinghouse reports " + Long.toUnsignedString(next)
          + " chunks of submission sub received, but it has only 1", e.getMessage());
      assertEquals(List.of("status"), calls, "nothing uploaded or committed");
    }
  }

  @ParameterizedTest
  @MethodSource("uint64Edges")
  void keyholderCountsOrderAndPrintUnsigned(long evaluations) throws Exception {
    String platform = "blindmatch://test/platform/p";
    KeyholderCounts.Answer a = new KeyholderCounts.Answer("127.0.0.1:1",
        NodeIdentity.fromUri("blindmatch://test/keyholder/k1"), 1,
        List.of(-1, Integer.MIN_VALUE, 0, Integer.MAX_VALUE).stream()
            .map(epoch -> EvaluationCount.newBuilder().setIdentity(platform).setEpoch(epoch)
                .setEvaluations(evaluations).build())
            .toList(), null);
    StringWriter out = new StringWriter();
    int failed = KeyholderCommand.Counts.print(List.of(a), new PrintWriter(out),
        new PrintWriter(new StringWriter()));
    assertEquals(0, failed);
    StringBuilder expected = new StringBuilder("share,keyholder,identity,epoch,evaluations\n");
    for (String epoch : List.of("0", "2147483647", "2147483648", "4294967295")) {
      expected.append("1,blindmatch://test/keyholder/k1,").append(platform).append(',')
          .append(epoch).append(',').append(Long.toUnsignedString(evaluations)).append('\n');
    }
    assertEquals(expected.toString(), out.toString().replace(System.lineSeparator(), "\n"));

    StringWriter json = new StringWriter();
    KeyholderCommand.Counts.printJson(List.of(a), new PrintWriter(json),
        new PrintWriter(new StringWriter()));
    JsonNode doc = new ObjectMapper().readTree(json.toString());
    assertEquals("blindmatch.keyholder-counts/v1", doc.get("schema").asText());
    JsonNode counts = doc.get("keyholders").get(0).get("counts");
    List<String> epochs = new java.util.ArrayList<>();
    counts.forEach(c -> {
      epochs.add(c.get("epoch").asText());
      assertEquals(new BigInteger(Long.toUnsignedString(evaluations)),
          c.get("evaluations").bigIntegerValue());
    });
    assertEquals(List.of("0", "2147483647", "2147483648", "4294967295"), epochs);
  }

  /**
   * The published scope's uint64/uint32 fields (tier parameters, accepted key ids and oprf
   * epochs, k) at the edges: members bind to the scope by its digest and read only tier names
   * and the clearinghouse key from it, so results get and submit work as with any values.
   */
  @ParameterizedTest
  @MethodSource("uint64Edges")
  void publishedScopeNumbersAtTheEdgesDoNotDisturbMembers(long n, @TempDir Path dir)
      throws Exception {
    int u32 = (int) (n >>> 32); // 0, 2^31-1, 2^31, 2^32-1 as n runs over the uint64 edges
    published.set(published.get().toBuilder().setKThreshold(u32).addAcceptedKeyIds(u32)
        .addAcceptedOprfEpochs(u32)
        .setScope(published.get().getScope().toBuilder().setTiers(0, Tier.newBuilder()
            .setName("coarse").setBucketWidthSeconds(n).setIpv4Prefix(u32).setIpv6Prefix(u32)
            .setWatchlistToleranceSeconds(n).setMaxBucketsPerWindow(u32)
            .setMaxAddressesPerCidr(n)))
        .build());
    Results r = Results.newBuilder().addRecordMatches(RecordMatch.newBuilder()
        .setSubmissionId("sub").setRecordHandle(handle(1)).setLabelHandle(handle(2))
        .setTier(0).setEvents(1)).build();
    assertTrue(resultsGet(r, "csv", new StringWriter()).contains(",coarse,"));
    status.set(UploadStatus.newBuilder().setNextSequence(-1L).build());
    SubmissionException e = assertThrows(SubmissionException.class,
        () -> new Submitter(client).submit(tokenFile(dir), "sub", dir, x -> {}));
    assertTrue(e.getMessage().startsWith("the clearinghouse reports 18446744073709551615 "),
        "got past the scope check: " + e.getMessage());
  }

  @ParameterizedTest
  @MethodSource("uint64Edges")
  void adminSubmissionsPrintKeyIdsAndCountsUnsigned(long records) {
    for (int keyId : uint32Edges()) {
      StringWriter out = new StringWriter();
      AdminCommand.Submissions.print(new PrintWriter(out, true), List.of(
          org.blindmatch.proto.v1.SubmissionInfo.newBuilder().setSubmissionId("s1")
              .setSubmitter(ME).setRole(org.blindmatch.proto.v1.SubmissionRole
                  .SUBMISSION_ROLE_REPORT).setKeyId(keyId).setRecordCount(records)
              .setMerkleRoot(ByteString.copyFrom(new byte[32])).build()));
      String row = out.toString().lines().skip(1).findFirst().orElseThrow();
      assertEquals("s1," + ME + ",report," + Integer.toUnsignedString(keyId) + ","
          + Long.toUnsignedString(records) + "," + "00".repeat(32)
          + ",1970-01-01T00:00:00Z,1970-01-01T00:00:00Z,false", row);
    }
  }
}
