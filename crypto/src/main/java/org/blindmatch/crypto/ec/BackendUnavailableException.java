package org.blindmatch.crypto.ec;

/**
 * The requested {@link P256Arithmetic} backend cannot be used; the message says why and what to
 * do. Unchecked because it is a start-up configuration failure, raised at the first OPRF
 * operation of a process; the CLI reports it with exit status 1.
 */
public final class BackendUnavailableException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public BackendUnavailableException(String message) {
    super(message);
  }
}
