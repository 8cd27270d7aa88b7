package org.blindmatch.client.results;

import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.federation.FederationException;
import org.blindmatch.core.claims.Transcripts;
import org.blindmatch.core.claims.ClaimVerificationException;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.StatusRuntimeException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.GetResultsRequest;
import org.blindmatch.proto.v1.GetResultsResponse;
import org.blindmatch.proto.v1.PublishedScope;
import org.blindmatch.proto.v1.RecipientDigest;
import org.blindmatch.proto.v1.Results;
import org.blindmatch.proto.v1.RunTranscript;

/**
 * Fetches the caller's results of a run and checks them: the transcript's signature against
 * the clearinghouse's published key, and that the transcript commits to exactly these
 * results for this caller.
 *
 * @param results the caller's results
 * @param transcript the verified run transcript
 */
public record RunResults(Results results, RunTranscript transcript) {

  /**
   * Fetches and verifies.
   *
   * @throws FederationException if the server refuses, or a signature or digest does not verify
   */
  public static RunResults fetch(FederationClient client, String runId) throws FederationException {
    PublishedScope published = client.publishedScope();
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
      transcript = Transcripts.verify(published.getClearinghousePublicKeyset(),
          response.getTranscript());
    } catch (ClaimVerificationException e) {
      throw new FederationException("run " + runId + ": the transcript signature does not verify "
          + "against the clearinghouse's published key");
    }
    try {
      Results results = Results.parseFrom(response.getResults());
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(response.getResults().toByteArray());
      boolean committed = false;
      for (RecipientDigest d : transcript.getRecipientsList()) {
        if (d.getRecipient().equals(results.getRecipient())
            && MessageDigest.isEqual(d.getResultsSha256().toByteArray(), digest)) {
          committed = true;
        }
      }
      if (!committed || !transcript.getRunId().equals(runId)) {
        throw new FederationException("run " + runId + ": the signed transcript does not commit to "
            + "the results received");
      }
      return new RunResults(results, transcript);
    } catch (InvalidProtocolBufferException | java.security.NoSuchAlgorithmException e) {
      throw new FederationException("run " + runId + ": malformed results: " + e.getMessage());
    }
  }
}
