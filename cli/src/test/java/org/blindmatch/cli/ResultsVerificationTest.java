package org.blindmatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.federation.FederationException;
import org.blindmatch.client.results.RunResults;
import org.blindmatch.core.claims.Transcripts;
import org.blindmatch.core.claims.TreeHeads;
import org.blindmatch.crypto.hash.Sha256;
import org.blindmatch.crypto.merkle.MerkleHash;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.GetResultsRequest;
import org.blindmatch.proto.v1.GetResultsResponse;
import org.blindmatch.proto.v1.GetScopeRequest;
import org.blindmatch.proto.v1.LabelCount;
import org.blindmatch.proto.v1.LogEntry;
import org.blindmatch.proto.v1.LogPosition;
import org.blindmatch.proto.v1.PublishedScope;
import org.blindmatch.proto.v1.RecipientDigest;
import org.blindmatch.proto.v1.RecordMatch;
import org.blindmatch.proto.v1.ResultServiceGrpc;
import org.blindmatch.proto.v1.Results;
import org.blindmatch.proto.v1.RunInput;
import org.blindmatch.proto.v1.RunTranscript;
import org.blindmatch.proto.v1.Scope;
import org.blindmatch.proto.v1.ScopeServiceGrpc;
import org.blindmatch.proto.v1.SignedTranscript;
import org.blindmatch.proto.v1.TierTotals;
import org.blindmatch.proto.v1.TreeHead;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every check {@link RunResults#fetch} makes before results are shown (PROTOCOL.md §7, "Results"),
 * each against a crafted clearinghouse (in-process gRPC) that signs with the published key:
 * what passes, and each way to fail with the message a user sees.
 */
class ResultsVerificationTest {
  private static final String RUN = "run-1";
  private static final String A = "blindmatch://test/platform/a";
  private static final String B = "blindmatch://test/platform/b";
  private static final String NGO = "blindmatch://test/ngo/n";

  private final NodeSigner ch = signer();
  private final AtomicReference<GetResultsResponse> served = new AtomicReference<>();
  private Server server;
  private ManagedChannel channel;

  private static NodeSigner signer() {
    try {
      return NodeSigner.of(NodeSigner.generate());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @BeforeEach
  void fakeClearinghouse() throws Exception {
    PublishedScope published = PublishedScope.newBuilder()
        .setScope(Scope.newBuilder().setId("s").setDigest(ByteString.copyFrom(new byte[32])))
        .setClearinghousePublicKeyset(ch.publicKeysetJson()).build();
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(new ScopeServiceGrpc.ScopeServiceImplBase() {
          @Override
          public void getScope(GetScopeRequest request, StreamObserver<PublishedScope> out) {
            out.onNext(published);
            out.onCompleted();
          }
        })
        .addService(new ResultServiceGrpc.ResultServiceImplBase() {
          @Override
          public void getResults(GetResultsRequest request,
              StreamObserver<GetResultsResponse> out) {
            out.onNext(served.get());
            out.onCompleted();
          }
        })
        .build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  private static final Results A_ROWS = Results.newBuilder().setRunId(RUN).setRecipient(A)
      .addRecordMatches(RecordMatch.newBuilder().setSubmissionId("a1")
          .setRecordHandle(ByteString.copyFrom(new byte[16]))
          .setLabelHandle(ByteString.copyFrom(new byte[16])).setEvents(1)).build();
  private static final Results B_ROWS = A_ROWS.toBuilder().setRecipient(B)
      .setRecordMatches(0, A_ROWS.getRecordMatches(0).toBuilder().setSubmissionId("b1"))
      .build();
  private static final Results NGO_ROWS = Results.newBuilder().setRunId(RUN).setRecipient(NGO)
      .addLabelCounts(LabelCount.newBuilder().setSubmissionId("w1")
          .setLabelHandle(ByteString.copyFrom(new byte[16])).setMatchedRecords(2)
          .setSubmitters(2)).setSuppressed(1).build();
  private static final TierTotals TOTALS = TierTotals.newBuilder().setMatchedRecords(2).build();

  /** The honest transcript: inputs a1 (A), b1 (B), w1 (NGO); a digest per recipient. */
  private static RunTranscript transcript(Results... recipients) {
    RunTranscript.Builder t = RunTranscript.newBuilder().setRunId(RUN)
        .addReportInputs(RunInput.newBuilder().setSubmitter(A).setSubmissionId("a1"))
        .addReportInputs(RunInput.newBuilder().setSubmitter(B).setSubmissionId("b1"))
        .addWatchlistInputs(RunInput.newBuilder().setSubmitter(NGO).setSubmissionId("w1"))
        .addTotals(TOTALS);
    for (Results r : recipients) {
      t.addRecipients(RecipientDigest.newBuilder().setRecipient(r.getRecipient())
          .setResultsSha256(ByteString.copyFrom(Sha256.digest(r.toByteArray()))));
    }
    return t.build();
  }

  /** Serves {@code results} with {@code t} signed, logged at index 0 of a one-leaf tree. */
  private void serve(Results results, RunTranscript t) throws Exception {
    serve(results, t, p -> p);
  }

  private void serve(Results results, RunTranscript t, UnaryOperator<LogPosition> change)
      throws Exception {
    SignedTranscript signed = Transcripts.sign(ch, t);
    byte[] entry = LogEntry.newBuilder().setTranscript(signed).build().toByteArray();
    LogPosition p = LogPosition.newBuilder().setIndex(0).setEntry(ByteString.copyFrom(entry))
        .setTreeHead(TreeHeads.sign(ch, TreeHead.newBuilder().setTreeSize(1)
            .setRootHash(ByteString.copyFrom(MerkleHash.leafHash(entry))).build())).build();
    served.set(GetResultsResponse.newBuilder().setResults(results.toByteString())
        .setTranscript(signed).setTranscriptPosition(change.apply(p)).build());
  }

  private RunResults fetchAs(String me) throws FederationException {
    return RunResults.fetch(FederationClient.overChannel(channel, NodeIdentity.fromUri(me),
        signer()), RUN);
  }

  private String refusedAs(String me) {
    FederationException e = assertThrows(FederationException.class, () -> fetchAs(me));
    assertTrue(e.getMessage().startsWith("run " + RUN + ": results refused: "), e.getMessage());
    return e.getMessage();
  }

  @Test
  void eachRolesOwnResultsPass() throws Exception {
    serve(A_ROWS, transcript(A_ROWS, B_ROWS, NGO_ROWS));
    assertEquals(A_ROWS, fetchAs(A).results());
    serve(NGO_ROWS, transcript(A_ROWS, B_ROWS, NGO_ROWS));
    assertEquals(NGO_ROWS, fetchAs(NGO).results());
    Results op = Results.newBuilder().setRunId(RUN).setRecipient("role:clearinghouse")
        .addTotals(TOTALS).build();
    serve(op, transcript(op));
    assertEquals(op, fetchAs("blindmatch://test/clearinghouse/ch").results());
  }

  @Test
  void anotherPlatformsResultsAreRefused() throws Exception {
    serve(B_ROWS, transcript(A_ROWS, B_ROWS, NGO_ROWS));
    assertTrue(refusedAs(A).contains("addressed to " + B + " in run " + RUN
        + ", not to you (" + A + ")"));
  }

  @Test
  void resultsTheTranscriptDoesNotCommitToForTheCallerAreRefused() throws Exception {
    Results other = A_ROWS.toBuilder().setRecordMatches(0, A_ROWS.getRecordMatches(0)
        .toBuilder().setEvents(9)).build();
    serve(other, transcript(A_ROWS, B_ROWS));
    assertTrue(refusedAs(A).contains("does not commit to the results received for " + A));
  }

  @Test
  void anotherPlatformsRowsAddressedToTheCallerAreRefused() throws Exception {
    Results forged = B_ROWS.toBuilder().setRecipient(A).build();
    serve(forged, transcript(forged));
    assertTrue(refusedAs(A).contains("names submission b1, which is not one of your report "
        + "submissions"));
  }

  @Test
  void aggregatesServedToAPlatformAreRefused() throws Exception {
    Results forged = NGO_ROWS.toBuilder().setRecipient(A).build();
    serve(forged, transcript(forged));
    assertTrue(refusedAs(A).contains("a platform's results carry aggregates"));
  }

  @Test
  void recordLevelRowsServedToTheNgoAreRefused() throws Exception {
    Results forged = A_ROWS.toBuilder().setRecipient(NGO).build();
    serve(forged, transcript(forged));
    assertTrue(refusedAs(NGO).contains("an NGO's results carry record-level rows"));
  }

  @Test
  void operatorTotalsThatDifferFromTheTranscriptAreRefused() throws Exception {
    Results op = Results.newBuilder().setRunId(RUN).setRecipient("role:clearinghouse")
        .addTotals(TOTALS.toBuilder().setMatchedRecords(3)).build();
    serve(op, transcript(op));
    assertTrue(refusedAs("blindmatch://test/clearinghouse/ch")
        .contains("the operator's totals differ from the signed transcript's"));
  }

  @Test
  void aTranscriptWithoutAValidLogPositionIsRefused() throws Exception {
    RunTranscript t = transcript(A_ROWS);
    serve(A_ROWS, t, p -> p.toBuilder().clearEntry().build());
    assertTrue(refusedAs(A).contains("the log position served is not this run's transcript"));
    serve(A_ROWS, t, p -> p.toBuilder().setIndex(1).build());
    assertTrue(refusedAs(A).contains("the transcript is not proven to be in the "
        + "clearinghouse's log"));
    var foreignHead = TreeHeads.sign(signer(), TreeHead.newBuilder().setTreeSize(1).build());
    serve(A_ROWS, t, p -> p.toBuilder().setTreeHead(foreignHead).build());
    assertTrue(refusedAs(A).contains("the transcript is not proven to be in the "
        + "clearinghouse's log"));
  }
}
