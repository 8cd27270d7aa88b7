package org.blindmatch.server.clearinghouse;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Optional;
import org.blindmatch.proto.v1.LogEntry;
import org.blindmatch.proto.v1.Receipt;
import org.blindmatch.proto.v1.SignedTranscript;
import org.blindmatch.server.store.StoreException;
import org.blindmatch.server.store.StoredSubmission;

/**
 * Appends to the transparency log every committed receipt and stored run transcript that a
 * crash kept out of it. A submission is committed, and a transcript stored, before its log
 * append; a crash between the two would otherwise leave a signed receipt or transcript that
 * the log never shows. Appends are idempotent by key, so entries already logged are skipped.
 */
final class LogBackfill {
  private LogBackfill() {}

  /**
   * Runs before the server accepts calls.
   *
   * @return the number of entries appended
   * @throws StoreException if the store cannot be read or written, or holds a receipt or
   *     transcript that does not parse ({@code CORRUPT})
   */
  static int run(Clearinghouse ch) throws StoreException {
    long before = ch.log().size();
    for (StoredSubmission s : ch.store().listAll()) {
      Receipt receipt = parse(s.submissionId(), () -> Receipt.parseFrom(s.receipt()));
      ch.log().append(Clearinghouse.receiptLogKey(s.submissionId()),
          Clearinghouse.receiptEntry(receipt, s.signature()));
    }
    for (String runId : ch.store().listKeys(Clearinghouse.TRANSCRIPTS)) {
      Optional<byte[]> bytes = ch.store().getRecord(Clearinghouse.TRANSCRIPTS, runId);
      if (bytes.isPresent()) {
        SignedTranscript t = parse(runId, () -> SignedTranscript.parseFrom(bytes.get()));
        ch.log().append(Clearinghouse.transcriptLogKey(runId),
            LogEntry.newBuilder().setTranscript(t).build().toByteArray());
      }
    }
    return (int) (ch.log().size() - before);
  }

  private interface Parser<T> {
    T parse() throws InvalidProtocolBufferException;
  }

  private static <T> T parse(String what, Parser<T> parser) throws StoreException {
    try {
      return parser.parse();
    } catch (InvalidProtocolBufferException e) {
      throw new StoreException(StoreException.Kind.CORRUPT, "stored receipt or transcript of "
          + what + " does not parse", e);
    }
  }
}
