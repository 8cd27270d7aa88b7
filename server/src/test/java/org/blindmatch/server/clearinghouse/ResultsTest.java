package org.blindmatch.server.clearinghouse;

import static org.blindmatch.server.clearinghouse.DomainFixture.CH;
import static org.blindmatch.server.clearinghouse.DomainFixture.NGO;
import static org.blindmatch.server.clearinghouse.DomainFixture.PLATFORM;
import static org.blindmatch.server.clearinghouse.DomainFixture.records;
import static org.blindmatch.server.clearinghouse.SubmissionsTest.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.blindmatch.crypto.hash.Sha256;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.proto.v1.GetResultsResponse;
import org.blindmatch.proto.v1.RecipientDigest;
import org.blindmatch.proto.v1.RunTranscript;
import org.blindmatch.proto.v1.SignedTranscript;
import org.blindmatch.server.clearinghouse.ClearinghouseException.Code;
import org.blindmatch.server.store.StoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsTest {
  @TempDir Path dir;
  private DomainFixture f;
  private Results results;
  private SignedTranscript signed;
  private RunTranscript transcript;

  @BeforeEach
  void run() throws Exception {
    f = new DomainFixture(dir);
    results = new Results(f.ch);
    byte[] shared = records(6, 1);
    f.submit(PLATFORM, "r1", shared);
    f.submit(NGO, "w1", shared);
    signed = new MatchRuns(f.ch, f.metrics).start(f.scope.id(), "");
    transcript = RunTranscript.parseFrom(signed.getTranscript());
  }

  @AfterEach
  void close() throws StoreException {
    f.close();
  }

  @Test
  void eachCallerGetsItsOwnResultsWithTheTranscript() throws Exception {
    assertOwn(PLATFORM, PLATFORM.uri().toString());
    assertOwn(NGO, NGO.uri().toString());
    assertOwn(CH, MatchRuns.OPERATOR);
  }

  @Test
  void nobodyElseGetsAny() {
    NodeIdentity stranger = NodeIdentity.fromUri("blindmatch://test/platform/other");
    assertRefused(Code.NOT_FOUND, "no results for " + stranger.uri() + " in run "
        + transcript.getRunId(), () -> results.forCaller(stranger, transcript.getRunId()));
    assertRefused(Code.NOT_FOUND, "no results for " + PLATFORM.uri() + " in run run-x",
        () -> results.forCaller(PLATFORM, "run-x"));
  }

  @Test
  void theTranscriptComesWithItsLogPosition() throws Exception {
    GetResultsResponse r = results.forCaller(PLATFORM, transcript.getRunId());
    org.blindmatch.proto.v1.LogPosition p = r.getTranscriptPosition();
    assertEquals(org.blindmatch.proto.v1.LogEntry.newBuilder().setTranscript(signed).build()
        .toByteString(), p.getEntry());
    org.blindmatch.core.claims.LogPositions.verify(f.ch.signer().publicKeysetJson(), p);
  }

  @Test
  void eachCallerListsOnlyTheRunsItHasResultsIn() throws Exception {
    RunTranscript second = RunTranscript.parseFrom(new MatchRuns(f.ch, f.metrics)
        .start(f.scope.id(), "").getTranscript());
    var list = results.list(PLATFORM).getRunsList();
    assertEquals(2, list.size());
    // oldest first; both started in the fixture's one second, so the run id breaks the tie
    assertEquals(java.util.stream.Stream.of(transcript.getRunId(), second.getRunId()).sorted()
        .toList(), list.stream().map(s -> s.getRunId()).toList());
    assertEquals(6L, list.get(0).getTiersList().stream()
        .mapToLong(t -> t.getMatchedRecords()).sum(), list.toString());
    assertEquals(2, results.list(NGO).getRunsCount());
    assertEquals(2, results.list(CH).getRunsCount());
    assertEquals(0, results.list(NodeIdentity.fromUri("blindmatch://test/platform/other"))
        .getRunsCount());
  }

  private void assertOwn(NodeIdentity caller, String recipient) throws Exception {
    GetResultsResponse r = results.forCaller(caller, transcript.getRunId());
    assertEquals(signed, r.getTranscript());
    RecipientDigest digest = transcript.getRecipientsList().stream()
        .filter(d -> d.getRecipient().equals(recipient)).findFirst().orElseThrow();
    assertEquals(digest.getResultsSha256(),
        com.google.protobuf.ByteString.copyFrom(Sha256.digest(r.getResults().toByteArray())));
  }
}
