package org.blindmatch.server.store.segment;

import java.time.Instant;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.blindmatch.server.store.StoreException;
import org.blindmatch.server.store.StoreException.Kind;
import org.blindmatch.server.store.UploadSpec;

/** Argument checks shared by the store; every failure is {@link Kind#INVALID_ARGUMENT}. */
final class Validation {
  static final int DIGEST_LENGTH = 32;
  static final int MAX_SUBMITTER_LENGTH = 1024;
  static final int MAX_KEY_LENGTH = 1024;
  /** Keeps {@code records * 33} within a long. */
  static final long MAX_RECORDS = Long.MAX_VALUE / TokenRecord.LENGTH;

  private Validation() {}

  static String submissionId(String id) throws StoreException {
    if (!UploadSpec.isValidSubmissionId(id)) {
      // Malformed ids are not echoed: they may be long or contain control characters.
      throw invalid("submission id must match [A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    }
    return id;
  }

  static String submitter(String submitter) throws StoreException {
    if (submitter == null || submitter.isEmpty() || submitter.length() > MAX_SUBMITTER_LENGTH) {
      throw invalid("submitter must be 1-" + MAX_SUBMITTER_LENGTH + " characters");
    }
    return submitter;
  }

  static void role(int role) throws StoreException {
    if (role != UploadSpec.ROLE_REPORT && role != UploadSpec.ROLE_WATCHLIST) {
      throw invalid("role must be 1 (report) or 2 (watchlist), got " + role);
    }
  }

  static void digest(String what, byte[] digest) throws StoreException {
    if (digest == null || digest.length != DIGEST_LENGTH) {
      throw invalid(what + " must be " + DIGEST_LENGTH + " bytes");
    }
  }

  static void spec(UploadSpec spec) throws StoreException {
    if (spec == null) {
      throw invalid("spec is missing");
    }
    submissionId(spec.submissionId());
    submitter(spec.submitter());
    role(spec.role());
    digest("scope digest", spec.scopeDigest());
    int[] tiers = spec.tierNumbers();
    if (tiers.length == 0) {
      throw invalid("at least one tier is required");
    }
    for (int i = 0; i < tiers.length; i++) {
      if (tiers[i] < 0 || tiers[i] > 255 || (i > 0 && tiers[i] <= tiers[i - 1])) {
        throw invalid("tier numbers must be strictly ascending within 0-255");
      }
    }
    if (spec.expectedRecords() < 0 || spec.expectedRecords() > MAX_RECORDS) {
      throw invalid("expected record count out of range: "
          + Long.toUnsignedString(spec.expectedRecords()));
    }
  }

  static void sequence(long sequence) throws StoreException {
    if (sequence < 0) {
      throw invalid("chunk sequence numbers start at 0, got " + sequence);
    }
  }

  static void commitArguments(byte[] merkleRoot, byte[] signature, byte[] receipt,
      Instant committedAt, Instant expiresAt) throws StoreException {
    digest("Merkle root", merkleRoot);
    if (signature == null || receipt == null || committedAt == null || expiresAt == null) {
      throw invalid("signature, receipt and both times are required");
    }
    if (!expiresAt.isAfter(committedAt)) {
      throw invalid("expiry " + expiresAt + " is not after commit time " + committedAt);
    }
  }

  /** A record or log key: 1–{@value #MAX_KEY_LENGTH} characters; {@code what} names it. */
  static String key(String what, String key) throws StoreException {
    if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
      throw invalid(what + " must be 1-" + MAX_KEY_LENGTH + " characters");
    }
    return key;
  }

  /**
   * The record key of the results of {@code runId} for {@code recipient}:
   * {@code runId|recipient}, as the store has always keyed them.
   */
  static String resultKey(String runId, String recipient) throws StoreException {
    key("run id", runId);
    key("recipient", recipient);
    return key("run id and recipient", runId + "|" + recipient);
  }

  private static StoreException invalid(String message) {
    return new StoreException(Kind.INVALID_ARGUMENT, message);
  }
}
