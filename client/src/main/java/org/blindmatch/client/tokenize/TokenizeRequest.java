package org.blindmatch.client.tokenize;

import java.nio.file.Path;
import org.blindmatch.crypto.time.TimestampFormat;

/**
 * One tokenize invocation's files and policy.
 *
 * @param input CSV, optionally gzip-compressed
 * @param output token file to create
 * @param mapping handle mapping file to create
 * @param overwrite whether existing outputs may be replaced
 * @param strict whether the first malformed row is fatal
 * @param timeFormat the timestamp format, or null to detect it once from the file
 * @param progress progress sink
 */
public record TokenizeRequest(
    Path input,
    Path output,
    Path mapping,
    boolean overwrite,
    boolean strict,
    TimestampFormat timeFormat,
    ProgressListener progress) {}
