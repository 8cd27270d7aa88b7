package org.blindmatch.server.clearinghouse;

import org.blindmatch.core.claims.Transcripts;
import org.blindmatch.crypto.hash.Sha256;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.blindmatch.proto.v1.LogEntry;
import org.blindmatch.proto.v1.RecipientDigest;
import org.blindmatch.proto.v1.Results;
import org.blindmatch.proto.v1.RunInput;
import org.blindmatch.proto.v1.RunTranscript;
import org.blindmatch.proto.v1.SignedTranscript;
import org.blindmatch.proto.v1.StartRunRequest;
import org.blindmatch.proto.v1.MatchServiceGrpc;
import org.blindmatch.proto.v1.SubmissionRole;
import org.blindmatch.core.match.MatchInput;
import org.blindmatch.core.match.MatchRun;
import org.blindmatch.server.metrics.ServerMetrics;
import org.blindmatch.server.store.StoreException;
import org.blindmatch.server.store.StoredSubmission;

/**
 * Runs matches: per accepted key id, every report submission of the scope against every
 * watchlist submission, then splits the outcome per recipient, stores each recipient's
 * results and the signed transcript that commits to their digests. Runs are serialised.
 */
final class MatchServiceImpl extends MatchServiceGrpc.MatchServiceImplBase {
  /** Recipient key under which operator totals are stored. */
  static final String OPERATOR = MatchRun.OPERATOR;

  private final Clearinghouse ch;
  private final MatchRun matchRun = new MatchRun();
  private final SecureRandom random = new SecureRandom();

  private final ServerMetrics metrics;

  MatchServiceImpl(Clearinghouse ch, ServerMetrics metrics) {
    this.ch = ch;
    this.metrics = metrics;
  }

  @Override
  public void startRun(StartRunRequest request, StreamObserver<SignedTranscript> response) {
    long start = System.nanoTime();
    try {
      SignedTranscript transcript;
      String outcome = "failed";
      try {
        transcript = run(request);
        outcome = "ok";
      } finally {
        metrics.matchRun(outcome, Duration.ofNanos(System.nanoTime() - start));
      }
      response.onNext(transcript);
      response.onCompleted();
    } catch (StatusRuntimeException e) {
      response.onError(e);
    } catch (StoreException e) {
      response.onError(StoreStatus.of(e));
    } catch (IOException | UncheckedIOException | GeneralSecurityException e) {
      response.onError(Status.INTERNAL.withDescription("match run failed: " + e.getMessage())
          .asRuntimeException());
    }
  }

  private synchronized SignedTranscript run(StartRunRequest request)
      throws StoreException, IOException, GeneralSecurityException {
    if (!request.getScopeId().equals(ch.scope().id())) {
      throw Status.NOT_FOUND.withDescription("scope " + request.getScopeId()
          + " is not published here (published: " + ch.scope().id() + ")").asRuntimeException();
    }
    Instant now = ch.clock().instant();
    ch.submissions().purgeExpired(now);
    String runId = "run-" + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
        .withZone(ZoneOffset.UTC).format(now) + "-" + HexFormat.of().formatHex(randomBytes());
    RunTranscript.Builder transcript = RunTranscript.newBuilder()
        .setRunId(runId)
        .setScopeId(ch.scope().id())
        .setScopeDigest(ByteString.copyFrom(ch.scope().digest()))
        .setKThreshold(ch.kThreshold())
        .setStartedAt(now.getEpochSecond())
        .setClearinghouse(ch.identity().uri().toString());
    List<MatchRun.KeyGroup> groups = new ArrayList<>();
    OwnRecords own = new OwnRecords(ch);
    for (int keyId : ch.allKeyIds()) {
      List<StoredSubmission> reports = verified(own, ch.submissions().list(ch.scope().digest(), keyId,
          SubmissionRole.SUBMISSION_ROLE_REPORT_VALUE));
      List<StoredSubmission> watchlists = verified(own, ch.submissions().list(ch.scope().digest(),
          keyId, SubmissionRole.SUBMISSION_ROLE_WATCHLIST_VALUE));
      for (StoredSubmission s : reports) {
        transcript.addReportInputs(input(s));
      }
      for (StoredSubmission s : watchlists) {
        transcript.addWatchlistInputs(input(s));
      }
      groups.add(new MatchRun.KeyGroup(keyId, inputs(reports), inputs(watchlists)));
    }
    if (groups.stream().noneMatch(MatchRun.KeyGroup::joinable)) {
      throw Status.FAILED_PRECONDITION.withDescription("nothing to match: scope "
          + ch.scope().id() + " needs at least one report and one watchlist submission "
          + "under the same key id").asRuntimeException();
    }
    MatchRun.Outcome outcome = matchRun.compute(runId, ch.kThreshold(), groups);
    transcript.addAllTotals(outcome.totals());
    for (Map.Entry<String, Results> e : outcome.results().entrySet()) {
      byte[] bytes = e.getValue().toByteArray();
      ch.results().putResult(runId, e.getKey(), bytes);
      transcript.addRecipients(RecipientDigest.newBuilder().setRecipient(e.getKey())
          .setResultsSha256(ByteString.copyFrom(Sha256.digest(bytes))));
    }
    SignedTranscript signed = Transcripts.sign(ch.signer(), transcript.build());
    ch.transcripts().putTranscript(runId, signed.toByteArray());
    ch.log().append(Clearinghouse.transcriptLogKey(runId),
        LogEntry.newBuilder().setTranscript(signed).build().toByteArray());
    return signed;
  }

  /**
   * {@code subs}, each checked to be a submission this clearinghouse committed (its signed
   * receipt commits to the row's root, count and key id), so a run never uses, and its
   * transcript never signs, a row written into the store by someone else.
   */
  private static List<StoredSubmission> verified(OwnRecords own, List<StoredSubmission> subs) {
    for (StoredSubmission s : subs) {
      try {
        own.receipt(s);
      } catch (StoreException e) {
        throw Status.DATA_LOSS.withDescription("cannot run: " + e.getMessage())
            .asRuntimeException();
      }
    }
    return subs;
  }

  private List<MatchInput> inputs(List<StoredSubmission> subs) {
    List<MatchInput> out = new ArrayList<>();
    for (StoredSubmission s : subs) {
      String id = s.spec().submissionId();
      out.add(new MatchInput(SubmissionIds.clientId(id), s.spec().submitter(), () -> {
        try {
          return ch.submissions().openRecords(id);
        } catch (StoreException e) {
          throw new IOException(e.getMessage(), e);
        }
      }));
    }
    return out;
  }

  private static RunInput input(StoredSubmission s) {
    return RunInput.newBuilder()
        .setSubmissionId(SubmissionIds.clientId(s.spec().submissionId()))
        .setSubmitter(s.spec().submitter())
        .setMerkleRoot(ByteString.copyFrom(s.merkleRoot()))
        .setRecordCount(s.records())
        .setKeyId(s.spec().keyId())
        .build();
  }

  private byte[] randomBytes() {
    byte[] b = new byte[4];
    random.nextBytes(b);
    return b;
  }
}
