package org.blindmatch.client.tokenize;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.blindmatch.crypto.io.AtomicOutput;

/**
 * Writes the owner's local mapping {@code handle,<id column>} as CSV (handle in lowercase
 * hex, id quoted per RFC 4180 when needed). The file holds raw record ids or labels: it is
 * created owner-only and must never leave its owner. Atomic like every output. Not
 * thread-safe.
 */
public final class MappingWriter implements AutoCloseable {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private final AtomicOutput out;
  private final OutputStream stream;
  private long lines;
  private byte[] line = new byte[256];

  private MappingWriter(AtomicOutput out, String idColumn) throws IOException {
    this.out = out;
    this.stream = out.stream();
    stream.write(("handle," + idColumn + "\n").getBytes(StandardCharsets.US_ASCII));
  }

  public static MappingWriter create(Path path, boolean overwrite, String idColumn)
      throws IOException {
    AtomicOutput out = AtomicOutput.create(path, overwrite);
    try {
      return new MappingWriter(out, idColumn);
    } catch (IOException | RuntimeException e) {
      out.close();
      throw e;
    }
  }

  /** Appends one line: the handle at {@code handle[off]} and the id bytes {@code id[0,len)}. */
  public void write(byte[] handle, int off, byte[] id, int len) throws IOException {
    int max = 2 * HandleDeriver.LENGTH + 1 + 2 * len + 3;
    if (line.length < max) {
      line = new byte[Math.max(max, line.length * 2)];
    }
    int p = 0;
    for (int i = 0; i < HandleDeriver.LENGTH; i++) {
      int b = handle[off + i] & 0xff;
      line[p++] = HEX[b >>> 4];
      line[p++] = HEX[b & 0xf];
    }
    line[p++] = ',';
    boolean quote = false;
    for (int i = 0; i < len; i++) {
      byte b = id[i];
      if (b == ',' || b == '"' || b == '\n' || b == '\r') {
        quote = true;
        break;
      }
    }
    if (quote) {
      line[p++] = '"';
      for (int i = 0; i < len; i++) {
        if (id[i] == '"') {
          line[p++] = '"';
        }
        line[p++] = id[i];
      }
      line[p++] = '"';
    } else {
      System.arraycopy(id, 0, line, p, len);
      p += len;
    }
    line[p++] = '\n';
    stream.write(line, 0, p);
    lines++;
  }

  /** Lines written, excluding the header. */
  public long lines() {
    return lines;
  }

  public void commit() throws IOException {
    out.commit();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
