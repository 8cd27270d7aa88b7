package org.blindmatch.client.submit;

import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.federation.FederationException;
import org.blindmatch.core.limits.Limits;
import org.blindmatch.core.claims.ClaimVerificationException;
import org.blindmatch.core.claims.Commitments;
import org.blindmatch.core.claims.Receipts;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.security.GeneralSecurityException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.blindmatch.crypto.merkle.MerkleProofException;
import org.blindmatch.crypto.merkle.StreamingMerkleRoot;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.crypto.tokenfile.SortedRecords;
import org.blindmatch.crypto.tokenfile.TokenFileException;
import org.blindmatch.crypto.tokenfile.TokenFileHeader;
import org.blindmatch.crypto.tokenfile.TokenFileReader;
import org.blindmatch.crypto.tokenfile.TokenFileSet;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.blindmatch.proto.v1.Chunk;
import org.blindmatch.proto.v1.CommitRequest;
import org.blindmatch.proto.v1.CommitResponse;
import org.blindmatch.proto.v1.Commitment;
import org.blindmatch.proto.v1.GetUploadStatusRequest;
import org.blindmatch.proto.v1.KeyMode;
import org.blindmatch.proto.v1.LogEntry;
import org.blindmatch.proto.v1.LogPosition;
import org.blindmatch.proto.v1.PublishedScope;
import org.blindmatch.proto.v1.Receipt;
import org.blindmatch.proto.v1.ReceiptBody;
import org.blindmatch.proto.v1.SubmissionRole;
import org.blindmatch.proto.v1.TreeHead;
import org.blindmatch.proto.v1.UploadBegin;
import org.blindmatch.proto.v1.UploadRequest;
import org.blindmatch.proto.v1.UploadStatus;
import org.blindmatch.core.claims.LogPositions;

/**
 * Submits a token file: sorts its records (bounded memory), computes the RFC 9162 root,
 * streams chunks with flow control, resumes from the server's next sequence after a dropped
 * connection, commits a signed commitment, and verifies the signed receipt. Not
 * thread-safe.
 */
public final class Submitter {
  private static final int MAX_ATTEMPTS = 5;

  private final FederationClient client;

  public Submitter(FederationClient client) {
    this.client = client;
  }

  /**
   * What a submission produced.
   *
   * @param logPosition where the receipt is in the transparency log, verified against
   *     {@code treeHead}
   * @param treeHead the signed tree head the inclusion proof was checked against
   */
  public record Submitted(String submissionId, long records, byte[] merkleRoot, Receipt receipt,
      ReceiptBody body, LogPosition logPosition, TreeHead treeHead) {}

  /**
   * Submits {@code tokenFile} as {@code submissionId}. {@code tokenFile} may also be a
   * directory of part token files with a manifest ({@link TokenFileSet}, as the Spark job
   * writes): its parts are merged and submitted as one submission.
   *
   * @param progress told the number of records sent so far
   * @throws SubmissionException if the token file is invalid, does not fit the published scope,
   *     or the server refuses the submission (the message says why)
   */
  public Submitted submit(Path tokenFile, String submissionId, Path tempDir,
      LongConsumer progress) throws SubmissionException, IOException {
    TokenFileHeader header;
    List<Path> files;
    try {
      if (Files.isDirectory(tokenFile)) {
        TokenFileSet set = TokenFileSet.open(tokenFile);
        header = set.header();
        files = set.parts();
      } else {
        try (TokenFileReader reader = TokenFileReader.open(tokenFile)) {
          header = reader.header();
        }
        files = List.of(tokenFile);
      }
    } catch (TokenFileException e) {
      throw new SubmissionException(e.getMessage());
    }
    PublishedScope published;
    try {
      published = client.publishedScope();
    } catch (FederationException e) {
      throw new SubmissionException(e.getMessage());
    }
    if (!java.security.MessageDigest.isEqual(header.scopeDigest(),
        published.getScope().getDigest().toByteArray())) {
      throw new SubmissionException(tokenFile + ": scope sha256:" + header.scopeDigestHex()
          + " is not the published scope " + published.getScope().getId());
    }
    try (SortedRecords sorted = SortedRecords.sort(files, tempDir,
        SortedRecords.DEFAULT_RUN_RECORDS)) {
      UploadBegin begin = begin(header, submissionId);
      client.registerSigningKey();
      byte[] root = upload(sorted, begin, progress);
      Commitment commitment = Commitment.newBuilder()
          .setSubmissionId(submissionId)
          .setSubmitter(client.identity().uri().toString())
          .setRole(begin.getRole())
          .setKeyMode(begin.getKeyMode())
          .setScopeDigest(begin.getScopeDigest())
          .setKeyId(begin.getKeyId())
          .addAllTiers(begin.getTiersList())
          .setRecordCount(begin.getRecordCount())
          .setMerkleRoot(ByteString.copyFrom(root))
          .build();
      CommitResponse response = client.submissions().commit(
          Commitments.sign(client.signer(), commitment));
      Receipt receipt = response.getReceipt();
      ReceiptBody body = verifyReceipt(receipt, commitment, published);
      TreeHead head = verifyLogged(receipt, response.getLogPosition(), published);
      return new Submitted(submissionId, sorted.records(), root, receipt, body,
          response.getLogPosition(), head);
    } catch (TokenFileException e) {
      throw new SubmissionException(e.getMessage());
    } catch (StatusRuntimeException e) {
      throw new SubmissionException("submission " + submissionId + " failed: "
          + FederationClient.describe(e));
    } catch (GeneralSecurityException e) {
      throw new SubmissionException("cannot sign the commitment: " + e.getMessage());
    }
  }

