package org.blindmatch.crypto.tokenfile;

import org.blindmatch.crypto.hash.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.blindmatch.crypto.io.AtomicOutput;
import org.blindmatch.crypto.tokenfile.TokenFileHeader.KeyMode;
import org.blindmatch.crypto.tokenfile.TokenFileHeader.Role;
import org.blindmatch.crypto.tokenfile.TokenFileHeader.TierCount;

/**
 * Streams records into a new token file and makes it appear atomically on {@link #finish}.
 *
 * <p>The header's counts are only known at the end, so a placeholder of the right size is
 * written first and patched in place before the trailer
 * {@code SHA-256(header ‖ SHA-256(body))} is appended. Closing without finishing deletes
 * everything written. Not thread-safe.
 */
public final class TokenFileWriter implements AutoCloseable {
  private static final int BUFFER_RECORDS = 4096;

  private final AtomicOutput out;
  private final Role role;
  private final KeyMode mode;
  private final byte[] scopeDigest;
  private final int keyId;
  private final int[] tierNumbers;
  private final long[] tierCounts = new long[256];
  private final MessageDigest bodyDigest;
  private final byte[] buffer = new byte[BUFFER_RECORDS * TokenRecord.LENGTH];
  private int buffered;
  private long records;
  private final int headerLength;

  private TokenFileWriter(AtomicOutput out, Role role, KeyMode mode, byte[] scopeDigest,
      int keyId, int[] tierNumbers) throws IOException {
    this.out = out;
    this.role = role;
    this.mode = mode;
    this.scopeDigest = scopeDigest.clone();
    this.keyId = keyId;
    this.tierNumbers = tierNumbers.clone();
    this.bodyDigest = Sha256.newDigest();
    this.headerLength = TokenFileHeader.FIXED_LENGTH
        + TokenFileHeader.TIER_ENTRY_LENGTH * tierNumbers.length;
    out.stream().write(new byte[headerLength]);
  }

  /**
   * Starts a token file at {@code path}.
   *
   * @param tierNumbers the tiers the file covers, ascending
   * @param overwrite whether an existing file may be replaced on finish
   */
  public static TokenFileWriter create(Path path, boolean overwrite, Role role, KeyMode mode,
      byte[] scopeDigest, int keyId, int[] tierNumbers) throws IOException {
    AtomicOutput out = AtomicOutput.create(path, overwrite);
    try {
      return new TokenFileWriter(out, role, mode, scopeDigest, keyId, tierNumbers);
    } catch (IOException | RuntimeException e) {
      out.close();
      throw e;
    }
  }

  /**
   * Appends {@code count} records laid out as {@link TokenRecord} in {@code src} from
   * {@code off}.
   */
  public void write(byte[] src, int off, int count) throws IOException {
    for (int i = 0; i < count; i++) {
      int tier = src[off + i * TokenRecord.LENGTH + TokenRecord.TIER_OFFSET] & 0xff;
      tierCounts[tier]++;
    }
    records += count;
    int bytes = count * TokenRecord.LENGTH;
    while (bytes > 0) {
      int n = Math.min(bytes, buffer.length - buffered);
      System.arraycopy(src, off, buffer, buffered, n);
      buffered += n;
      off += n;
      bytes -= n;
      if (buffered == buffer.length) {
        drain();
      }
    }
  }

  private void drain() throws IOException {
    bodyDigest.update(buffer, 0, buffered);
    out.stream().write(buffer, 0, buffered);
    buffered = 0;
  }

  /**
   * Writes the final header and trailer and commits the file.
   *
   * @return the header as written
   * @throws IllegalStateException if a record names a tier the file does not cover
   */
  public TokenFileHeader finish(long rowsRead, long rowsSkipped) throws IOException {
    drain();
    List<TierCount> tiers = new ArrayList<>();
    long covered = 0;
    for (int t : tierNumbers) {
      tiers.add(new TierCount(t, tierCounts[t]));
      covered += tierCounts[t];
    }
    if (covered != records) {
      throw new IllegalStateException("records for tiers the file does not declare");
    }
    TokenFileHeader header = new TokenFileHeader(role, mode, scopeDigest, keyId, records,
        rowsRead, rowsSkipped, tiers);
    byte[] headerBytes = header.encode();
    FileChannel channel = out.channel();
    long end = channel.position();
    writeFully(channel, ByteBuffer.wrap(headerBytes), 0);
    MessageDigest trailer = Sha256.newDigest();
    trailer.update(headerBytes);
    trailer.update(bodyDigest.digest());
    writeFully(channel, ByteBuffer.wrap(trailer.digest()), end);
    channel.position(end + 32);
    out.commit();
    return header;
  }

  private static void writeFully(FileChannel channel, ByteBuffer b, long position)
      throws IOException {
    while (b.hasRemaining()) {
      position += channel.write(b, position);
    }
  }

  /** Discards the file unless {@link #finish} succeeded. */
  @Override
  public void close() throws IOException {
    out.close();
  }
}
