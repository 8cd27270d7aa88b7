package org.blindmatch.crypto.oprf;

/**
 * A keyholder's share evaluation was rejected: unknown keyholder, duplicate, wrong number of
 * elements, or a DLEQ proof that does not verify against its share public key.
 * {@link #keyholder()} names the keyholder, so the rejection can be reported against it.
 */
public final class ShareRejectedException extends OprfException {
  private static final long serialVersionUID = 1L;

  private final int keyholder;

  public ShareRejectedException(int keyholder, String reason) {
    super("keyholder " + keyholder + ": " + reason);
    this.keyholder = keyholder;
  }

  public int keyholder() {
    return keyholder;
  }
}
