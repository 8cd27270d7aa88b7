package org.blindmatch.server.log;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.blindmatch.crypto.merkle.MerkleHash;
import org.blindmatch.crypto.merkle.MerkleTree;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.LogPosition;
import org.blindmatch.proto.v1.SignedTreeHead;
import org.blindmatch.proto.v1.TreeHead;
import org.blindmatch.server.store.StoreException;
import org.blindmatch.server.store.SubmissionStore;

/**
 * The clearinghouse's RFC 9162 transparency log: an append-only sequence of entries (opaque
 * bytes; the clearinghouse stores serialized {@code LogEntry} messages), durably kept in the
 * {@link SubmissionStore}, with an in-memory {@link MerkleTree} over their leaf hashes
 * {@link MerkleHash#leafHash}{@code (entry)}. Opening rebuilds the tree from the store, so a
 * restarted log has the same roots and answers the same proofs.
 *
 * <p>An entry is durable when {@link #append} returns, and indices are consecutive from 0
 * (the store enforces this). Appends are idempotent by key, so an entry whose append was
 * interrupted by a crash can be appended again without appearing twice.
 *
 * <p>Thread-safe: appends are serialized; proofs, roots and reads run concurrently with each
 * other. One instance per store: a second writer would make the tree and the store diverge,
 * which {@link #append} detects and reports with {@link IllegalStateException}.
 */
public final class TransparencyLog {
  private static final int LOAD_PAGE = 1024;

  private final SubmissionStore store;
  private final NodeSigner signer;
  private final String clearinghouse;
  private final Clock clock;
  private final MerkleTree tree;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  /** The latest signed head; re-signed only when the tree has grown. Guarded by this. */
  private SignedTreeHead head;
  private long headSize = -1;

  private TransparencyLog(SubmissionStore store, NodeSigner signer, String clearinghouse,
      Clock clock, MerkleTree tree) {
    this.store = store;
    this.signer = signer;
    this.clearinghouse = clearinghouse;
    this.clock = clock;
    this.tree = tree;
  }

  /**
   * Opens the log kept in {@code store}, reading every stored entry to rebuild the tree.
   *
   * @param signer signs tree heads (the clearinghouse's key)
   * @param clearinghouse the identity URI named in tree heads
   * @throws StoreException if the entries cannot be read
   */
  public static TransparencyLog open(SubmissionStore store, NodeSigner signer,
      String clearinghouse, Clock clock) throws StoreException {
    MerkleTree tree = new MerkleTree();
    long size = store.logSize();
    while (tree.size() < size) {
      List<byte[]> page = store.logEntries(tree.size(), Math.min(size, tree.size() + LOAD_PAGE));
      if (page.isEmpty()) {
        throw new StoreException(StoreException.Kind.CORRUPT, "log has " + size
            + " entries but entry " + tree.size() + " cannot be read");
      }
      for (byte[] entry : page) {
        tree.append(MerkleHash.leafHash(entry));
      }
    }
    return new TransparencyLog(Objects.requireNonNull(store), Objects.requireNonNull(signer),
        Objects.requireNonNull(clearinghouse), Objects.requireNonNull(clock), tree);
  }

  /**
   * Durably appends {@code entry} under {@code key} and returns its index. If {@code key} is
   * already in the log with the same entry, returns its index and appends nothing.
   *
   * @param key names the entry for idempotence, e.g. {@code receipt/<submission>}
   * @throws StoreException {@code CONFLICT} if {@code key} holds a different entry;
   *     {@code INVALID_ARGUMENT} for a malformed key; {@code IO}
   */
  public long append(String key, byte[] entry) throws StoreException {
    lock.writeLock().lock();
    try {
      long index = store.appendLogEntry(key, entry);
      if (index == tree.size()) {
        tree.append(MerkleHash.leafHash(entry));
      } else if (index > tree.size()) {
        throw new IllegalStateException("log store has entry " + index + " but the tree only "
            + tree.size() + ": another writer appended to this store");
      }
      return index;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** The number of entries. */
  public long size() {
    lock.readLock().lock();
    try {
      return tree.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * A head for the current tree signed with {@link SignedTreeHeads}. Heads are cached per
   * tree size: while nothing is appended, every call returns the same head (and timestamp).
   */
  public synchronized SignedTreeHead signedTreeHead() throws GeneralSecurityException {
    long size;
    byte[] root;
    lock.readLock().lock();
    try {
      size = tree.size();
      root = tree.root();
    } finally {
      lock.readLock().unlock();
    }
    if (size != headSize) {
      head = SignedTreeHeads.sign(signer, TreeHead.newBuilder()
          .setTreeSize(size)
          .setRootHash(ByteString.copyFrom(root))
          .setTimestamp(clock.millis())
          .setClearinghouse(clearinghouse)
          .build());
      headSize = size;
    }
    return head;
  }

  /**
   * {@code PATH(index, D[0:treeSize])}, see {@link MerkleTree#inclusionProof}.
   *
   * @throws IllegalArgumentException unless {@code 0 <= index < treeSize <= size()}
   */
  public List<byte[]> inclusionProof(long index, long treeSize) {
    lock.readLock().lock();
    try {
      return tree.inclusionProof(index, treeSize);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * {@code PROOF(first, D[0:second])}, see {@link MerkleTree#consistencyProof}.
   *
   * @throws IllegalArgumentException unless {@code 0 <= first <= second <= size()}
   */
  public List<byte[]> consistencyProof(long first, long second) {
    lock.readLock().lock();
    try {
      return tree.consistencyProof(first, second);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Entries {@code [start, min(end, size()))} as stored.
   *
   * @throws IllegalArgumentException unless {@code 0 <= start <= end}
   * @throws StoreException {@code IO}
   */
  public List<byte[]> entries(long start, long end) throws StoreException {
    if (start < 0 || start > end) {
      throw new IllegalArgumentException("range [" + start + ", " + end + ") is not valid");
    }
    return store.logEntries(start, Math.min(end, size()));
  }

  /**
   * The position of entry {@code index}, which must be {@code entry}: the latest signed head
   * and the inclusion proof against it.
   *
   * @throws IllegalArgumentException unless {@code 0 <= index < size()}
   */
  public LogPosition position(long index, byte[] entry) throws GeneralSecurityException {
    SignedTreeHead signed = signedTreeHead();
    long treeSize;
    try {
      treeSize = TreeHead.parseFrom(signed.getTreeHead()).getTreeSize();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("own tree head does not parse", e);
    }
    LogPosition.Builder position = LogPosition.newBuilder()
        .setIndex(index)
        .setEntry(ByteString.copyFrom(entry))
        .setTreeHead(signed);
    for (byte[] hash : inclusionProof(index, treeSize)) {
      position.addInclusionPath(ByteString.copyFrom(hash));
    }
    return position.build();
  }
}
