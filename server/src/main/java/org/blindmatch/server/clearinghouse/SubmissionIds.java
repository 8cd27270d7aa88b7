package org.blindmatch.server.clearinghouse;

import org.blindmatch.crypto.hash.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Client-chosen submission ids live in their submitter's namespace: the store keys a
 * submission by {@code s<first 12 hex of SHA-256(submitter URI)>.<client id>}, so one party
 * can neither collide with nor probe for another party's ids.
 */
final class SubmissionIds {
  private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");

  private SubmissionIds() {}

  /** The store id for a client id of a submitter; INVALID_ARGUMENT if malformed. */
  static String storeId(String submitter, String clientId) throws ClearinghouseException {
    if (clientId == null || !CLIENT_ID.matcher(clientId).matches()) {
      throw ClearinghouseException.invalid(
          "submission id must match [A-Za-z0-9][A-Za-z0-9_.-]{0,99}");
    }
    byte[] h = Sha256.digest(submitter.getBytes(StandardCharsets.UTF_8));
    return "s" + HexFormat.of().formatHex(h, 0, 6) + "." + clientId;
  }

  /** The client's id within a store id. */
  static String clientId(String storeId) {
    return storeId.substring(storeId.indexOf('.') + 1);
  }
}
