package org.blindmatch.client.tokenize;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.blindmatch.crypto.time.TimestampFormat;
import org.blindmatch.crypto.tokenfile.TokenFileHeader;

/**
 * What a tokenize run did.
 *
 * @param output the token file written
 * @param mapping the owner's handle mapping written
 * @param header the token file header as written (counts, scope digest, key id)
 * @param tierNames tier names by tier number
 * @param timeFormat the timestamp format used for the file
 * @param handles lines written to the mapping (a report record whose rows are not
 *     consecutive appears on more than one line, always with the same handle)
 * @param skips rows skipped, by reason
 * @param badRowMessages the first bad-row messages
 * @param noted skips with a message: malformed rows, and rows skipped from one tier only
 *     (more than {@code badRowMessages} when messages were dropped)
 * @param oprfEvaluations oprf mode: distinct masked addresses evaluated through the
 *     keyholders (what each keyholder asked counted against this identity's quota); -1 in
 *     hmac mode
 * @param tierCoverage per tier in tier-number order, what it lost (watchlists); empty for
 *     reports, where every accepted event has a record in every tier
 */
public record TokenizeSummary(
    Path output,
    Path mapping,
    TokenFileHeader header,
    List<String> tierNames,
    TimestampFormat timeFormat,
    long handles,
    Map<String, Long> skips,
    List<String> badRowMessages,
    long noted,
    long oprfEvaluations,
    List<TierCoverage> tierCoverage) {}
