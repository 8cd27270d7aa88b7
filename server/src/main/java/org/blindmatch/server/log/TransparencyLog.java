package org.blindmatch.server.log;

import org.blindmatch.core.claims.ClaimVerificationException;
import org.blindmatch.core.claims.Checkpoint;
import org.blindmatch.core.claims.Checkpoints;
import org.blindmatch.core.claims.SignedNote;
import org.blindmatch.core.claims.TreeHeads;
import org.blindmatch.crypto.sign.NoteKey;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.blindmatch.crypto.merkle.MerkleHash;
import org.blindmatch.crypto.merkle.MerkleTree;
import org.blindmatch.crypto.merkle.StreamingMerkleRoot;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.LogPosition;
import org.blindmatch.proto.v1.SignedTreeHead;
import org.blindmatch.proto.v1.TreeHead;
import org.blindmatch.server.store.StoreException;
import org.blindmatch.server.store.LogStorage;

/**
 * The clearinghouse's RFC 9162 transparency log: an append-only sequence of entries (opaque
 * bytes; the clearinghouse stores serialized {@code LogEntry} messages), durably kept in a
 * {@link LogStorage} (its only dependency on the store), with an in-memory {@link MerkleTree} over their leaf hashes
 * {@link MerkleHash#leafHash}{@code (entry)}. Opening rebuilds the tree from the store, so a
 * restarted log has the same roots and answers the same proofs.
 *
 * <p><b>Seal.</b> Every append signs a tree head over the log with the new entry and stores it
 * with the entry in one transaction (the store's log seal); {@link #signedTreeHead} serves it.
 * {@link #open} verifies that the stored entries hash to exactly the sealed head, signed by
 * this clearinghouse's key, and refuses the store otherwise. So the clearinghouse signs heads
 * only over entries it appended itself: entries added, changed or removed in the store by
 * anyone without the signing key (a database administrator, a restored tampered backup) stop
 * the server at start-up instead of being served under a fresh signature. A change made while
 * the server runs is served against heads of its in-memory tree, which auditors' root checks
 * catch. Only the holder of the signing key can re-seal a changed log, and rolling the whole
 * store (or the log with an older head as its seal) back to an earlier sealed state is
 * indistinguishable from that state; auditors' and submitters' later heads are what catch
 * both.
 *
 * <p>An entry is durable when {@link #append} returns, and indices are consecutive from 0
 * (the store enforces this). Appends are idempotent by key, so an entry whose append was
 * interrupted by a crash can be appended again without appearing twice.
 *
 * <p>Thread-safe: appends are serialized; proofs, roots and reads run concurrently with each
 * other. One instance per store: a second writer would make the tree and the store diverge,
 * which {@link #append} detects and reports with {@link IllegalStateException}, then refuses
 * every later append the same way (a restart checks the store against its seal).
 */
public final class TransparencyLog {
  private static final int LOAD_PAGE = 1024;

  private final LogStorage store;
  private final NodeSigner signer;
  /** Signs C2SP checkpoints; null for a log that signs none. */
  private final NoteKey checkpointKey;
  /** The checkpoint origin line, or null. */
  private final String origin;
  private final String clearinghouse;
  private final Clock clock;
  private final MerkleTree tree;
  /** The tree's compact range, to compute the root a new entry would give. Guarded by lock. */
  private final StreamingMerkleRoot frontier;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  /** The head of the current tree, as sealed in the store; null while the log is empty. */
  private volatile SignedTreeHead head;
  /** Why appends are refused for good (another writer appended to the store), or null. */
  private volatile String broken;

  private TransparencyLog(LogStorage store, NodeSigner signer, NoteKey checkpointKey,
      String origin, String clearinghouse, Clock clock, MerkleTree tree,
      StreamingMerkleRoot frontier, SignedTreeHead head) {
    this.store = store;
    this.signer = signer;
    this.checkpointKey = checkpointKey;
    this.origin = origin;
    this.clearinghouse = clearinghouse;
    this.clock = clock;
    this.tree = tree;
    this.frontier = frontier;
    this.head = head;
  }

  /**
   * Opens the log kept in {@code store}, reading every stored entry to rebuild the tree and
   * checking it against the store's seal.
   *
   * @param signer signs tree heads (the clearinghouse's key)
   * @param clearinghouse the identity URI named in tree heads
   * @throws StoreException {@code CORRUPT} if the entries are not exactly those the seal's
   *     head covers, the seal does not verify under {@code signer}'s key or names another
   *     clearinghouse, or entries are stored without a seal; {@code IO} if the entries cannot
   *     be read
   */
  public static TransparencyLog open(LogStorage store, NodeSigner signer,
      String clearinghouse, Clock clock) throws StoreException {
    return open(store, signer, null, null, clearinghouse, clock);
  }

