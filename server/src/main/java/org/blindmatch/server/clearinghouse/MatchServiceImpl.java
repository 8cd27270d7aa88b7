package org.blindmatch.server.clearinghouse;

import org.blindmatch.crypto.hash.Sha256;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.blindmatch.proto.v1.LabelCount;
import org.blindmatch.proto.v1.LogEntry;
import org.blindmatch.proto.v1.RecipientDigest;
import org.blindmatch.proto.v1.RecordMatch;
import org.blindmatch.proto.v1.Results;
import org.blindmatch.proto.v1.RunInput;
import org.blindmatch.proto.v1.RunTranscript;
import org.blindmatch.proto.v1.SignedTranscript;
import org.blindmatch.proto.v1.StartRunRequest;
import org.blindmatch.proto.v1.MatchServiceGrpc;
import org.blindmatch.proto.v1.SubmissionRole;
import org.blindmatch.proto.v1.TierTotals;
import org.blindmatch.server.match.MatchEngine;
import org.blindmatch.server.match.MatchInput;
import org.blindmatch.server.match.MatchOutcome;
import org.blindmatch.server.store.StoreException;
import org.blindmatch.server.store.StoredSubmission;

/**
 * Runs matches: per accepted key id, every report submission of the scope against every
 * watchlist submission, then splits the outcome per recipient, stores each recipient's
 * results and the signed transcript that commits to their digests. Runs are serialised.
 */
final class MatchServiceImpl extends MatchServiceGrpc.MatchServiceImplBase {
  /** Recipient key under which operator totals are stored. */
  static final String OPERATOR = "role:clearinghouse";

  private final Clearinghouse ch;
  private final MatchEngine engine = new MatchEngine();
  private final SecureRandom random = new SecureRandom();

  MatchServiceImpl(Clearinghouse ch) {
    this.ch = ch;
  }

