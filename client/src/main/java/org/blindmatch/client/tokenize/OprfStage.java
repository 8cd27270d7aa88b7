package org.blindmatch.client.tokenize;

import java.io.IOException;
import java.util.ArrayDeque;
import org.blindmatch.crypto.ip.IpAddress;
import org.blindmatch.crypto.scope.Scope;

/**
 * oprf mode, in front of a {@link TokenPipeline}: holds event batches until the distinct
 * masked addresses they need fill a keyholder request (or too many events wait), resolves
 * them, attaches each event's outputs to its batch and passes the batches on in order.
 * At most {@link #MAX_WAITING_BATCHES} batches wait, so memory stays bounded by the
 * addresses in flight and the cache, not by the input. Used from one thread.
 */
final class OprfStage {
  static final int MAX_WAITING_BATCHES = 64;

  private final Scope scope;
  private final OprfOutputs outputs;
  private final TokenPipeline pipeline;
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();

  private record Waiting(EventBatch batch, OprfOutputs.Slot[] slots) {}

  OprfStage(Scope scope, OprfOutputs outputs, TokenPipeline pipeline) {
    this.scope = scope;
    this.outputs = outputs;
    this.pipeline = pipeline;
  }

  /** Queues a batch; resolves and passes on waiting batches once a request is full. */
  void submit(EventBatch batch) throws IOException {
    if (batch.size == 0) {
      return;
    }
    int tiers = scope.tiers().size();
    OprfOutputs.Slot[] slots = new OprfOutputs.Slot[batch.size * tiers];
    for (int i = 0; i < batch.size; i++) {
      IpAddress address = batch.addresses[i];
      for (int t = 0; t < tiers; t++) {
        int bits = scope.tier(t).prefixFor(address.family());
        slots[i * tiers + t] = outputs.want(bits, address.mask(bits));
      }
    }
    waiting.add(new Waiting(batch, slots));
    if (outputs.batchReady() || waiting.size() >= MAX_WAITING_BATCHES) {
      flush();
    }
  }

  /** Resolves and passes on every waiting batch, then drains the pipeline. */
  void drain() throws IOException {
    flush();
    pipeline.drain();
  }

  private void flush() throws IOException {
    outputs.resolve();
    while (!waiting.isEmpty()) {
      Waiting w = waiting.poll();
      byte[][] resolved = new byte[w.slots().length][];
      for (int k = 0; k < resolved.length; k++) {
        resolved[k] = w.slots()[k].output();
      }
      w.batch().oprfOutputs = resolved;
      pipeline.submit(w.batch());
    }
  }
}
