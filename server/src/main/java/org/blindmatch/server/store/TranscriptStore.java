package org.blindmatch.server.store;

import java.util.List;
import java.util.Optional;

/**
 * Durable, write-once storage of signed run transcripts (serialized {@code SignedTranscript}
 * messages), one per run id. Storing the same transcript again is a no-op, a different one for
 * the same run is refused.
 *
 * <p>Implementations are thread-safe; after the backing store is closed every method throws
 * {@link IllegalStateException}.
 */
public interface TranscriptStore {

  /**
   * Durably stores the signed transcript of run {@code runId}.
   *
   * @param runId the run, 1–1024 characters
   * @param transcript the transcript's bytes; the store keeps its own copy
   * @throws StoreException {@code CONFLICT} if a different transcript is stored for the run;
   *     {@code INVALID_ARGUMENT} if the run id is empty or too long; {@code IO}
   */
  void putTranscript(String runId, byte[] transcript) throws StoreException;

  /**
   * The transcript stored for {@code runId}, as a fresh copy; empty if none.
   *
   * @throws StoreException {@code INVALID_ARGUMENT} as {@link #putTranscript}; {@code IO}
   */
  Optional<byte[]> transcript(String runId) throws StoreException;

  /**
   * The run ids with a stored transcript, in ascending order of their UTF-8 bytes, whatever
   * the database's locale.
   *
   * @throws StoreException {@code IO}
   */
  List<String> transcriptRunIds() throws StoreException;
}
