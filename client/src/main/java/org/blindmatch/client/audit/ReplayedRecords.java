package org.blindmatch.client.audit;

import org.blindmatch.client.federation.FederationClient;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Iterator;
import org.blindmatch.crypto.merkle.StreamingMerkleRoot;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.blindmatch.proto.v1.GetSubmissionRecordsRequest;
import org.blindmatch.proto.v1.RecordsChunk;

/**
 * One submission's records as the clearinghouse streams them for audit replay, checked while
 * they are read: records whole and ascending, and at the end of the stream exactly the logged
 * receipt's record count and Merkle root. A failed check is a {@link Mismatch}; a failed call a
 * {@link CallFailed}. Holds one chunk at a time. Not thread-safe.
 */
final class ReplayedRecords extends InputStream {
  /** The streamed records are not the ones the receipt commits to. */
  static final class Mismatch extends IOException {
    private static final long serialVersionUID = 1L;

    Mismatch(String message) {
      super(message);
    }
  }

  /** The streaming call failed. */
  static final class CallFailed extends IOException {
    private static final long serialVersionUID = 1L;
    final transient StatusRuntimeException status;

    CallFailed(StatusRuntimeException status) {
      super(FederationClient.describe(status), status);
      this.status = status;
    }
  }

  private final Context.CancellableContext context;
  private final Iterator<RecordsChunk> chunks;
  private final String what;
  private final long expectedCount;
  private final byte[] expectedRoot;
  private final StreamingMerkleRoot root = new StreamingMerkleRoot();
  private final byte[] previous = new byte[TokenRecord.LENGTH];
  private byte[] chunk = new byte[0];
  private int pos;
  private boolean ended;

  /**
   * Starts streaming {@code submissionId} of {@code submitter}.
   *
   * @param expectedCount the logged receipt's record count
   * @param expectedRoot the logged receipt's Merkle root
   */
  ReplayedRecords(FederationClient client, String submitter, String submissionId,
      long expectedCount, byte[] expectedRoot) {
    this.what = "submission " + submissionId + " of " + submitter;
    this.expectedCount = expectedCount;
    this.expectedRoot = expectedRoot.clone();
    this.context = Context.current().withCancellation();
    GetSubmissionRecordsRequest request = GetSubmissionRecordsRequest.newBuilder()
        .setSubmitter(submitter).setSubmissionId(submissionId).build();
    // The call belongs to this context, so close() cancels it even if it was not read out.
    Context previous = context.attach();
    try {
      this.chunks = client.replay().getSubmissionRecords(request);
    } finally {
      context.detach(previous);
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (pos == chunk.length) {
      if (ended || !nextChunk()) {
        return -1;
      }
    }
    int n = Math.min(len, chunk.length - pos);
    System.arraycopy(chunk, pos, b, off, n);
    pos += n;
    return n;
  }

  private boolean nextChunk() throws IOException {
    boolean more;
    try {
      more = chunks.hasNext();
      if (more) {
        chunk = chunks.next().getRecords().toByteArray();
        pos = 0;
      }
    } catch (StatusRuntimeException e) {
      throw new CallFailed(e);
    }
    if (!more) {
      ended = true;
      checkEnd();
      return false;
    }
    if (chunk.length % TokenRecord.LENGTH != 0) {
      throw new Mismatch(what + ": the server sent a chunk of " + chunk.length
          + " bytes, not whole " + TokenRecord.LENGTH + "-byte records");
    }
    for (int off = 0; off < chunk.length; off += TokenRecord.LENGTH) {
      if (root.size() > 0 && Arrays.compareUnsigned(previous, 0, TokenRecord.LENGTH,
          chunk, off, off + TokenRecord.LENGTH) > 0) {
        throw new Mismatch(what + ": record " + root.size() + " is out of order");
      }
      System.arraycopy(chunk, off, previous, 0, TokenRecord.LENGTH);
      root.addLeaf(chunk, off, TokenRecord.LENGTH);
      if (root.size() > expectedCount) {
        throw new Mismatch(what + ": the server sent more than the " + expectedCount
            + " records of the logged receipt");
      }
    }
    return true;
  }

  private void checkEnd() throws Mismatch {
    if (root.size() != expectedCount) {
      throw new Mismatch(what + ": the server sent " + root.size() + " records, the logged "
          + "receipt commits to " + expectedCount);
    }
    if (!MessageDigest.isEqual(root.root(), expectedRoot)) {
      throw new Mismatch(what + ": the streamed records do not hash to the logged receipt's "
          + "Merkle root");
    }
  }

  @Override
  public void close() {
    context.cancel(null);
  }
}
