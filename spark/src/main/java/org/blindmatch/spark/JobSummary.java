package org.blindmatch.spark;

import java.util.List;
import java.util.Map;
import org.blindmatch.crypto.time.TimestampFormat;
import org.blindmatch.crypto.tokenfile.TokenFileHeader;

/**
 * What a job run did.
 *
 * @param output the output directory ({@code tokens/}, {@code mapping/}, {@code rejects/})
 * @param header the part headers summed, as {@code blindmatch submit} sees the set
 * @param parts the number of part token files
 * @param tierNames tier names by tier number
 * @param timeFormat the timestamp format used
 * @param skips rows skipped, by reason (from the job's accumulators)
 * @param handles distinct handle mapping rows written
 * @param oprfEvaluations oprf mode: distinct masked addresses evaluated; -1 in hmac mode
 * @param warnings keyholders that were unavailable or misbehaved (names and reasons only)
 * @param tierCoverage watchlists: per tier, the rows it skipped over its caps and the labels
 *     left without a token in it (as {@code blindmatch tokenize} reports); empty for reports
 */
public record JobSummary(
    String output,
    TokenFileHeader header,
    int parts,
    List<String> tierNames,
    TimestampFormat timeFormat,
    Map<String, Long> skips,
    long handles,
    long oprfEvaluations,
    List<String> warnings,
    List<org.blindmatch.client.tokenize.TierCoverage> tierCoverage) {}