  private static ReceiptBody verifyReceipt(Receipt receipt, Commitment commitment,
      PublishedScope published) throws SubmissionException {
    ReceiptBody body;
    try {
      body = Receipts.verify(published.getClearinghousePublicKeyset(), receipt);
    } catch (ClaimVerificationException e) {
      throw new SubmissionException("the receipt's signature does not verify against the "
          + "clearinghouse's published key");
    }
    if (!body.getCommitment().equals(commitment)) {
      throw new SubmissionException("the receipt does not restate our commitment");
    }
    return body;
  }

  /** Checks that the log position holds exactly this receipt and that its proof verifies. */
  private static TreeHead verifyLogged(Receipt receipt, LogPosition position,
      PublishedScope published) throws SubmissionException {
    try {
      if (!LogEntry.parseFrom(position.getEntry()).getReceipt().equals(receipt)) {
        throw new SubmissionException("the log position is not for our receipt");
      }
      return LogPositions.verify(published.getClearinghousePublicKeyset(), position);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new SubmissionException("the log position's entry is not a LogEntry");
    } catch (ClaimVerificationException e) {
      throw new SubmissionException("the receipt's log position does not verify against the "
          + "clearinghouse's published key: " + e.getMessage());
    }
  }

  private static byte[] root(SortedRecords sorted) throws IOException {
    StreamingMerkleRoot root = new StreamingMerkleRoot();
    byte[] r = new byte[TokenRecord.LENGTH];
    try (SortedRecords.Cursor c = sorted.cursor()) {
      while (c.next(r, 0)) {
        root.addLeaf(r, 0, TokenRecord.LENGTH);
      }
    }
    return root.root();
  }

  private static UploadBegin begin(TokenFileHeader h, String submissionId) {
    UploadBegin.Builder b = UploadBegin.newBuilder()
        .setSubmissionId(submissionId)
        .setRole(h.role() == TokenFileHeader.Role.REPORT
            ? SubmissionRole.SUBMISSION_ROLE_REPORT : SubmissionRole.SUBMISSION_ROLE_WATCHLIST)
        .setKeyMode(h.mode() == TokenFileHeader.KeyMode.HMAC
            ? KeyMode.KEY_MODE_HMAC : KeyMode.KEY_MODE_OPRF)
        .setScopeDigest(ByteString.copyFrom(h.scopeDigest()))
        .setKeyId(h.keyId())
        .setRecordCount(h.records());
    for (TokenFileHeader.TierCount t : h.tiers()) {
      b.addTiers(t.tierNumber());
    }
    return b.build();
  }

