package org.blindmatch.server.clearinghouse;

import java.util.Optional;
import org.blindmatch.proto.v1.LogEntry;
import org.blindmatch.server.store.StoreException;
import org.blindmatch.server.store.StoredSubmission;

/**
 * Appends to the transparency log every committed receipt and stored run transcript that a
 * crash kept out of it. A submission is committed, and a transcript stored, before its log
 * append; a crash between the two would otherwise leave a signed receipt or transcript that
 * the log never shows. Appends are idempotent by key, so entries already logged are skipped.
 *
 * <p>What it appends is first checked to be the clearinghouse's own ({@link OwnRecords}):
 * otherwise anyone able to write the store's records could have the clearinghouse log (and
 * sign a tree head over) a receipt or transcript it never issued.
 */
final class LogBackfill {
  private LogBackfill() {}

  /**
   * Runs before the server accepts calls.
   *
   * @return the number of entries appended
   * @throws StoreException if the store cannot be read or written, or ({@code CORRUPT})
   *     holds a receipt or transcript that {@link OwnRecords} refuses
   */
  static int run(Clearinghouse ch) throws StoreException {
    long before = ch.log().size();
    OwnRecords own = new OwnRecords(ch);
    for (StoredSubmission s : ch.submissions().listAll()) {
      ch.log().append(Clearinghouse.receiptLogKey(s.submissionId()),
          Clearinghouse.receiptEntry(own.receipt(s), s.signature()));
    }
    for (String runId : ch.transcripts().transcriptRunIds()) {
      Optional<byte[]> bytes = ch.transcripts().transcript(runId);
      if (bytes.isPresent()) {
        ch.log().append(Clearinghouse.transcriptLogKey(runId), LogEntry.newBuilder()
            .setTranscript(own.transcript(runId, bytes.get())).build().toByteArray());
      }
    }
    return (int) (ch.log().size() - before);
  }
}
