package org.blindmatch.client.csv;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/** Opens input files, transparently decompressing gzip (detected by magic bytes, not name). */
public final class InputFiles {
  private InputFiles() {}

  /** An open input and a live count of the raw (possibly compressed) bytes consumed. */
  public record Opened(InputStream stream, AtomicLong rawBytesRead, long rawSize) {}

  /**
   * Opens {@code path}; gzip content is decompressed.
   *
   * @throws IOException if the file cannot be opened or its gzip header is corrupt
   */
  public static Opened open(Path path) throws IOException {
    long size = Files.size(path);
    AtomicLong counter = new AtomicLong();
    InputStream raw = new CountingInputStream(Files.newInputStream(path), counter);
    BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
    buffered.mark(2);
    int b0 = buffered.read();
    int b1 = buffered.read();
    buffered.reset();
    InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(buffered, 1 << 16) : buffered;
    return new Opened(in, counter, size);
  }

  private static final class CountingInputStream extends FilterInputStream {
    private final AtomicLong counter;

    CountingInputStream(InputStream in, AtomicLong counter) {
      super(in);
      this.counter = counter;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        counter.incrementAndGet();
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        counter.addAndGet(n);
      }
      return n;
    }
  }
}