  @Override
  public void startRun(StartRunRequest request, StreamObserver<SignedTranscript> response) {
    try {
      response.onNext(run(request));
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
    ch.store().purgeExpired(now);
    String runId = "run-" + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
        .withZone(ZoneOffset.UTC).format(now) + "-" + HexFormat.of().formatHex(randomBytes());
    RunTranscript.Builder transcript = RunTranscript.newBuilder()
        .setRunId(runId)
        .setScopeId(ch.scope().id())
        .setScopeDigest(ByteString.copyFrom(ch.scope().digest()))
        .setKThreshold(ch.kThreshold())
        .setStartedAt(now.getEpochSecond())
        .setClearinghouse(ch.identity().uri().toString());
    Map<String, Results.Builder> perRecipient = new LinkedHashMap<>();
    Map<Integer, long[]> totals = new TreeMap<>();
    boolean any = false;
    for (int keyId : ch.allKeyIds()) {
      List<StoredSubmission> reports = ch.store().list(ch.scope().digest(), keyId,
          SubmissionRole.SUBMISSION_ROLE_REPORT_VALUE);
      List<StoredSubmission> watchlists = ch.store().list(ch.scope().digest(), keyId,
          SubmissionRole.SUBMISSION_ROLE_WATCHLIST_VALUE);
      for (StoredSubmission s : reports) {
        transcript.addReportInputs(input(s));
        results(perRecipient, runId, s.spec().submitter());
      }
      for (StoredSubmission s : watchlists) {
        transcript.addWatchlistInputs(input(s));
        results(perRecipient, runId, s.spec().submitter());
      }
      if (reports.isEmpty() || watchlists.isEmpty()) {
        continue;
      }
      any = true;
      MatchOutcome outcome = engine.run(inputs(reports), inputs(watchlists));
      for (int i = 0; i < reports.size(); i++) {
        Results.Builder r = results(perRecipient, runId, reports.get(i).spec().submitter());
        for (MatchOutcome.RecordMatch m : outcome.recordMatches().get(i)) {
          r.addRecordMatches(RecordMatch.newBuilder()
              .setSubmissionId(SubmissionIds.clientId(reports.get(i).spec().submissionId()))
              .setRecordHandle(ByteString.copyFrom(m.recordHandle()))
              .setLabelHandle(ByteString.copyFrom(m.labelHandle()))
              .setTier(m.tier())
              .setEvents(m.events()));
        }
      }
      for (int j = 0; j < watchlists.size(); j++) {
        Results.Builder r = results(perRecipient, runId, watchlists.get(j).spec().submitter());
        for (MatchOutcome.LabelCount c : outcome.labelCounts().get(j)) {
          if (c.matchedRecords() < ch.kThreshold()) {
            r.setSuppressed(r.getSuppressed() + 1);
            continue;
          }
          r.addLabelCounts(LabelCount.newBuilder()
              .setSubmissionId(SubmissionIds.clientId(watchlists.get(j).spec().submissionId()))
              .setLabelHandle(ByteString.copyFrom(c.labelHandle()))
              .setTier(c.tier())
              .setMatchedRecords(c.matchedRecords())
              .setSubmitters(c.submitters()));
        }
      }
      for (MatchOutcome.TierTotals t : outcome.totals()) {
        long[] acc = totals.computeIfAbsent(t.tier(), k -> new long[4]);
        acc[0] += t.matchedRecords();
        acc[1] += t.matchedEvents();
        acc[2] += t.matchedLabels();
        acc[3] += t.submitters();
      }
    }
    if (!any) {
      throw Status.FAILED_PRECONDITION.withDescription("nothing to match: scope "
          + ch.scope().id() + " needs at least one report and one watchlist submission "
          + "under the same key id").asRuntimeException();
    }
    List<TierTotals> tierTotals = new ArrayList<>();
    for (Map.Entry<Integer, long[]> e : totals.entrySet()) {
      tierTotals.add(TierTotals.newBuilder().setTier(e.getKey())
          .setMatchedRecords(e.getValue()[0]).setMatchedEvents(e.getValue()[1])
          .setMatchedLabels(e.getValue()[2]).setSubmitters(e.getValue()[3]).build());
    }
    transcript.addAllTotals(tierTotals);
    results(perRecipient, runId, OPERATOR).addAllTotals(tierTotals);
    for (Map.Entry<String, Results.Builder> e : perRecipient.entrySet()) {
      byte[] bytes = e.getValue().build().toByteArray();
      ch.store().putRecord(Clearinghouse.RESULTS, runId + "|" + e.getKey(), bytes);
      transcript.addRecipients(RecipientDigest.newBuilder().setRecipient(e.getKey())
          .setResultsSha256(ByteString.copyFrom(Sha256.digest(bytes))));
    }
    byte[] transcriptBytes = transcript.build().toByteArray();
    SignedTranscript signed = SignedTranscript.newBuilder()
        .setTranscript(ByteString.copyFrom(transcriptBytes))
        .setSignature(ByteString.copyFrom(ch.signer().sign(transcriptBytes)))
        .build();
    ch.store().putRecord(Clearinghouse.TRANSCRIPTS, runId, signed.toByteArray());
    ch.log().append(Clearinghouse.transcriptLogKey(runId),
        LogEntry.newBuilder().setTranscript(signed).build().toByteArray());
    return signed;
  }

  private static Results.Builder results(Map<String, Results.Builder> perRecipient,
      String runId, String recipient) {
    return perRecipient.computeIfAbsent(recipient,
        k -> Results.newBuilder().setRunId(runId).setRecipient(k));
  }

  private List<MatchInput> inputs(List<StoredSubmission> subs) {
    List<MatchInput> out = new ArrayList<>();
    for (StoredSubmission s : subs) {
      String id = s.spec().submissionId();
      out.add(new MatchInput(id, s.spec().submitter(), () -> {
        try {
          return ch.store().openRecords(id);
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