  /**
   * Uploads from where the server stands, retrying dropped connections, and returns the
   * Merkle root of all records (computed on the way, skipped records included).
   */
  private byte[] upload(SortedRecords sorted, UploadBegin begin, LongConsumer progress)
      throws IOException, SubmissionException {
    for (int attempt = 1; ; attempt++) {
      long next = 0;
      try {
        UploadStatus status = client.submissions().getUploadStatus(
            GetUploadStatusRequest.newBuilder().setSubmissionId(begin.getSubmissionId()).build());
        if (status.getCommitted()) {
          return root(sorted);
        }
        next = status.getNextSequence();
        long chunks = (sorted.records() + Limits.CHUNK_RECORDS - 1) / Limits.CHUNK_RECORDS;
        if (Long.compareUnsigned(next, chunks) > 0) { // uint64: 2^63 and above too
          throw new SubmissionException("the clearinghouse reports "
              + Long.toUnsignedString(next) + " chunks of submission "
              + begin.getSubmissionId() + " received, but it has only " + chunks);
        }
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
          if (retryable(e) && attempt < MAX_ATTEMPTS) {
            backOff(attempt);
            continue;
          }
          throw e;
        }
      }
      try {
        return streamFrom(sorted, begin, next, progress);
      } catch (StatusRuntimeException e) {
        if (!retryable(e) || attempt >= MAX_ATTEMPTS) {
          throw e;
        }
        backOff(attempt);
      }
    }
  }

  private static boolean retryable(StatusRuntimeException e) {
    Status.Code c = e.getStatus().getCode();
    return c == Status.Code.UNAVAILABLE || c == Status.Code.DEADLINE_EXCEEDED
        || c == Status.Code.CANCELLED;
  }

  private static void backOff(int attempt) {
    try {
      Thread.sleep(250L << Math.min(attempt, 5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * One Upload stream from chunk {@code first}, honouring transport flow control; returns
   * the Merkle root over all records.
   */
  private byte[] streamFrom(SortedRecords sorted, UploadBegin begin, long first,
      LongConsumer progress) throws IOException {
    CountDownLatch done = new CountDownLatch(1);
    AtomicReference<Throwable> error = new AtomicReference<>();
    StreamingMerkleRoot root = new StreamingMerkleRoot();
    try (SortedRecords.Cursor cursor = sorted.cursor()) {
      byte[] skip = new byte[TokenRecord.LENGTH];
      for (long i = 0; i < first * Limits.CHUNK_RECORDS && cursor.next(skip, 0); i++) {
        root.addLeaf(skip, 0, TokenRecord.LENGTH); // already stored by the server
      }
      ClientResponseObserver<UploadRequest, UploadStatus> observer = new ClientResponseObserver<>() {
        private ClientCallStreamObserver<UploadRequest> requests;
        private long sequence = first;
        private long sent = first * Limits.CHUNK_RECORDS;
        private boolean begun;
        private boolean finished;
        private final byte[] chunk = new byte[Limits.CHUNK_RECORDS * TokenRecord.LENGTH];

        @Override
        public void beforeStart(ClientCallStreamObserver<UploadRequest> r) {
          requests = r;
          r.setOnReadyHandler(this::pump);
        }

        private synchronized void pump() {
          try {
            while (!finished && requests.isReady()) {
              if (!begun) {
                requests.onNext(UploadRequest.newBuilder().setBegin(begin).build());
                begun = true;
                continue;
              }
              int n = 0;
              while (n < Limits.CHUNK_RECORDS && cursor.next(chunk, n * TokenRecord.LENGTH)) {
                root.addLeaf(chunk, n * TokenRecord.LENGTH, TokenRecord.LENGTH);
                n++;
              }
              if (n == 0) {
                finished = true;
                requests.onCompleted();
                return;
              }
              requests.onNext(UploadRequest.newBuilder().setChunk(Chunk.newBuilder()
                  .setSequence(sequence++)
                  .setRecords(ByteString.copyFrom(chunk, 0, n * TokenRecord.LENGTH))).build());
              sent += n;
              progress.accept(sent);
            }
          } catch (IOException | RuntimeException e) {
            finished = true;
            requests.cancel("client failed to read its records", e);
          }
        }

        @Override
        public void onNext(UploadStatus value) {}

        @Override
        public void onError(Throwable t) {
          error.set(t);
          done.countDown();
        }

        @Override
        public void onCompleted() {
          done.countDown();
        }
      };
      client.submissionsAsync().withDeadlineAfter(FederationClient.DEADLINE_SECONDS * 10,
          TimeUnit.SECONDS).upload(observer);
      try {
        done.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    Throwable t = error.get();
    if (t instanceof StatusRuntimeException s) {
      throw s;
    }
    if (t != null) {
      throw Status.fromThrowable(t).asRuntimeException();
    }
    return root.root();
  }
}
