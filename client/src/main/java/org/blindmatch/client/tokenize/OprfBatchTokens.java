package org.blindmatch.client.tokenize;

import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.tokenfile.TokenRecord;

/**
 * oprf mode: every event's token in every tier from the OPRF outputs the batch carries
 * ({@link EventBatch#oprfOutputs}, resolved before the batch is queued). Thread-safe.
 */
final class OprfBatchTokens implements TokenPipeline.BatchTokens {
  private final Scope scope;
  private final ThreadLocal<OprfTokenMac> macs = ThreadLocal.withInitial(OprfTokenMac::new);

  OprfBatchTokens(Scope scope) {
    this.scope = scope;
  }

  @Override
  public byte[] records(EventBatch batch) {
    int tiers = scope.tiers().size();
    byte[] records = new byte[batch.size * tiers * TokenRecord.LENGTH];
    OprfTokenMac mac = macs.get();
    int off = 0;
    for (int i = 0; i < batch.size; i++) {
      for (int t = 0; t < tiers; t++) {
        long width = scope.tier(t).bucketWidth().seconds();
        long bucket = scope.tier(t).bucketWidth().bucketOf(batch.epochSeconds[i]);
        mac.token(batch.oprfOutputs[i * tiers + t], t, width, bucket, records,
            off + TokenRecord.TOKEN_OFFSET);
        System.arraycopy(batch.handles, i * HandleDeriver.LENGTH, records,
            off + TokenRecord.HANDLE_OFFSET, HandleDeriver.LENGTH);
        records[off + TokenRecord.TIER_OFFSET] = (byte) t;
        off += TokenRecord.LENGTH;
      }
    }
    return records;
  }
}
