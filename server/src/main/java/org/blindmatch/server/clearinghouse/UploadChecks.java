package org.blindmatch.server.clearinghouse;

import static org.blindmatch.server.clearinghouse.ClearinghouseException.failedPrecondition;
import static org.blindmatch.server.clearinghouse.ClearinghouseException.invalid;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import org.blindmatch.crypto.merkle.StreamingMerkleRoot;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.blindmatch.proto.v1.KeyMode;
import org.blindmatch.proto.v1.SubmissionRole;
import org.blindmatch.proto.v1.UploadBegin;
import org.blindmatch.server.clearinghouse.ClearinghouseException.Code;
import org.blindmatch.server.store.StoreException;
import org.blindmatch.server.store.UploadSpec;

/**
 * What an upload must satisfy, for {@link Submissions}: at begin, a spec the caller may
 * submit under the published scope; at commit (when no {@link UploadVerifier} saw every
 * chunk), records in ascending order and of declared tiers. Stateless.
 */
final class UploadChecks {
  private UploadChecks() {}

  /**
   * Checks order and tiers of the first {@code records} staged records of an upload and
   * returns their Merkle root.
   *
   * @throws ClearinghouseException {@code FAILED_PRECONDITION} naming the first record out of
   *     order or of an undeclared tier
   */
  static byte[] scan(Clearinghouse ch, String submissionId, long records, int[] tiers)
      throws ClearinghouseException, StoreException, IOException {
    boolean[] allowed = new boolean[256];
    for (int t : tiers) {
      allowed[t] = true;
    }
    StreamingMerkleRoot root = new StreamingMerkleRoot();
    byte[] prev = new byte[TokenRecord.LENGTH];
    byte[] cur = new byte[TokenRecord.LENGTH];
    long index = 0;
    try (InputStream in = new BufferedInputStream(
        Files.newInputStream(ch.submissions().stagedFile(submissionId)), 1 << 16)) {
      while (index < records
          && in.readNBytes(cur, 0, TokenRecord.LENGTH) == TokenRecord.LENGTH) {
        if (index > 0 && Arrays.compareUnsigned(prev, cur) > 0) {
          throw failedPrecondition("record " + index
              + " is out of order; records must be sorted ascending");
        }
        if (!allowed[cur[TokenRecord.TIER_OFFSET] & 0xff]) {
          throw failedPrecondition("record " + index + " names tier "
              + (cur[TokenRecord.TIER_OFFSET] & 0xff) + ", not declared by the submission");
        }
        root.addLeaf(cur, 0, TokenRecord.LENGTH);
        byte[] t = prev;
        prev = cur;
        cur = t;
        index++;
      }
    }
    return root.root();
  }

  /**
   * The store's spec of an upload {@code caller} begins with {@code b}, checked against the
   * caller's role and the published scope, key ids and tiers.
   *
   * @throws ClearinghouseException {@code PERMISSION_DENIED} if the role may not submit this
   *     kind; {@code FAILED_PRECONDITION} for another scope, key id or tier set;
   *     {@code INVALID_ARGUMENT} for a malformed role, key mode, id or empty tier set
   */
  static UploadSpec spec(Clearinghouse ch, NodeIdentity caller, UploadBegin b) throws ClearinghouseException {
    SubmissionRole role = b.getRole();
    if (role == SubmissionRole.SUBMISSION_ROLE_REPORT) {
      if (caller.role() != Role.PLATFORM && caller.role() != Role.CLEARINGHOUSE) {
        throw new ClearinghouseException(Code.PERMISSION_DENIED, "role " + caller.role().id()
            + " may not submit reports");
      }
    } else if (role == SubmissionRole.SUBMISSION_ROLE_WATCHLIST) {
      if (caller.role() != Role.NGO) {
        throw new ClearinghouseException(Code.PERMISSION_DENIED, "role " + caller.role().id()
            + " may not submit watchlists");
      }
    } else {
      throw invalid("role must be REPORT or WATCHLIST");
    }
    if (b.getKeyMode() != KeyMode.KEY_MODE_HMAC && b.getKeyMode() != KeyMode.KEY_MODE_OPRF) {
      throw invalid("key mode must be HMAC or OPRF");
    }
    if (!MessageDigest.isEqual(b.getScopeDigest().toByteArray(), ch.scope().digest())) {
      throw failedPrecondition("scope digest differs from the published scope "
          + ch.scope().id() + " (sha256:" + ch.scope().digestHex() + ")");
    }
    boolean oprf = b.getKeyMode() == KeyMode.KEY_MODE_OPRF;
    if (oprf ? !ch.oprfEpochs().containsKey(b.getKeyId())
        : !ch.acceptedKeyIds().contains(b.getKeyId())) {
      throw failedPrecondition((oprf ? "oprf key epoch " : "hmac key id ")
          + Integer.toUnsignedString(b.getKeyId()) + " is not accepted for this scope");
    }
    List<Integer> tiers = b.getTiersList();
    int[] tierNumbers = new int[tiers.size()];
    for (int i = 0; i < tiers.size(); i++) {
      int t = tiers.get(i); // uint32: 2^31 and above are negative here
      if (Integer.compareUnsigned(t, ch.scope().tiers().size()) >= 0
          || (i > 0 && t <= tierNumbers[i - 1])) {
        throw failedPrecondition("tier set "
            + tiers.stream().map(Integer::toUnsignedString).toList()
            + " is not an ascending subset of the scope's " + ch.scope().tiers().size()
            + " tiers");
      }
      tierNumbers[i] = t;
    }
    if (tierNumbers.length == 0) {
      throw invalid("no tiers");
    }
    try {
      return new UploadSpec(SubmissionIds.storeId(caller.uri().toString(), b.getSubmissionId()),
          caller.uri().toString(), role.getNumber(), b.getScopeDigest().toByteArray(),
          b.getKeyId(), tierNumbers, b.getRecordCount());
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
  }
}
