package org.blindmatch.core.match;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import org.blindmatch.crypto.tokenfile.TokenRecord;

/** Reads 33-byte records from a sorted segment, one at a time. Not thread-safe. */
final class RecordStream implements Closeable {
  private final InputStream in;
  private final int source;
  private final byte[] current = new byte[TokenRecord.LENGTH];
  private boolean valid;

  /**
   * @param in the segment body, buffered by the caller
   * @param source an index identifying the segment to the caller
   */
  RecordStream(InputStream in, int source) throws IOException {
    this.in = in;
    this.source = source;
    advance();
  }

  boolean valid() {
    return valid;
  }

  byte[] current() {
    return current;
  }

  int source() {
    return source;
  }

  void advance() throws IOException {
    int got = in.readNBytes(current, 0, TokenRecord.LENGTH);
    if (got == TokenRecord.LENGTH) {
      valid = true;
    } else if (got == 0) {
      valid = false;
    } else {
      throw new EOFException("segment ends inside a record");
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
