package org.blindmatch.client.csv;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A streaming RFC 4180 CSV reader over UTF-8 bytes, built for tens of millions of rows.
 *
 * <p>Fields are separated by {@code ,}; records end at {@code \n} or {@code \r\n}; a field
 * that starts with {@code "} is quoted and may contain separators, newlines and {@code ""}
 * for a quote. A leading UTF-8 byte order mark is skipped. Blank lines are not records.
 * Memory is bounded by the longest record, capped at {@link #MAX_RECORD_BYTES}. Not
 * thread-safe; field views are valid until the next call to {@link #next()}.
 */
public final class CsvReader implements Closeable {
  /** Longest record accepted; longer ones are an error, not an unbounded allocation. */
  public static final int MAX_RECORD_BYTES = 1 << 20;
  private static final int MAX_FIELDS = 4096;

  private final InputStream in;
  private final String source;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int lim;
  private boolean eof;

  private byte[] rec = new byte[1024];
  private int recLen;
  private int[] starts = new int[16];
  private int[] ends = new int[16];
  private int fields;
  private long line = 1;
  private long recordLine;
  private FieldView[] views = new FieldView[0];

  /**
   * @param in the decompressed input; closed by {@link #close()}
   * @param source the file name used in error messages
   */
  public CsvReader(InputStream in, String source) throws IOException {
    this.in = in;
    this.source = source;
    fill();
    // a read may return fewer bytes than asked (gzip members, pipes): get 3 for the BOM check
    while (lim < 3 && !eof) {
      int n;
      try {
        n = in.read(buf, lim, buf.length - lim);
      } catch (IOException e) {
        throw new IOException(source + ":1: cannot read the input: " + e.getMessage(), e);
      }
      if (n < 0) {
        eof = true;
      } else {
        lim += n;
      }
    }
    if (lim - pos >= 3 && (buf[0] & 0xff) == 0xEF && (buf[1] & 0xff) == 0xBB
        && (buf[2] & 0xff) == 0xBF) {
      pos = 3;
    }
  }

  /**
   * Reads the next record.
   *
   * @return false at end of input
   * @throws CsvException for an unterminated quote, text after a closing quote, or an
   *     over-long record, naming the file and line
   */
  public boolean next() throws IOException, CsvException {
    while (true) {
      int r = readRecord();
      if (r < 0) {
        return false;
      }
      if (!(fields == 1 && ends[0] == starts[0] && r == 0)) {
        return true;
      }
      // blank line: not a record
    }
  }

  /** Returns -1 at EOF, 0 for an unquoted record, 1 if any field was quoted. */
  private int readRecord() throws IOException, CsvException {
    recLen = 0;
    fields = 0;
    if (pos == lim && !fill()) {
      return -1;
    }
    recordLine = line;
    int quotedAny = 0;
    int fieldStart = 0;
    boolean inQuotes = false;
    boolean afterQuote = false;
    while (true) {
      if (pos == lim && !fill()) {
        if (inQuotes) {
          throw new CsvException(source + ":" + recordLine
              + ": unterminated quoted field (end of file inside quotes)");
        }
        endField(fieldStart);
        return quotedAny;
      }
      if (!inQuotes && !afterQuote) {
        // Fast path: copy the run of ordinary bytes in one go.
        int i = pos;
        while (i < lim) {
          byte c = buf[i];
          if (c == ',' || c == '\n' || c == '"' || c == '\r') {
            break;
          }
          i++;
        }
        if (i > pos) {
          appendRun(pos, i - pos);
          pos = i;
          continue;
        }
      }
      byte b = buf[pos++];
      if (inQuotes) {
        if (b == '"') {
          if (pos == lim) {
            fill();
          }
          if (pos < lim && buf[pos] == '"') {
            pos++;
            append(b);
          } else {
            inQuotes = false;
            afterQuote = true;
          }
        } else {
          if (b == '\n') {
            line++;
          }
          append(b);
        }
      } else if (b == ',') {
        endField(fieldStart);
        fieldStart = recLen;
        afterQuote = false;
      } else if (b == '\n') {
        line++;
        if (!afterQuote && recLen > fieldStart && rec[recLen - 1] == '\r') {
          recLen--;
        }
        endField(fieldStart);
        return quotedAny;
      } else if (b == '"' && recLen == fieldStart && !afterQuote) {
        inQuotes = true;
        quotedAny = 1;
      } else if (afterQuote) {
        if (b == '\r') {
          continue; // tolerated before \n
        }
        throw new CsvException(source + ":" + line
            + ": text after the closing quote of a field");
      } else {
        append(b);
      }
    }
  }

  private void appendRun(int from, int len) throws CsvException {
    if (recLen + len > rec.length) {
      if (recLen + len > MAX_RECORD_BYTES) {
        throw new CsvException(source + ":" + recordLine + ": record longer than "
            + MAX_RECORD_BYTES + " bytes");
      }
      rec = Arrays.copyOf(rec, Math.min(MAX_RECORD_BYTES, Math.max(rec.length * 2, recLen + len)));
    }
    System.arraycopy(buf, from, rec, recLen, len);
    recLen += len;
  }

  private void endField(int start) throws CsvException {
    if (fields == starts.length) {
      if (fields == MAX_FIELDS) {
        throw new CsvException(source + ":" + recordLine + ": more than " + MAX_FIELDS
            + " fields");
      }
      starts = Arrays.copyOf(starts, fields * 2);
      ends = Arrays.copyOf(ends, fields * 2);
    }
    starts[fields] = start;
    ends[fields] = recLen;
    fields++;
  }

  private void append(byte b) throws CsvException {
    if (recLen == rec.length) {
      if (rec.length >= MAX_RECORD_BYTES) {
        throw new CsvException(source + ":" + recordLine + ": record longer than "
            + MAX_RECORD_BYTES + " bytes");
      }
      rec = Arrays.copyOf(rec, rec.length * 2);
    }
    rec[recLen++] = b;
  }

  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    pos = 0;
    lim = 0;
    int n;
    try {
      while ((n = in.read(buf, 0, buf.length)) == 0) {
        // keep reading
      }
    } catch (IOException e) {
      // e.g. a truncated or corrupt gzip stream: say which file and where
      throw new IOException(source + ":" + line + ": cannot read the input: " + e.getMessage(), e);
    }
    if (n < 0) {
      eof = true;
      return false;
    }
    lim = n;
    return true;
  }

  /** Number of fields in the current record. */
  public int fieldCount() {
    return fields;
  }

  /** Line number (1-based) where the current record starts. */
  public long line() {
    return recordLine;
  }

  /** The field as a new String (UTF-8 decoded). */
  public String field(int i) {
    return new String(rec, starts[i], ends[i] - starts[i], StandardCharsets.UTF_8);
  }

  /** Whether the field is empty. */
  public boolean isEmpty(int i) {
    return ends[i] == starts[i];
  }

  /**
   * A reusable view of the field's bytes as Latin-1 characters, without allocating. Valid
   * until the next record. ASCII content reads as itself; any other byte reads as a
   * character above 0x7f, which strict parsers reject.
   */
  public CharSequence view(int i) {
    if (views.length <= i) {
      int old = views.length;
      views = Arrays.copyOf(views, Math.max(i + 1, old * 2));
      for (int k = old; k < views.length; k++) {
        views[k] = new FieldView();
      }
    }
    FieldView v = views[i];
    v.start = starts[i];
    v.end = ends[i];
    return v;
  }

  /** Whether field {@code i} equals {@code other[0, len)} byte for byte. */
  public boolean fieldEquals(int i, byte[] other, int len) {
    return Arrays.equals(rec, starts[i], ends[i], other, 0, len);
  }

  /** Copies field {@code i}'s bytes into {@code dst} (grown if needed); returns it. */
  public byte[] copyField(int i, byte[] dst) {
    int len = ends[i] - starts[i];
    if (dst.length < len) {
      dst = new byte[Math.max(len, dst.length * 2)];
    }
    System.arraycopy(rec, starts[i], dst, 0, len);
    return dst;
  }

  /** Length in bytes of field {@code i}. */
  public int fieldLength(int i) {
    return ends[i] - starts[i];
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private final class FieldView implements CharSequence {
    int start;
    int end;

    @Override
    public int length() {
      return end - start;
    }

    @Override
    public char charAt(int index) {
      if (index < 0 || index >= end - start) {
        throw new IndexOutOfBoundsException(index);
      }
      return (char) (rec[start + index] & 0xff);
    }

    @Override
    public CharSequence subSequence(int s, int e) {
      return toString().substring(s, e);
    }

    @Override
    public String toString() {
      return new String(rec, start, end - start, StandardCharsets.ISO_8859_1);
    }
  }
}
