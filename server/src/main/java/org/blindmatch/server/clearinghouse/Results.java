package org.blindmatch.server.clearinghouse;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.proto.v1.GetResultsResponse;
import org.blindmatch.proto.v1.LabelCount;
import org.blindmatch.proto.v1.ListResultsResponse;
import org.blindmatch.proto.v1.LogEntry;
import org.blindmatch.proto.v1.RecipientDigest;
import org.blindmatch.proto.v1.RecordMatch;
import org.blindmatch.proto.v1.ResultsSummary;
import org.blindmatch.proto.v1.ResultsTierCount;
import org.blindmatch.proto.v1.RunTranscript;
import org.blindmatch.proto.v1.SignedTranscript;
import org.blindmatch.proto.v1.TierTotals;
import org.blindmatch.server.clearinghouse.ClearinghouseException.Code;
import org.blindmatch.server.store.StoreException;

/**
 * Hands each caller exactly its own results of a run, with the signed transcript and where
 * that transcript is in the log: a submitter by its certificate identity, the operator (any
 * clearinghouse-role identity) the totals. Nobody can name another recipient. Lists the runs
 * a caller has results in. Thread-safe.
 */
final class Results {
  private final Clearinghouse ch;

  Results(Clearinghouse ch) {
    this.ch = ch;
  }

  /** The recipient name {@code caller}'s results are kept under. */
  static String recipient(NodeIdentity caller) {
    return caller.role() == Role.CLEARINGHOUSE ? MatchRuns.OPERATOR : caller.uri().toString();
  }

  /**
   * The results of run {@code runId} for {@code caller}, with the run's signed transcript and
   * its log position.
   *
   * @throws ClearinghouseException {@code NOT_FOUND} if the run is unknown or has no results
   *     for the caller; {@code DATA_LOSS} if the stored transcript does not parse;
   *     {@code FAILED_PRECONDITION} if the transcript is not (yet) in the log
   */
  GetResultsResponse forCaller(NodeIdentity caller, String runId)
      throws ClearinghouseException, StoreException {
    String recipient = recipient(caller);
    Optional<byte[]> transcript = ch.transcripts().transcript(runId);
    Optional<byte[]> results = transcript.isEmpty() ? Optional.empty()
        : ch.results().result(runId, recipient);
    if (results.isEmpty()) {
      throw new ClearinghouseException(Code.NOT_FOUND, "no results for " + recipient
          + " in run " + runId);
    }
    SignedTranscript signed = signed(runId, transcript.get());
    byte[] entry = LogEntry.newBuilder().setTranscript(signed).build().toByteArray();
    OptionalLong index = ch.log().indexOf(Clearinghouse.transcriptLogKey(runId));
    if (index.isEmpty()) {
      // MatchRuns stores the transcript before it logs it, and LogBackfill logs any a crash
      // left out at start-up: a short window, or an operator problem; never served unlogged.
      throw new ClearinghouseException(Code.FAILED_PRECONDITION, "the transcript of run " + runId
          + " is not in the log yet; try again");
    }
    try {
      return GetResultsResponse.newBuilder()
          .setResults(ByteString.copyFrom(results.get()))
          .setTranscript(signed)
          .setTranscriptPosition(ch.log().position(index.getAsLong(), entry))
          .build();
    } catch (GeneralSecurityException e) {
      throw new ClearinghouseException(Code.INTERNAL, "cannot sign a tree head", e);
    }
  }

  /**
   * Every run {@code caller} has results in, oldest first, each summarised from the stored
   * results.
   *
   * @throws ClearinghouseException {@code DATA_LOSS} if a stored transcript or results value
   *     does not parse
   */
  ListResultsResponse list(NodeIdentity caller) throws ClearinghouseException, StoreException {
    String recipient = recipient(caller);
    List<ResultsSummary> runs = new ArrayList<>();
    for (String runId : ch.transcripts().transcriptRunIds()) {
      Optional<byte[]> bytes = ch.transcripts().transcript(runId);
      if (bytes.isEmpty()) {
        continue;
      }
      RunTranscript t;
      try {
        t = RunTranscript.parseFrom(signed(runId, bytes.get()).getTranscript());
      } catch (InvalidProtocolBufferException e) {
        throw new ClearinghouseException(Code.DATA_LOSS, "stored transcript of run " + runId
            + " is corrupt", e);
      }
      if (t.getRecipientsList().stream().map(RecipientDigest::getRecipient)
          .noneMatch(recipient::equals)) {
        continue;
      }
      Optional<byte[]> stored = ch.results().result(runId, recipient);
      if (stored.isEmpty()) {
        continue;
      }
      org.blindmatch.proto.v1.Results r;
      try {
        r = org.blindmatch.proto.v1.Results.parseFrom(stored.get());
      } catch (InvalidProtocolBufferException e) {
        throw new ClearinghouseException(Code.DATA_LOSS, "stored results of run " + runId
            + " are corrupt", e);
      }
      runs.add(ResultsSummary.newBuilder().setRunId(runId).setStartedAt(t.getStartedAt())
          .setScopeId(t.getScopeId()).addAllTiers(tiers(r)).setSuppressed(r.getSuppressed())
          .build());
    }
    runs.sort(Comparator.comparingLong(ResultsSummary::getStartedAt)
        .thenComparing(ResultsSummary::getRunId));
    return ListResultsResponse.newBuilder().addAllRuns(runs).build();
  }

  /** Per tier (ascending, unsigned): rows and matched records, see ResultsTierCount. */
  private static List<ResultsTierCount> tiers(org.blindmatch.proto.v1.Results r) {
    TreeMap<Integer, long[]> counts = new TreeMap<>(Integer::compareUnsigned);
    TreeMap<Integer, Set<ByteString>> records = new TreeMap<>(Integer::compareUnsigned);
    for (RecordMatch m : r.getRecordMatchesList()) {
      counts.computeIfAbsent(m.getTier(), t -> new long[2])[0]++;
      records.computeIfAbsent(m.getTier(), t -> new HashSet<>())
          .add(m.getRecordHandle().concat(ByteString.copyFromUtf8(m.getSubmissionId())));
    }
    records.forEach((tier, set) -> counts.get(tier)[1] = set.size());
    for (LabelCount c : r.getLabelCountsList()) {
      long[] n = counts.computeIfAbsent(c.getTier(), t -> new long[2]);
      n[0]++;
      n[1] += c.getMatchedRecords();
    }
    for (TierTotals t : r.getTotalsList()) {
      long[] n = counts.computeIfAbsent(t.getTier(), x -> new long[2]);
      n[0]++;
      n[1] += t.getMatchedRecords();
    }
    List<ResultsTierCount> out = new ArrayList<>();
    counts.forEach((tier, n) -> out.add(ResultsTierCount.newBuilder().setTier(tier)
        .setRows(n[0]).setMatchedRecords(n[1]).build()));
    return out;
  }

  private static SignedTranscript signed(String runId, byte[] bytes)
      throws ClearinghouseException {
    try {
      return SignedTranscript.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new ClearinghouseException(Code.DATA_LOSS, "stored transcript of run " + runId
          + " is corrupt", e);
    }
  }
}
