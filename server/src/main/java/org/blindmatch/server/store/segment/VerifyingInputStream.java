package org.blindmatch.server.store.segment;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import org.blindmatch.server.store.files.DurableFiles;

/**
 * Passes a segment's bytes through and, at end of stream, checks their count and SHA-256
 * against the values recorded at commit. A mismatch turns the final read into an
 * {@link IOException}, so a reader that reaches the end has read exactly the committed body.
 */
final class VerifyingInputStream extends InputStream {
  private final InputStream in;
  private final long expectedLength;
  private final byte[] expectedSha256;
  private final String label;
  private final MessageDigest sha = DurableFiles.sha256();
  private long read;
  private boolean verified;

  VerifyingInputStream(InputStream in, long expectedLength, byte[] expectedSha256,
      String label) {
    this.in = in;
    this.expectedLength = expectedLength;
    this.expectedSha256 = expectedSha256.clone();
    this.label = label;
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b < 0) {
      verifyAtEnd();
      return -1;
    }
    sha.update((byte) b);
    count(1);
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n < 0) {
      verifyAtEnd();
      return -1;
    }
    sha.update(b, off, n);
    count(n);
    return n;
  }

  /** Skipped bytes are read and hashed, so skipping cannot bypass the check. */
  @Override
  public long skip(long n) throws IOException {
    byte[] buffer = new byte[8192];
    long skipped = 0;
    while (skipped < n) {
      int k = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
      if (k < 0) {
        break;
      }
      skipped += k;
    }
    return skipped;
  }

  @Override
  public int available() throws IOException {
    return in.available();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private void count(int n) throws IOException {
    read += n;
    if (read > expectedLength) {
      throw new IOException(label + ": segment is longer than the " + expectedLength
          + " bytes committed");
    }
  }

  private void verifyAtEnd() throws IOException {
    if (verified) {
      return;
    }
    if (read != expectedLength) {
      throw new IOException(label + ": segment ended after " + read + " of "
          + expectedLength + " bytes");
    }
    if (!MessageDigest.isEqual(sha.digest(), expectedSha256)) {
      throw new IOException(label + ": segment does not match its committed SHA-256");
    }
    verified = true;
  }
}
