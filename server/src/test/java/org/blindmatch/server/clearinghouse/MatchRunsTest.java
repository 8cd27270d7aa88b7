package org.blindmatch.server.clearinghouse;

import static org.blindmatch.server.clearinghouse.DomainFixture.NGO;
import static org.blindmatch.server.clearinghouse.DomainFixture.PLATFORM;
import static org.blindmatch.server.clearinghouse.DomainFixture.records;
import static org.blindmatch.server.clearinghouse.SubmissionsTest.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.blindmatch.core.claims.Transcripts;
import org.blindmatch.proto.v1.LogEntry;
import org.blindmatch.proto.v1.RecipientDigest;
import org.blindmatch.proto.v1.RunTranscript;
import org.blindmatch.proto.v1.SignedTranscript;
import org.blindmatch.server.clearinghouse.ClearinghouseException.Code;
import org.blindmatch.server.store.StoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MatchRunsTest {
  @TempDir Path dir;
  private DomainFixture f;
  private MatchRuns runs;

  @BeforeEach
  void open() throws StoreException {
    f = new DomainFixture(dir);
    runs = new MatchRuns(f.ch, f.metrics);
  }

  @AfterEach
  void close() throws StoreException {
    f.close();
  }

  @Test
  void runSignsStoresAndLogsItsTranscript() throws Exception {
    byte[] shared = records(8, 1);
    f.submit(PLATFORM, "r1", shared);
    f.submit(NGO, "w1", shared);

    SignedTranscript signed = runs.start(f.scope.id(), "");

    RunTranscript t = Transcripts.verify(f.signer.publicKeysetJson(), signed);
    assertEquals(f.scope.id(), t.getScopeId());
    assertEquals("r1", t.getReportInputs(0).getSubmissionId());
    assertEquals("w1", t.getWatchlistInputs(0).getSubmissionId());
    Set<String> recipients = t.getRecipientsList().stream().map(RecipientDigest::getRecipient)
        .collect(Collectors.toSet());
    assertTrue(recipients.containsAll(Set.of(PLATFORM.uri().toString(),
        NGO.uri().toString(), MatchRuns.OPERATOR)), recipients.toString());
    assertEquals(signed.toByteString(),
        com.google.protobuf.ByteString.copyFrom(
            f.store.transcript(t.getRunId()).orElseThrow()));
    long last = f.ch.log().size() - 1;
    assertEquals(signed,
        LogEntry.parseFrom(f.ch.log().entries(last, last + 1).get(0)).getTranscript());
  }

  @Test
  void refusesAnUnpublishedScope() {
    assertRefused(Code.NOT_FOUND, "scope other is not published here (published: "
        + f.scope.id() + ")", () -> runs.start("other", ""));
  }

  @Test
  void refusesToRunWithoutBothSides() throws Exception {
    f.submit(PLATFORM, "r1", records(4, 2));
    assertRefused(Code.FAILED_PRECONDITION, "nothing to match: scope " + f.scope.id()
        + " needs at least one report and one watchlist submission under the same key id",
        () -> runs.start(f.scope.id(), ""));
  }

}
