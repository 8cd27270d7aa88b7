package org.blindmatch.crypto.oprf.dkg;

import org.blindmatch.crypto.oprf.OprfException;

/**
 * A distributed key generation failed or a DKG message was rejected: malformed, signed by the
 * wrong key, replayed from another federation, epoch, session or round, or a run that cannot
 * complete (too few qualified keyholders, inconsistent views). The message names the keyholder
 * and the check; it never contains share values or keys.
 */
public class DkgException extends OprfException {
  private static final long serialVersionUID = 1L;

  public DkgException(String message) {
    super(message);
  }

  public DkgException(String message, Throwable cause) {
    super(message, cause);
  }
}
