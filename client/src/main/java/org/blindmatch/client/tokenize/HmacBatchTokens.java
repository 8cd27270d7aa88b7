package org.blindmatch.client.tokenize;

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
    int tiers = deriver.scope().tiers().size();
    byte[] records = new byte[batch.size * tiers * TokenRecord.LENGTH];
    byte[] scratch = new byte[32];
    int off = 0;
    for (int i = 0; i < batch.size; i++) {
      off += ReportRow.records(deriver, batch.addresses[i], batch.epochSeconds[i],
          batch.handles, i * HandleDeriver.LENGTH, scratch, records, off);
    }
    return records;
  }
}