  /**
   * As {@link #open(LogStorage, NodeSigner, String, Clock)}, for a log that also signs C2SP
   * checkpoints (docs/PROTOCOL.md §11) with {@code checkpointKey} under {@code origin}, and
   * names that key in every tree head it signs.
   */
  public static TransparencyLog open(LogStorage store, NodeSigner signer, NoteKey checkpointKey,
      String origin, String clearinghouse, Clock clock) throws StoreException {
    if ((checkpointKey == null) != (origin == null)) {
      throw new IllegalArgumentException("a checkpoint key needs an origin and vice versa");
    }
    MerkleTree tree = new MerkleTree();
    StreamingMerkleRoot frontier = new StreamingMerkleRoot();
    long size = store.logSize();
    while (tree.size() < size) {
      List<byte[]> page = store.logEntries(tree.size(), Math.min(size, tree.size() + LOAD_PAGE));
      if (page.isEmpty()) {
        throw new StoreException(StoreException.Kind.CORRUPT, "log has " + size
            + " entries but entry " + tree.size() + " cannot be read");
      }
      for (byte[] entry : page) {
        byte[] leaf = MerkleHash.leafHash(entry);
        tree.append(leaf);
        frontier.addLeafHash(leaf);
      }
    }
    SignedTreeHead head = checkSeal(store.logSeal(), signer, clearinghouse, tree);
    return new TransparencyLog(Objects.requireNonNull(store), Objects.requireNonNull(signer),
        checkpointKey, origin, Objects.requireNonNull(clearinghouse), Objects.requireNonNull(clock), tree, frontier,
        head);
  }

  /** The sealed head, checked against the rebuilt tree; null for an empty, unsealed log. */
  private static SignedTreeHead checkSeal(Optional<byte[]> seal, NodeSigner signer,
      String clearinghouse, MerkleTree tree) throws StoreException {
    String refuse = " (refusing to sign heads over entries this clearinghouse did not append; "
        + "restore the store from a backup, see docs/OPERATIONS.md)";
    if (seal.isEmpty()) {
      if (tree.size() == 0) {
        return null;
      }
      throw new StoreException(StoreException.Kind.CORRUPT, "the log holds " + tree.size()
          + " entries but no seal (the tree head the clearinghouse signed at its last append):"
          + " the seal was deleted, or the store was written by a blindmatch version before "
          + "seals" + refuse);
    }
    SignedTreeHead signed;
    TreeHead sealed;
    try {
      signed = SignedTreeHead.parseFrom(seal.get());
      sealed = TreeHeads.verify(signer.publicKeysetJson(), signed);
    } catch (InvalidProtocolBufferException | ClaimVerificationException e) {
      throw new StoreException(StoreException.Kind.CORRUPT, "the log's seal does not verify "
          + "against this clearinghouse's signing key (altered, or written with another key)"
          + refuse);
    }
    if (!sealed.getClearinghouse().equals(clearinghouse)) {
      throw new StoreException(StoreException.Kind.CORRUPT, "the log's seal names "
          + sealed.getClearinghouse() + ", not " + clearinghouse + refuse);
    }
    HexFormat hex = HexFormat.of();
    if (sealed.getTreeSize() != tree.size() || !MessageDigest.isEqual(
        sealed.getRootHash().toByteArray(), tree.root())) {
      throw new StoreException(StoreException.Kind.CORRUPT, "the stored log (" + tree.size()
          + " entries, root " + hex.formatHex(tree.root()) + ") is not the one this "
          + "clearinghouse last signed (" + sealed.getTreeSize() + " entries, root "
          + hex.formatHex(sealed.getRootHash().toByteArray()) + "): entries were added, "
          + "changed or removed outside the server" + refuse);
    }
    return signed;
  }

  /**
   * Durably appends {@code entry} under {@code key}, seals the log with a head signed over it
   * and returns its index. If {@code key} is already in the log with the same entry, returns
   * its index and appends nothing.
   *
   * @param key names the entry for idempotence, e.g. {@code receipt/<submission>}
   * @throws StoreException {@code CONFLICT} if {@code key} holds a different entry;
   *     {@code INVALID_ARGUMENT} for a malformed key; {@code IO}
   */
  public long append(String key, byte[] entry) throws StoreException {
    byte[] leaf = MerkleHash.leafHash(entry);
    lock.writeLock().lock();
    try {
      if (broken != null) {
        throw new IllegalStateException(broken);
      }
      SignedTreeHead[] sealed = new SignedTreeHead[1];
      long index = store.appendLogEntry(key, entry, at -> {
        if (at != tree.size()) {
          broken = "log store has entry " + at + " but the tree only " + tree.size()
              + ": another writer appended to this store; no more appends until a restart "
              + "checks the store against its seal";
          throw new IllegalStateException(broken);
        }
        StreamingMerkleRoot next = StreamingMerkleRoot.resume(frontier.size(),
            frontier.frontier());
        next.addLeafHash(leaf);
        sealed[0] = sign(at + 1, next.root());
        return sealed[0].toByteArray();
      });
      if (sealed[0] != null) {
        tree.append(leaf);
        frontier.addLeafHash(leaf);
        head = sealed[0];
      } else if (index >= tree.size()) {
        broken = "log store has entry " + index + " but the tree only " + tree.size()
            + ": another writer appended to this store; no more appends until a restart "
            + "checks the store against its seal";
        throw new IllegalStateException(broken);
      }
      return index;
    } finally {
      lock.writeLock().unlock();
    }
  }

