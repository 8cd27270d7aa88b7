package org.blindmatch.core.match;

import java.io.IOException;
import java.io.InputStream;

/**
 * One committed submission taking part in a match: its id, submitter and a way to open its
 * sorted records.
 *
 * @param submissionId the submitter's own (client) submission id, as results name it
 * @param submitter the submitter's identity URI
 * @param records opens the sorted 33-byte records; each call returns a new stream
 */
public record MatchInput(String submissionId, String submitter, RecordSource records) {
  /** Opens a submission's sorted records. */
  @FunctionalInterface
  public interface RecordSource {
    InputStream open() throws IOException;
  }
}
