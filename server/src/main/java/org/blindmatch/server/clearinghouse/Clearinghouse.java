package org.blindmatch.server.clearinghouse;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.server.log.TransparencyLog;
import org.blindmatch.server.store.SubmissionStore;

/**
 * What the clearinghouse services share: the store, the published scope and the parameters.
 * The clearinghouse never holds a token key. Immutable; the store is thread-safe.
 *
 * @param identity this server's identity (signs receipts and transcripts as it)
 * @param store durable submissions, results and transcripts
 * @param scope the published scope
 * @param acceptedKeyIds hmac key ids accepted for the scope
 * @param kThreshold NGO aggregates below this are suppressed
 * @param submissionTtl how long token data is kept after commit
 * @param signer the clearinghouse's signing key
 * @param clock time source
 * @param log the transparency log of receipts and run transcripts
 */
public record Clearinghouse(
    NodeIdentity identity,
    SubmissionStore store,
    Scope scope,
    List<Integer> acceptedKeyIds,
    int kThreshold,
    Duration submissionTtl,
    NodeSigner signer,
    Clock clock,
    TransparencyLog log) {

  /** Store record kinds this server writes. */
  static final String SIGNING_KEYS = "signing-key";
  static final String TRANSCRIPTS = "transcript";
  static final String RESULTS = "results";

  /** Log entry keys: one entry per committed submission and per run. */
  static String receiptLogKey(String storeId) {
    return "receipt/" + storeId;
  }

  static String transcriptLogKey(String runId) {
    return "transcript/" + runId;
  }
}
