package org.blindmatch.crypto.pki;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.x509.CRLReason;

/** Why a node certificate was revoked: the RFC 5280 §5.3.1 reason codes a federation uses. */
public enum RevocationReason {
  UNSPECIFIED(CRLReason.unspecified),
  KEY_COMPROMISE(CRLReason.keyCompromise),
  AFFILIATION_CHANGED(CRLReason.affiliationChanged),
  SUPERSEDED(CRLReason.superseded),
  CESSATION_OF_OPERATION(CRLReason.cessationOfOperation);

  private final int code;
  private final String id;

  RevocationReason(int code) {
    this.code = code;
    this.id = name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The command-line form, e.g. {@code key-compromise}. */
  public String id() {
    return id;
  }

  int crlReason() {
    return code;
  }

  /**
   * The reason named {@code text} ({@link #id()}).
   *
   * @throws IllegalArgumentException listing the valid names
   */
  public static RevocationReason parse(String text) {
    for (RevocationReason r : values()) {
      if (r.id.equals(text)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown revocation reason \"" + text + "\" (valid: "
        + Arrays.stream(values()).map(RevocationReason::id).collect(Collectors.joining(", "))
        + ")");
  }

  /** The reason for an RFC 5280 reason code; codes this enum lacks are UNSPECIFIED. */
  static RevocationReason ofCode(int code) {
    for (RevocationReason r : values()) {
      if (r.code == code) {
        return r;
      }
    }
    return UNSPECIFIED;
  }
}
