package org.blindmatch.client.tokenize;

import java.io.IOException;
import java.util.List;

/**
 * Evaluates the OPRF of one key epoch on batches of inputs without revealing them: the
 * implementation blinds, asks keyholders, verifies their proofs and unblinds
 * ({@code docs/PROTOCOL.md} §3.1). Implementations must allow concurrent {@link #evaluate}
 * calls.
 */
public interface OprfEvaluator {
  /** The key epoch; token files name it as their key id. */
  int epoch();

  /** The most inputs one {@link #evaluate} call accepts. */
  int maxBatch();

  /**
   * The 32-byte OPRF output of each input, in order.
   *
   * @param inputs 1..{@link #maxBatch()} OPRF inputs
   * @throws IOException if too few keyholders answered with a valid proof; the message names
   *     each keyholder that failed and why
   */
  List<byte[]> evaluate(List<byte[]> inputs) throws IOException;
}
