package org.blindmatch.client.tokenize;

/** Receives input progress from a tokenize run (called from the run's thread). */
public interface ProgressListener {
  /** No progress display. */
  ProgressListener NONE = (read, total) -> {};

  /**
   * @param rawBytesRead bytes of the input file consumed so far (compressed bytes for gzip)
   * @param rawBytesTotal the input file size
   */
  void update(long rawBytesRead, long rawBytesTotal);
}
