package org.blindmatch.spark;

import java.io.Serializable;
import java.util.Map;
import org.blindmatch.crypto.time.TimestampFormat;

/**
 * What every task of one run needs besides its rows: the token function's source (in oprf
 * mode only its scope), the
 * run's handle key (a fresh per-run key, never stored; see {@code HandleDeriver}), the time
 * format, strictness, where part token files go and the Hadoop settings to write there.
 *
 * @param handleKey the per-run handle keyset in Tink binary form
 * @param tokensDir the Hadoop directory receiving {@code part-NNNNN.bmt}
 * @param rejectsDir the Hadoop directory receiving {@code part-NNNNN.csv} of skipped rows
 * @param idName {@code record_id} or {@code label}
 * @param hadoopConf the driver's Hadoop configuration, so executors reach the same storage
 * @param oprfEpoch oprf mode: the key epoch the part headers name; null in hmac mode
 */
record PartSettings(
    KeySource keys,
    byte[] handleKey,
    TimestampFormat timeFormat,
    boolean strict,
    String tokensDir,
    String rejectsDir,
    String idName,
    Map<String, String> hadoopConf,
    Integer oprfEpoch) implements Serializable {
  private static final long serialVersionUID = 1L;
}
