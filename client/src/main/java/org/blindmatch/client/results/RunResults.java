package org.blindmatch.client.results;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.StatusRuntimeException;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.federation.FederationException;
import org.blindmatch.core.claims.ClaimVerificationException;
import org.blindmatch.core.claims.LogPositions;
import org.blindmatch.core.claims.Transcripts;
import org.blindmatch.core.match.MatchRun;
import org.blindmatch.crypto.hash.Sha256;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.proto.v1.GetResultsRequest;
import org.blindmatch.proto.v1.GetResultsResponse;
import org.blindmatch.proto.v1.LabelCount;
import org.blindmatch.proto.v1.ListResultsRequest;
import org.blindmatch.proto.v1.LogEntry;
import org.blindmatch.proto.v1.RecipientDigest;
import org.blindmatch.proto.v1.RecordMatch;
import org.blindmatch.proto.v1.Results;
import org.blindmatch.proto.v1.ResultsSummary;
import org.blindmatch.proto.v1.RunInput;
import org.blindmatch.proto.v1.RunTranscript;
import org.blindmatch.proto.v1.TreeHead;

/**
 * The caller's results of a run, fetched and checked before anything is shown (PROTOCOL.md
 * §7, "Results"): the transcript is signed by the clearinghouse's published key and is in
 * its log (an inclusion proof against a head that key signed); the transcript names the
 * caller as a recipient with the SHA-256 of exactly these results; and the results have the
 * caller's role's shape — a platform record-level rows of its own report submissions only, an NGO
 * label aggregates of its own watchlist submissions only, the operator the transcript's totals
 * only.
 *
 * @param results the caller's results
 * @param transcript the verified run transcript
 * @param logIndex the transcript's index in the log
 * @param head the signed tree head the transcript was proven included in
 */
