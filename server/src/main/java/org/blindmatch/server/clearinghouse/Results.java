package org.blindmatch.server.clearinghouse;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Optional;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.proto.v1.GetResultsResponse;
import org.blindmatch.proto.v1.SignedTranscript;
import org.blindmatch.server.clearinghouse.ClearinghouseException.Code;
import org.blindmatch.server.store.StoreException;

/**
 * Hands each caller exactly its own results of a run, with the signed transcript: a
 * submitter by its certificate identity, the operator (any clearinghouse-role identity) the
 * totals. Nobody can name another recipient. Thread-safe.
 */
final class Results {
  private final Clearinghouse ch;

  Results(Clearinghouse ch) {
    this.ch = ch;
  }

  /**
   * The results of run {@code runId} for {@code caller}, with the run's signed transcript.
   *
   * @throws ClearinghouseException {@code NOT_FOUND} if the run is unknown or has no results
   *     for the caller; {@code DATA_LOSS} if the stored transcript does not parse
   */
  GetResultsResponse forCaller(NodeIdentity caller, String runId)
      throws ClearinghouseException, StoreException {
    String recipient = caller.role() == Role.CLEARINGHOUSE
        ? MatchRuns.OPERATOR : caller.uri().toString();
    Optional<byte[]> transcript = ch.transcripts().transcript(runId);
    Optional<byte[]> results = transcript.isEmpty() ? Optional.empty()
        : ch.results().result(runId, recipient);
    if (results.isEmpty()) {
      throw new ClearinghouseException(Code.NOT_FOUND, "no results for " + recipient
          + " in run " + runId);
    }
    try {
      return GetResultsResponse.newBuilder()
          .setResults(ByteString.copyFrom(results.get()))
          .setTranscript(SignedTranscript.parseFrom(transcript.get()))
          .build();
    } catch (InvalidProtocolBufferException e) {
      throw new ClearinghouseException(Code.DATA_LOSS, "stored transcript is corrupt", e);
    }
  }
}
