package org.blindmatch.crypto.tokenfile;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Sorts the records of a token file ascending by their 33 bytes (the order submissions are
 * committed in), with bounded memory: runs of at most {@code runRecords} records are sorted
 * in memory and spilled to temporary files in {@code tempDir}, then merged.
 *
 * <p>In-memory sorting packs the first 5 token bytes and a 24-bit run index into one
 * {@code long}, sorts the longs, and settles the rare equal prefixes by full comparison, so
 * no per-record objects are allocated. Not thread-safe; temporary files are deleted on
 * {@link #close()}.
 */
public final class SortedRecords implements Closeable {
  /** Default run size: 1M records, 33 MiB of records plus 8 MiB of sort keys. */
  public static final int DEFAULT_RUN_RECORDS = 1 << 20;
  private static final int MAX_RUN_RECORDS = 1 << 24;
  private static final int W = TokenRecord.LENGTH;

  private final List<Path> runs = new ArrayList<>();
  private long records;

  private SortedRecords() {}

  /**
   * Reads every record of {@code file} (verifying its checksum) and prepares sorted runs.
   *
   * @throws TokenFileException if the token file is malformed or corrupt
   */
  public static SortedRecords sort(Path file, Path tempDir, int runRecords)
      throws IOException, TokenFileException {
    return sort(List.of(file), tempDir, runRecords);
  }

  /**
   * Reads every record of every file (verifying each checksum) and prepares sorted runs of
   * their union, as for one file (the parts of a {@link TokenFileSet}).
   *
   * @throws TokenFileException if a token file is malformed or corrupt
   */
  public static SortedRecords sort(List<Path> files, Path tempDir, int runRecords)
      throws IOException, TokenFileException {
    if (runRecords < 1 || runRecords > MAX_RUN_RECORDS) {
      throw new IllegalArgumentException("run size must be 1.." + MAX_RUN_RECORDS);
    }
    SortedRecords sorted = new SortedRecords();
    try {
      for (Path file : files) {
        try (TokenFileReader reader = TokenFileReader.open(file)) {
          long total = reader.header().records();
          sorted.records += total;
          byte[] run = new byte[(int) Math.min(total, runRecords) * W];
          byte[] out = new byte[run.length];
          long[] keys = new long[(int) Math.min(total, runRecords)];
          while (true) {
            int n = fill(reader, run, keys.length);
            if (n == 0) {
              break;
            }
            sortRun(run, n, keys, out);
            Path spill = Files.createTempFile(tempDir, "blindmatch-run-", ".tmp");
            sorted.runs.add(spill);
            try (OutputStream o = Files.newOutputStream(spill)) {
              o.write(out, 0, n * W);
            }
          }
          if (total == 0) {
            reader.verify();
          }
        }
      }
      return sorted;
    } catch (IOException | TokenFileException | RuntimeException e) {
      sorted.close();
      throw e;
    }
  }

  private static int fill(TokenFileReader reader, byte[] run, int max)
      throws IOException, TokenFileException {
    int n = 0;
    byte[] chunk = new byte[4096 * W];
    while (n < max) {
      int k = reader.next(chunk, Math.min(4096, max - n));
      if (k == 0) {
        break;
      }
      System.arraycopy(chunk, 0, run, n * W, k * W);
      n += k;
    }
    return n;
  }

  /** Sorts {@code n} records of {@code in} into {@code out}. */
  static void sortRun(byte[] in, int n, long[] keys, byte[] out) {
    for (int i = 0; i < n; i++) {
      int o = i * W;
      long prefix = ((in[o] & 0xffL) << 32) | ((in[o + 1] & 0xffL) << 24)
          | ((in[o + 2] & 0xffL) << 16) | ((in[o + 3] & 0xffL) << 8) | (in[o + 4] & 0xffL);
      // 40-bit prefix, 24-bit index; the sign flip makes signed order unsigned order.
      keys[i] = ((prefix << 24) | i) ^ Long.MIN_VALUE;
    }
    Arrays.sort(keys, 0, n);
    int i = 0;
    while (i < n) {
      int j = i + 1;
      while (j < n && (keys[j] >>> 24) == (keys[i] >>> 24)) {
        j++;
      }
      if (j - i > 1) {
        settleTies(in, keys, i, j);
      }
      i = j;
    }
    for (int k = 0; k < n; k++) {
      System.arraycopy(in, (int) (keys[k] & 0xffffff) * W, out, k * W, W);
    }
  }

  /** Insertion sort of keys[from, to) by full record bytes; runs are tiny. */
  private static void settleTies(byte[] in, long[] keys, int from, int to) {
    for (int a = from + 1; a < to; a++) {
      long key = keys[a];
      int b = a - 1;
      while (b >= from && compare(in, keys[b], key) > 0) {
        keys[b + 1] = keys[b];
        b--;
      }
      keys[b + 1] = key;
    }
  }

  private static int compare(byte[] in, long ka, long kb) {
    int a = (int) (ka & 0xffffff) * W;
    int b = (int) (kb & 0xffffff) * W;
    return Arrays.compareUnsigned(in, a, a + W, in, b, b + W);
  }

  /** Number of records. */
  public long records() {
    return records;
  }

  /** A new cursor over all records in ascending order (a k-way merge of the runs). */
  public Cursor cursor() throws IOException {
    return new Cursor(runs);
  }

  /** Streams records in ascending order without allocating per record. Not thread-safe. */
  public static final class Cursor implements Closeable {
    private final List<InputStream> inputs = new ArrayList<>();
    private final PriorityQueue<Head> heap =
        new PriorityQueue<>((x, y) -> Arrays.compareUnsigned(x.record, y.record));

    /** One run's current record, reused for every record of the run. */
    private static final class Head {
      final byte[] record = new byte[W];
      final InputStream in;

      Head(InputStream in) {
        this.in = in;
      }
    }

    Cursor(List<Path> runs) throws IOException {
      try {
        for (Path p : runs) {
          InputStream in = new BufferedInputStream(Files.newInputStream(p), 1 << 16);
          inputs.add(in);
          advance(new Head(in));
        }
      } catch (IOException e) {
        close();
        throw e;
      }
    }

    private void advance(Head h) throws IOException {
      int got = h.in.readNBytes(h.record, 0, W);
      if (got == W) {
        heap.add(h);
      } else if (got != 0) {
        throw new EOFException("truncated sort run");
      }
    }

    /** Copies the next record into {@code dst[off]}; false at the end. */
    public boolean next(byte[] dst, int off) throws IOException {
      Head h = heap.poll();
      if (h == null) {
        return false;
      }
      System.arraycopy(h.record, 0, dst, off, W);
      advance(h);
      return true;
    }

    @Override
    public void close() throws IOException {
      for (InputStream in : inputs) {
        in.close();
      }
    }
  }

  /** Writes all records in order to {@code out} (for tests and tools). */
  public void writeTo(OutputStream out) throws IOException {
    try (Cursor c = cursor(); OutputStream o = new BufferedOutputStream(out, 1 << 16)) {
      byte[] r = new byte[W];
      while (c.next(r, 0)) {
        o.write(r);
      }
    }
  }

  @Override
  public void close() throws IOException {
    for (Path p : runs) {
      Files.deleteIfExists(p);
    }
    runs.clear();
  }
}