public record RunResults(Results results, RunTranscript transcript, long logIndex,
    TreeHead head) {

  /**
   * The runs the caller has results in, oldest first (an unverified summary: fetch a run to
   * act on it).
   *
   * @throws FederationException if the call fails
   */
  public static List<ResultsSummary> list(FederationClient client) throws FederationException {
    try {
      return client.results().listResults(ListResultsRequest.getDefaultInstance())
          .getRunsList();
    } catch (StatusRuntimeException e) {
      throw new FederationException("cannot list your results: " + FederationClient.describe(e));
    }
  }

  /**
   * The id of the caller's latest run (the last {@link #list}).
   *
   * @throws FederationException if the call fails or the caller has results in no run
   */
  public static String latestRunId(FederationClient client) throws FederationException {
    List<ResultsSummary> runs = list(client);
    if (runs.isEmpty()) {
      throw new FederationException("you have results in no run yet (no match run has used "
          + "a submission of " + client.identity().uri() + "); ask the operator to run one");
    }
    return runs.get(runs.size() - 1).getRunId();
  }

  /**
   * Fetches and verifies the caller's results of run {@code runId}.
   *
   * @throws FederationException if the server refuses, or any check above fails (the message
   *     says which; nothing of the results is returned)
   */
  public static RunResults fetch(FederationClient client, String runId) throws FederationException {
    String key = client.publishedScope().getClearinghousePublicKeyset();
    GetResultsResponse response;
    try {
      response = client.results().getResults(GetResultsRequest.newBuilder()
          .setRunId(runId).build());
    } catch (StatusRuntimeException e) {
      throw new FederationException("cannot get results of " + runId + ": "
          + FederationClient.describe(e));
    }
    RunTranscript transcript;
    try {
      transcript = Transcripts.verify(key, response.getTranscript());
    } catch (ClaimVerificationException e) {
      throw refused(runId, "the transcript signature does not verify against the "
          + "clearinghouse's published key");
    }
    if (!transcript.getRunId().equals(runId)) {
      throw refused(runId, "the signed transcript is of run " + transcript.getRunId());
    }
    TreeHead head;
    try {
      LogEntry entry = LogEntry.parseFrom(response.getTranscriptPosition().getEntry());
      if (!entry.hasTranscript() || !entry.getTranscript().equals(response.getTranscript())) {
        throw refused(runId, "the log position served is not this run's transcript");
      }
      head = LogPositions.verify(key, response.getTranscriptPosition());
    } catch (InvalidProtocolBufferException e) {
      throw refused(runId, "the transcript's log position is malformed");
    } catch (ClaimVerificationException e) {
      throw refused(runId, "the transcript is not proven to be in the clearinghouse's log: "
          + e.getMessage());
    }
    Results results;
    try {
      results = Results.parseFrom(response.getResults());
    } catch (InvalidProtocolBufferException e) {
      throw refused(runId, "the results are malformed: " + e.getMessage());
    }
    NodeIdentity me = client.identity();
    String recipient = me.role() == Role.CLEARINGHOUSE ? MatchRun.OPERATOR : me.uri().toString();
    if (!results.getRecipient().equals(recipient) || !results.getRunId().equals(runId)) {
      throw refused(runId, "the results served are addressed to " + results.getRecipient()
          + " in run " + results.getRunId() + ", not to you (" + recipient + ")");
    }
    byte[] digest = Sha256.digest(response.getResults().toByteArray());
    boolean committed = false;
    for (RecipientDigest d : transcript.getRecipientsList()) {
      if (d.getRecipient().equals(recipient)
          && MessageDigest.isEqual(d.getResultsSha256().toByteArray(), digest)) {
        committed = true;
      }
    }
    if (!committed) {
      throw refused(runId, "the signed transcript does not commit to the results received for "
          + recipient);
    }
    checkShape(runId, me, transcript, results);
    return new RunResults(results, transcript, response.getTranscriptPosition().getIndex(),
        head);
  }

  /** The role's shape: see the class comment. */
  private static void checkShape(String runId, NodeIdentity me, RunTranscript t, Results r)
      throws FederationException {
    switch (me.role()) {
      case PLATFORM -> {
        if (r.getLabelCountsCount() > 0 || r.getTotalsCount() > 0 || r.getSuppressed() != 0) {
          throw refused(runId, "a platform's results carry aggregates (label counts, totals or "
              + "a suppressed count), which only an NGO or the operator receives");
        }
        Set<String> mine = own(t.getReportInputsList(), me);
        for (RecordMatch m : r.getRecordMatchesList()) {
          if (!mine.contains(m.getSubmissionId())) {
            throw refused(runId, "a result row names submission " + m.getSubmissionId()
                + ", which is not one of your report submissions in this run");
          }
        }
      }
      case NGO -> {
        if (r.getRecordMatchesCount() > 0 || r.getTotalsCount() > 0) {
          throw refused(runId, "an NGO's results carry record-level rows or totals; an NGO "
              + "receives per-label aggregates only");
        }
        Set<String> mine = own(t.getWatchlistInputsList(), me);
        for (LabelCount c : r.getLabelCountsList()) {
          if (!mine.contains(c.getSubmissionId())) {
            throw refused(runId, "a label aggregate names submission " + c.getSubmissionId()
                + ", which is not one of your watchlist submissions in this run");
          }
        }
      }
      case CLEARINGHOUSE -> {
        // A suppressed count is allowed: disclosure control may suppress tier totals.
        if (r.getRecordMatchesCount() > 0 || r.getLabelCountsCount() > 0) {
          throw refused(runId, "the operator's results carry record-level rows or label "
              + "aggregates; the operator receives totals only");
        }
        if (!r.getTotalsList().equals(t.getTotalsList())) {
          throw refused(runId, "the operator's totals differ from the signed transcript's");
        }
      }
      default -> throw refused(runId, "a " + me.role().id() + " receives no results");
    }
  }

  private static Set<String> own(List<RunInput> inputs, NodeIdentity me) {
    Set<String> ids = new HashSet<>();
    for (RunInput in : inputs) {
      if (in.getSubmitter().equals(me.uri().toString())) {
        ids.add(in.getSubmissionId());
      }
    }
    return ids;
  }

  private static FederationException refused(String runId, String why) {
    return new FederationException("run " + runId + ": results refused: " + why);
  }
}
