package org.blindmatch.crypto.oprf;

/** RFC 9497 §3.1 protocol modes. POPRF (0x02) is not implemented. */
public enum Mode {
  /** Base mode: the client cannot check which key the server used. */
  OPRF(0x00),
  /** Verifiable mode: every evaluation carries a DLEQ proof against the server public key. */
  VOPRF(0x01);

  private final int id;

  Mode(int id) {
    this.id = id;
  }

  /** The mode byte that goes into the context string. */
  public int id() {
    return id;
  }
}
