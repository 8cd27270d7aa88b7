package org.blindmatch.server.clearinghouse;

import com.google.protobuf.ByteString;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.blindmatch.crypto.oprf.OprfKeyFiles;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.LogEntry;
import org.blindmatch.proto.v1.Receipt;
import org.blindmatch.server.log.TransparencyLog;
import org.blindmatch.server.store.LogStorage;
import org.blindmatch.server.store.ResultStore;
import org.blindmatch.server.store.SigningKeyStore;
import org.blindmatch.server.store.SubmissionStore;
import org.blindmatch.server.store.TranscriptStore;

/**
 * What the clearinghouse services share: the stores, the published scope and the parameters.
 * The clearinghouse never holds a token key. Immutable; the stores are thread-safe (usually
 * one object behind all four interfaces, over one database).
 *
 * @param identity this server's identity (signs receipts and transcripts as it)
 * @param submissions durable uploads and committed submissions
 * @param results durable per-recipient run results
 * @param transcripts durable signed run transcripts
 * @param signingKeys registered public signing keysets of federation members
 * @param scope the published scope
 * @param acceptedKeyIds hmac key ids accepted for the scope
 * @param oprfEpochs oprf key epochs accepted for the scope, by epoch (disjoint from the hmac
 *     key ids, so a key id names one key)
 * @param kThreshold NGO aggregates below this are suppressed
 * @param submissionTtl how long token data is kept after commit
 * @param signer the clearinghouse's signing key
 * @param clock time source
 * @param log the transparency log of receipts and run transcripts
 */
public record Clearinghouse(
    NodeIdentity identity,
    SubmissionStore submissions,
    ResultStore results,
    TranscriptStore transcripts,
    SigningKeyStore signingKeys,
    Scope scope,
    List<Integer> acceptedKeyIds,
    Map<Integer, OprfKeyFiles.EpochPublicKey> oprfEpochs,
    int kThreshold,
    Duration submissionTtl,
    NodeSigner signer,
    Clock clock,
    TransparencyLog log) {

  public Clearinghouse {
    acceptedKeyIds = List.copyOf(acceptedKeyIds);
    oprfEpochs = Map.copyOf(oprfEpochs);
    for (int id : acceptedKeyIds) {
      if (oprfEpochs.containsKey(id)) {
        throw new IllegalArgumentException("key id " + Integer.toUnsignedString(id)
            + " is both an hmac key id and an oprf epoch");
      }
    }
  }

  /** Every accepted key id: hmac key ids, then oprf epochs in ascending order. */
  List<Integer> allKeyIds() {
    List<Integer> all = new ArrayList<>(acceptedKeyIds);
    all.addAll(new TreeSet<>(oprfEpochs.keySet()));
    return all;
  }

  /** Log entry keys: one entry per committed submission and per run. */
  static String receiptLogKey(String storeId) {
    return LogStorage.RECEIPT_KEY_PREFIX + storeId;
  }

  /** The log entry of a committed submission: its receipt and the submitter's signature. */
  static byte[] receiptEntry(Receipt receipt,
      byte[] commitmentSignature) {
    return LogEntry.newBuilder()
        .setReceipt(receipt)
        .setCommitmentSignature(ByteString.copyFrom(commitmentSignature))
        .build().toByteArray();
  }

  static String transcriptLogKey(String runId) {
    return "transcript/" + runId;
  }
}
