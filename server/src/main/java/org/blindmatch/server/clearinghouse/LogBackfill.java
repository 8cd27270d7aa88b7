package org.blindmatch.server.clearinghouse;

import com.google.protobuf.InvalidProtocolBufferException;
import java.security.GeneralSecurityException;
import java.util.Optional;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.LogEntry;
import org.blindmatch.proto.v1.RunTranscript;
import org.blindmatch.proto.v1.SignedTranscript;
import org.blindmatch.server.store.StoreException;
import org.blindmatch.server.store.StoredSubmission;

/**
 * Appends to the transparency log every committed receipt and stored run transcript that a
 * crash kept out of it. A submission is committed, and a transcript stored, before its log
 * append; a crash between the two would otherwise leave a signed receipt or transcript that
 * the log never shows. Appends are idempotent by key, so entries already logged are skipped.
 *
 * <p>What it appends is first checked to be the clearinghouse's own: receipts by {@link
 * OwnReceipts}, transcripts by their signature under the clearinghouse's key and the run they
 * are stored under. Otherwise anyone able to write the store's records could have the
 * clearinghouse log (and sign a tree head over) a receipt or transcript it never issued.
 */
final class LogBackfill {
  private LogBackfill() {}

  /**
   * Runs before the server accepts calls.
   *
   * @return the number of entries appended
   * @throws StoreException if the store cannot be read or written, or ({@code CORRUPT})
   *     holds a receipt or transcript that does not parse, is not signed by the clearinghouse
   *     or is stored under another submission or run
   */
  static int run(Clearinghouse ch) throws StoreException {
    long before = ch.log().size();
    NodeSigner.Verifier own = ownVerifier(ch);
    OwnReceipts receipts = new OwnReceipts(ch);
    for (StoredSubmission s : ch.store().listAll()) {
      ch.log().append(Clearinghouse.receiptLogKey(s.submissionId()),
          Clearinghouse.receiptEntry(receipts.verify(s), s.signature()));
    }
    for (String runId : ch.store().listKeys(Clearinghouse.TRANSCRIPTS)) {
      Optional<byte[]> bytes = ch.store().getRecord(Clearinghouse.TRANSCRIPTS, runId);
      if (bytes.isPresent()) {
        String what = "the stored transcript of run " + runId;
        SignedTranscript t = parse(what, () -> SignedTranscript.parseFrom(bytes.get()));
        verify(own, t.getTranscript().toByteArray(), t.getSignature().toByteArray(), what);
        String named = parse(what, () -> RunTranscript.parseFrom(t.getTranscript())).getRunId();
        if (!named.equals(runId)) {
          throw new StoreException(StoreException.Kind.CORRUPT, what + " is the transcript "
              + "of run " + named);
        }
        ch.log().append(Clearinghouse.transcriptLogKey(runId),
            LogEntry.newBuilder().setTranscript(t).build().toByteArray());
      }
    }
    return (int) (ch.log().size() - before);
  }

  private static NodeSigner.Verifier ownVerifier(Clearinghouse ch) {
    try {
      return NodeSigner.verifier(ch.signer().publicKeysetJson());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the clearinghouse's own public keyset does not load", e);
    }
  }

  private static void verify(NodeSigner.Verifier own, byte[] data, byte[] signature,
      String what) throws StoreException {
    try {
      own.verify(data, signature);
    } catch (GeneralSecurityException e) {
      throw new StoreException(StoreException.Kind.CORRUPT, what + " is not signed by this "
          + "clearinghouse's key (written into the store by someone else)");
    }
  }

  private interface Parser<T> {
    T parse() throws InvalidProtocolBufferException;
  }

  private static <T> T parse(String what, Parser<T> parser) throws StoreException {
    try {
      return parser.parse();
    } catch (InvalidProtocolBufferException e) {
      throw new StoreException(StoreException.Kind.CORRUPT, what + " does not parse", e);
    }
  }
}
