package org.blindmatch.client.federation;

/**
 * A node could not take part in the federation: its profile or key material cannot be read,
 * the connection cannot be set up, or a call to the clearinghouse or a keyholder failed (the
 * message names the server, the status and what to do). Shown to users as is.
 */
public final class FederationException extends Exception {
  private static final long serialVersionUID = 1L;

  public FederationException(String message) {
    super(message);
  }

  public FederationException(String message, Throwable cause) {
    super(message, cause);
  }
}