  private SignedTreeHead sign(long size, byte[] root) {
    try {
      TreeHead.Builder head = TreeHead.newBuilder()
          .setTreeSize(size)
          .setRootHash(ByteString.copyFrom(root))
          .setTimestamp(clock.millis())
          .setClearinghouse(clearinghouse);
      if (checkpointKey != null) {
        head.setCheckpointKey(Checkpoints.logKey(origin, checkpointKey).format());
      }
      return TreeHeads.sign(signer, head.build());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a tree head with the loaded key", e);
    }
  }

  /**
   * The C2SP checkpoint of the tree at {@code size}, signed by the checkpoint key. Ed25519 is
   * deterministic, so a size always gets the same note: the log never signs two roots of one
   * size.
   *
   * @throws IllegalStateException if this log signs no checkpoints
   * @throws IllegalArgumentException unless {@code 0 <= size <= size()}
   */
  public SignedNote checkpoint(long size) throws GeneralSecurityException {
    if (checkpointKey == null) {
      throw new IllegalStateException("this log signs no checkpoints");
    }
    byte[] root;
    lock.readLock().lock();
    try {
      if (size < 0 || size > tree.size()) {
        throw new IllegalArgumentException("size " + size + " is not within the tree (0 to "
            + tree.size() + ")");
      }
      root = size == 0 ? MerkleHash.emptyRoot() : tree.root(size);
    } finally {
      lock.readLock().unlock();
    }
    return Checkpoints.sign(new Checkpoint(origin, size, root), checkpointKey);
  }

  /**
   * Keeps {@code line}, a witness's cosignature of this log's checkpoint of {@code size} that
   * the caller verified under {@code witnessKey}, in the store: it survives restarts and is
   * served with the checkpoint ({@link #cosignedCheckpoint}). A witness's first cosignature of
   * a size stays.
   *
   * @throws StoreException {@code IO} if it cannot be kept
   */
  public void keepCosignature(long size, String witnessKey, SignedNote.Signature line)
      throws StoreException {
    store.putCosignature(size, witnessKey, line.line().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The checkpoint of {@code size} ({@link #checkpoint}) with every witness cosignature kept
   * for it.
   *
   * @throws StoreException {@code IO}; {@code CORRUPT} if a kept line no longer parses
   */
  public SignedNote cosignedCheckpoint(long size)
      throws GeneralSecurityException, StoreException {
    SignedNote note = checkpoint(size);
    List<byte[]> kept = store.cosignatures(size);
    if (kept.isEmpty()) {
      return note;
    }
    StringBuilder text = new StringBuilder(note.format());
    kept.forEach(line -> text.append(new String(line, StandardCharsets.UTF_8)));
    try {
      return SignedNote.parse(text.toString());
    } catch (org.blindmatch.core.claims.ClaimVerificationException e) {
      throw new StoreException(StoreException.Kind.CORRUPT, "a kept witness cosignature of "
          + "checkpoint size " + size + " does not parse: " + e.getMessage());
    }
  }

  /** The number of witnesses whose cosignature of the checkpoint of {@code size} is kept. */
  public int cosignatureCount(long size) throws StoreException {
    return store.cosignatures(size).size();
  }

  /** Whether this log signs C2SP checkpoints. */
  public boolean signsCheckpoints() {
    return checkpointKey != null;
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
   * The signed head of the current tree: the one sealed with the last append (its timestamp
   * is that append's time). An empty log has no seal; its head is signed on each call.
   */
  public SignedTreeHead signedTreeHead() throws GeneralSecurityException {
    SignedTreeHead h = head;
    return h != null ? h : sign(0, MerkleHash.emptyRoot());
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
   * The index of the entry appended under {@code key}, if it is in the tree this log serves
   * (an entry a concurrent append has stored but not yet sealed is not).
   *
   * @throws StoreException {@code INVALID_ARGUMENT} for a malformed key; {@code IO}
   */
  public java.util.OptionalLong indexOf(String key) throws StoreException {
    java.util.OptionalLong index = store.logIndex(key);
    return index.isPresent() && index.getAsLong() < size() ? index
        : java.util.OptionalLong.empty();
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
