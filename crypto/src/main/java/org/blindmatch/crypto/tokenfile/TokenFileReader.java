package org.blindmatch.crypto.tokenfile;

import org.blindmatch.crypto.hash.Sha256;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * Reads a v1 token file: validates the header and the file length on {@link #open}, streams
 * records with {@link #next}, and checks the trailing checksum once the last record is
 * read. Not thread-safe.
 */
public final class TokenFileReader implements AutoCloseable {
  private final Path path;
  private final FileChannel channel;
  private final InputStream in;
  private final TokenFileHeader header;
  private final byte[] headerBytes;
  private final MessageDigest bodyDigest = Sha256.newDigest();
  private long remaining;

  private TokenFileReader(Path path, FileChannel channel, TokenFileHeader header,
      byte[] headerBytes) {
    this.path = path;
    this.channel = channel;
    this.header = header;
    this.headerBytes = headerBytes;
    this.remaining = header.records();
    this.in = new BufferedInputStream(Channels.newInputStream(channel), 1 << 16);
  }

  /**
   * Opens a token file.
   *
   * @throws TokenFileException if the header is invalid or the file length does not match it
   */
  public static TokenFileReader open(Path path) throws IOException, TokenFileException {
    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
    try {
      ByteBuffer fixed = ByteBuffer.allocate(TokenFileHeader.FIXED_LENGTH + 255 * 9);
      while (fixed.hasRemaining() && channel.read(fixed) >= 0) {
        // fill
      }
      fixed.flip();
      TokenFileHeader header;
      try {
        header = TokenFileHeader.decode(fixed);
      } catch (TokenFileException e) {
        throw new TokenFileException(path + ": " + e.getMessage());
      }
      long expected = header.length() + header.records() * TokenRecord.LENGTH + 32;
      if (channel.size() != expected) {
        throw new TokenFileException(path + ": file is " + channel.size() + " bytes, header says "
            + expected + " (truncated or trailing data)");
      }
      channel.position(header.length());
      return new TokenFileReader(path, channel, header, header.encode());
    } catch (IOException | TokenFileException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  public TokenFileHeader header() {
    return header;
  }

  /**
   * Reads up to {@code max} records into {@code dst}; returns how many, 0 at the end. After
   * the last record the trailer is verified.
   *
   * @throws TokenFileException if the checksum does not match
   */
  public int next(byte[] dst, int max) throws IOException, TokenFileException {
    int n = (int) Math.min(max, remaining);
    if (n == 0) {
      return 0;
    }
    int bytes = n * TokenRecord.LENGTH;
    readFully(dst, bytes);
    bodyDigest.update(dst, 0, bytes);
    remaining -= n;
    if (remaining == 0) {
      verifyTrailer();
    }
    return n;
  }

  /** Reads every record, verifying the checksum; returns the record count. */
  public long verify() throws IOException, TokenFileException {
    byte[] buf = new byte[4096 * TokenRecord.LENGTH];
    long total = 0;
    int n;
    while ((n = next(buf, 4096)) > 0) {
      total += n;
    }
    if (header.records() == 0) {
      verifyTrailer();
    }
    return total;
  }

  private void verifyTrailer() throws IOException, TokenFileException {
    byte[] trailer = new byte[32];
    readFully(trailer, 32);
    MessageDigest expected = Sha256.newDigest();
    expected.update(headerBytes);
    expected.update(bodyDigest.digest());
    if (!MessageDigest.isEqual(expected.digest(), trailer)) {
      throw new TokenFileException(path + ": checksum mismatch: the file is corrupted");
    }
  }

  private void readFully(byte[] dst, int len) throws IOException {
    int off = 0;
    while (off < len) {
      int r = in.read(dst, off, len - off);
      if (r < 0) {
        throw new EOFException(path + ": unexpected end of file");
      }
      off += r;
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
