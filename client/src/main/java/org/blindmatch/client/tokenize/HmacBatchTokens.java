package org.blindmatch.client.tokenize;

import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.token.HmacTokenDeriver;
import org.blindmatch.crypto.tokenfile.TokenRecord;

/** hmac mode: every event's token in every tier, derived with the token key. Thread-safe. */
final class HmacBatchTokens implements TokenPipeline.BatchTokens {
  private final HmacTokenDeriver deriver;

  HmacBatchTokens(HmacTokenDeriver deriver) {
    this.deriver = deriver;
  }

  @Override
  public byte[] records(EventBatch batch) {
    Scope scope = deriver.scope();
    int tiers = scope.tiers().size();
    byte[] records = new byte[batch.size * tiers * TokenRecord.LENGTH];
    byte[] scratch = new byte[32];
    int off = 0;
    for (int i = 0; i < batch.size; i++) {
      for (int t = 0; t < tiers; t++) {
        long bucket = scope.tier(t).bucketWidth().bucketOf(batch.epochSeconds[i]);
        deriver.derive(t, batch.addresses[i], bucket, scratch, records,
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
