package org.blindmatch.core.match;

import java.io.Closeable;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A k-way merge of sorted record streams, ascending by record bytes (so by token first).
 * Not thread-safe.
 */
final class MergedStream implements Closeable {
  private final List<RecordStream> streams;
  private final PriorityQueue<RecordStream> heap = new PriorityQueue<>(
      (a, b) -> Arrays.compareUnsigned(a.current(), b.current()));

  MergedStream(List<RecordStream> streams) {
    this.streams = streams;
    for (RecordStream s : streams) {
      if (s.valid()) {
        heap.add(s);
      }
    }
  }

  /** The stream holding the smallest current record, or null at the end. */
  RecordStream peek() {
    return heap.peek();
  }

  /** Advances the stream returned by {@link #peek()}. */
  void advance() throws IOException {
    RecordStream s = heap.poll();
    s.advance();
    if (s.valid()) {
      heap.add(s);
    }
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (RecordStream s : streams) {
      try {
        s.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
