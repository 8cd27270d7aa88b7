package org.blindmatch.server.clearinghouse;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Optional;
import org.blindmatch.proto.v1.ListRunsResponse;
import org.blindmatch.proto.v1.ListSubmissionsResponse;
import org.blindmatch.proto.v1.SignedTranscript;
import org.blindmatch.proto.v1.SubmissionInfo;
import org.blindmatch.proto.v1.SubmissionRole;
import org.blindmatch.server.clearinghouse.ClearinghouseException.Code;
import org.blindmatch.server.store.StoreException;
import org.blindmatch.server.store.StoredSubmission;

/**
 * Submission metadata for the operator; signed run transcripts for operator and auditors.
 * Who may call is the access policy's decision, not this class's. Thread-safe.
 */
final class Admin {
  private final Clearinghouse ch;

  Admin(Clearinghouse ch) {
    this.ch = ch;
  }

  /** Every committed submission's metadata, purged ones included, by submission id. */
  ListSubmissionsResponse submissions() throws StoreException {
    ListSubmissionsResponse.Builder out = ListSubmissionsResponse.newBuilder();
    for (StoredSubmission s : ch.submissions().listAll()) {
      out.addSubmissions(SubmissionInfo.newBuilder()
          .setSubmissionId(SubmissionIds.clientId(s.spec().submissionId()))
          .setSubmitter(s.spec().submitter())
          .setRole(SubmissionRole.forNumber(s.spec().role()))
          .setKeyId(s.spec().keyId())
          .setRecordCount(s.records())
          .setMerkleRoot(ByteString.copyFrom(s.merkleRoot()))
          .setCommittedAt(s.committedAt().getEpochSecond())
          .setExpiresAt(s.expiresAt().getEpochSecond())
          .setPurged(s.purged()));
    }
    return out.build();
  }

  /**
   * Every stored run transcript, by run id.
   *
   * @throws ClearinghouseException {@code DATA_LOSS} if one does not parse
   */
  ListRunsResponse runs() throws ClearinghouseException, StoreException {
    ListRunsResponse.Builder out = ListRunsResponse.newBuilder();
    try {
      for (String runId : ch.transcripts().transcriptRunIds()) {
        Optional<byte[]> t = ch.transcripts().transcript(runId);
        if (t.isPresent()) {
          out.addTranscripts(SignedTranscript.parseFrom(t.get()));
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw new ClearinghouseException(Code.DATA_LOSS, "a stored transcript is corrupt", e);
    }
    return out.build();
  }
}
