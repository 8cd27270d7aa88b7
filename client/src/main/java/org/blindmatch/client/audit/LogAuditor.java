package org.blindmatch.client.audit;

import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.federation.FederationException;
import org.blindmatch.client.federation.KeyPins;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.core.claims.ClaimVerificationException;
import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.blindmatch.crypto.merkle.MerkleProofException;
import org.blindmatch.crypto.merkle.MerkleVerifier;
import org.blindmatch.crypto.merkle.StreamingMerkleRoot;
import org.blindmatch.proto.v1.GetConsistencyProofRequest;
import org.blindmatch.proto.v1.GetEntriesRequest;
import org.blindmatch.proto.v1.GetSignedTreeHeadRequest;
import org.blindmatch.proto.v1.SignedTreeHead;
import org.blindmatch.proto.v1.TreeHead;
import org.blindmatch.core.claims.LogPositions;
import org.blindmatch.core.claims.TreeHeads;

/**
 * An auditor's check of the clearinghouse's transparency log. It fetches the latest signed
 * head, checks it is consistent with the head kept from the last audit ({@link AuditState}),
 * reads only the entries after that one, checks that they extend the kept tree to the signed
 * root, and checks each with {@link LogEntryChecker}. With replay, each new run is recomputed
 * from the streamed token sets ({@link RunReplay}). Not thread-safe.
 */
public final class LogAuditor {
  private final FederationClient client;
  private final String keyset;
  private final String federation;
  private final java.security.cert.X509Certificate ca;

  /**
   * Audits through {@code client}, whose node must be an auditor (or the operator), without
   * the federation CA: a logged revocation list is then refused as unverifiable. The
   * clearinghouse log key it publishes is checked against the client's pin.
   *
   * @throws FederationException if the log key differs from the pinned one
   */
  public LogAuditor(FederationClient client) throws FederationException {
    this(client, null);
  }

  /**
   * Audits through {@code client}, checking logged revocation lists and member certificates
   * against {@code ca} (the federation CA certificate from the profile's {@code tls.ca}).
   *
   * @throws FederationException if the log key differs from the pinned one
   */
  public LogAuditor(FederationClient client, java.security.cert.X509Certificate ca)
      throws FederationException {
    this.client = client;
    this.keyset = client.publishedScope().getClearinghousePublicKeyset();
    this.federation = client.identity().federation();
    this.ca = ca;
  }

  /**
   * What an audit found.
   *
   * @param head the verified head
   * @param previousSize the size of the kept head it was checked consistent with, or -1
   * @param state the state to keep for the next audit
   * @param notReplayed runs that could not be replayed, with the reason (inputs purged)
   * @param disclosureNotes per new run whose differencing guard was overridden or whose counts
   *     are noised: the override's reason and runs, or the epsilon spent and remaining
   * @param attestedEpochs oprf key epochs checked with every holder's signature (DKG)
   */
  public record Report(SignedTreeHead head, TreeHead treeHead, long previousSize, int receipts,
      int transcripts, int members, int scopes, int keyEpochs, int revocationLists,
      int replayed, List<String> notReplayed, List<String> disclosureNotes, AuditState state,
      int attestedEpochs) {

    /** Every certificate revoked by the logged revocation lists so far, by serial. */
    public List<org.blindmatch.crypto.pki.Revocations.Revoked> revoked() {
      return List.copyOf(state.revoked.values());
    }
  }

  /**
   * Runs the audit from {@code state} (which it updates; keep it only if this returns).
   *
   * @param replay also recompute every new run from its streamed inputs
   * @throws AuditException naming the entry and the check that failed
   */
  public Report verify(AuditState state, boolean replay) throws AuditException {
    try {
      SignedTreeHead signed =
          client.audit().getSignedTreeHead(GetSignedTreeHeadRequest.getDefaultInstance());
      TreeHead head = verifyHead(signed, "the current tree head");
      long size = head.getTreeSize();
      long previousSize = -1;
      byte[] logKey = NodeSigner.fingerprint(keyset);
      if (state.logKey != null && !MessageDigest.isEqual(state.logKey, logKey)) {
        throw new AuditException("the clearinghouse's log key changed: the kept state was "
            + "verified under " + KeyPins.format(state.logKey) + ", the log is now signed by "
            + KeyPins.format(logKey) + "; a different key means a different log — ask the "
            + "operator, and audit it from a new --state only once the change is explained");
      }
      if (state.head != null) {
        TreeHead old = verifyHead(state.head, "the kept tree head");
        previousSize = old.getTreeSize();
        if (previousSize != state.size || !MessageDigest.isEqual(state.tree().root(),
            old.getRootHash().toByteArray())) {
          throw new AuditException("the kept state's tree does not match its tree head");
        }
        if (previousSize > size) {
          throw new AuditException("the log shrank from " + previousSize + " to " + size
              + " entries since the kept tree head");
        }
        List<byte[]> proof = LogPositions.hashes(client.audit().getConsistencyProof(
            GetConsistencyProofRequest.newBuilder().setFirst(previousSize).setSecond(size)
                .build()).getHashesList());
        try {
          MerkleVerifier.verifyConsistency(previousSize, size, old.getRootHash().toByteArray(),
              head.getRootHash().toByteArray(), proof);
        } catch (MerkleProofException e) {
          throw new AuditException("the log is not consistent with the kept tree head of size "
              + previousSize + " (entries before " + previousSize + " were changed, removed "
              + "or inserted, or the log was truncated and regrown): " + e.getMessage());
        }
      }
      StreamingMerkleRoot tree = state.tree();
      LogEntryChecker checker = new LogEntryChecker(keyset, federation, ca);
      LogEntryChecker.Counts counts = new LogEntryChecker.Counts();
      List<String> notReplayed = new ArrayList<>();
      RunReplay replayer = replay ? new RunReplay(client) : null;
      LogPages.check(this::fetch, size, checker, state, counts, tree, (run, index) -> {
        if (replayer != null) {
          Optional<String> skipped = replayer.replay(run, index, state.receipts);
          if (skipped.isPresent()) {
            notReplayed.add("log entry " + index + " (run " + run.getRunId() + "): "
                + skipped.get());
          } else {
            counts.replayed++;
          }
        }
      });
      if (!MessageDigest.isEqual(tree.root(), head.getRootHash().toByteArray())) {
        throw new AuditException("entries " + (previousSize < 0 ? 0 : previousSize) + " to "
            + (size - 1) + " do not hash to the signed root of size " + size);
      }
      LogEntryChecker.requireNothingPending(state);
      state.head = signed;
      state.logKey = logKey;
      state.size = size;
      state.frontier = tree.frontier();
      return new Report(signed, head, previousSize, counts.receipts, counts.transcripts,
          counts.members, counts.scopes, counts.keyEpochs, counts.revocationLists,
          counts.replayed, notReplayed, List.copyOf(counts.disclosureNotes), state,
          counts.attestedEpochs);
    } catch (StatusRuntimeException e) {
      throw new AuditException("cannot read the log: " + FederationClient.describe(e));
    }
  }

  private List<ByteString> fetch(long start, long end) {
    return client.audit().getEntries(GetEntriesRequest.newBuilder().setStart(start)
        .setEnd(end).build()).getEntriesList();
  }

  private TreeHead verifyHead(SignedTreeHead signed, String what) throws AuditException {
    try {
      return TreeHeads.verify(keyset, signed);
    } catch (ClaimVerificationException e) {
      throw new AuditException(what + " does not verify against the clearinghouse's "
          + "published key");
    }
  }

  static String key(String submitter, String submissionId) {
    return LogEntryChecker.key(submitter, submissionId);
  }
}
