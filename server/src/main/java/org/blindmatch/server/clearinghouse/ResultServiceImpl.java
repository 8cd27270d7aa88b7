package org.blindmatch.server.clearinghouse;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.proto.v1.GetResultsRequest;
import org.blindmatch.proto.v1.GetResultsResponse;
import org.blindmatch.proto.v1.ResultServiceGrpc;
import org.blindmatch.proto.v1.SignedTranscript;
import org.blindmatch.server.security.CallerIdentity;
import org.blindmatch.server.store.StoreException;

/**
 * Hands each caller exactly its own results of a run, with the signed transcript: a
 * submitter by its certificate identity, the operator (any clearinghouse-role identity) the
 * totals. Nobody can name another recipient.
 */
final class ResultServiceImpl extends ResultServiceGrpc.ResultServiceImplBase {
  private final Clearinghouse ch;

  ResultServiceImpl(Clearinghouse ch) {
    this.ch = ch;
  }

  @Override
  public void getResults(GetResultsRequest request, StreamObserver<GetResultsResponse> response) {
    NodeIdentity caller = CallerIdentity.current();
    String recipient = caller.role() == Role.CLEARINGHOUSE
        ? MatchServiceImpl.OPERATOR : caller.uri().toString();
    try {
      Optional<byte[]> transcript = ch.transcripts().transcript(request.getRunId());
      Optional<byte[]> results = transcript.isEmpty() ? Optional.empty()
          : ch.results().result(request.getRunId(), recipient);
      if (results.isEmpty()) {
        response.onError(Status.NOT_FOUND.withDescription("no results for " + recipient
            + " in run " + request.getRunId()).asRuntimeException());
        return;
      }
      response.onNext(GetResultsResponse.newBuilder()
          .setResults(ByteString.copyFrom(results.get()))
          .setTranscript(SignedTranscript.parseFrom(transcript.get()))
          .build());
      response.onCompleted();
    } catch (StoreException e) {
      response.onError(StoreStatus.of(e));
    } catch (InvalidProtocolBufferException e) {
      response.onError(Status.DATA_LOSS.withDescription("stored transcript is corrupt")
          .asRuntimeException());
    }
  }
}
