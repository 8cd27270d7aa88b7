package org.blindmatch.bench;

import org.blindmatch.core.claims.Receipts;
import org.blindmatch.core.claims.Commitments;
import com.google.protobuf.ByteString;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.blindmatch.client.audit.AuditState;
import org.blindmatch.client.audit.LogEntryChecker;
import org.blindmatch.client.audit.LogPages;
import org.blindmatch.crypto.merkle.MerkleHash;
import org.blindmatch.crypto.merkle.MerkleTree;
import org.blindmatch.crypto.merkle.MerkleVerifier;
import org.blindmatch.crypto.merkle.StreamingMerkleRoot;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.Commitment;
import org.blindmatch.proto.v1.KeyEpoch;
import org.blindmatch.proto.v1.KeyMode;
import org.blindmatch.proto.v1.LogEntry;
import org.blindmatch.proto.v1.Member;
import org.blindmatch.proto.v1.Receipt;
import org.blindmatch.proto.v1.ReceiptBody;
import org.blindmatch.proto.v1.ScopePublication;
import org.blindmatch.proto.v1.SubmissionRole;
import org.blindmatch.server.log.TransparencyLog;
import org.blindmatch.server.store.MetadataLocation;
import org.blindmatch.server.store.segment.SegmentSubmissionStore;

/**
 * The transparency log at scale: durable appends (SQLite, one fsynced transaction each), the
 * in-memory tree at {@code entries} leaves, inclusion and consistency proof generation and
 * verification at that size, and an auditor verifying {@code audited} signed entries from
 * scratch ({@link LogPages}, the loop {@code audit verify} runs, without the network). The signed entries are made first (in parallel) and written
 * to a file, which the audit then reads 256 entries at a time, so the heap stays bounded at
 * any size. Baselines, measured in the same run: raw SHA-256 leaf hashing of the same entries,
 * and one ECDSA P-256 verification on one thread.
 */
final class LogBench {
  private static final int DURABLE_APPENDS = 1000;
  private static final int PROOFS = 20_000;
  private static final int SUBMITTERS = 50;
  /** Entries per page, as the server returns them to GetEntries. */
  private static final int PAGE = 256;

  private LogBench() {}

  /**
   * @param entries the tree size for appends and proofs
   * @param audited how many signed entries the from-scratch audit checks (signing them is the
   *     slow part of the set-up); if fewer than {@code entries}, its time for {@code entries}
   *     is extrapolated from the rate
   */
  static void run(int entries, int audited, Path dir) throws Exception {
    System.out.printf("transparency log, %,d entries, %,d audited, %d cores%n", entries,
        audited, Runtime.getRuntime().availableProcessors());
    NodeSigner ch = NodeSigner.of(NodeSigner.generate());
    byte[] scope = new byte[32];
    Arrays.fill(scope, (byte) 7);

    Files.createDirectories(dir);
    Path signedFile = Files.createTempFile(dir, "log-bench", ".entries");
    try {
      run(entries, audited, dir, ch, scope, signedFile);
    } finally {
      Files.deleteIfExists(signedFile);
    }
  }

  private static void run(int entries, int audited, Path dir, NodeSigner ch, byte[] scope,
      Path signedFile) throws Exception {
    long t0 = System.nanoTime();
    SignedLog signed = SignedLog.write(signedFile, ch, scope, audited);
    System.out.printf("  set-up: %,d signed entries (%,d MB) in %.1f s%n", audited,
        Files.size(signedFile) >> 20, (System.nanoTime() - t0) / 1e9);
    // The tree's entries: receipt-sized random blobs made on the fly (hashing does not
    // depend on content; kept out of the heap).
    int blobLength = signed.lastEntry().length;
    java.util.function.IntFunction<byte[]> log = i -> {
      byte[] b = new byte[blobLength];
      new SplittableRandom(i).nextBytes(b);
      return b;
    };
    int size = entries;

    // Baseline: raw SHA-256 of every entry with the leaf prefix.
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    long sink = 0;
    t0 = System.nanoTime();
    for (int i = 0; i < size; i++) {
      sha.update((byte) 0);
      sink += sha.digest(log.apply(i))[0];
    }
    double hashS = (System.nanoTime() - t0) / 1e9;
    double hashRate = size / hashS;
    System.out.printf("  baseline: raw SHA-256 leaf hashing %,.0f entries/s (%,d entries of %d "
        + "bytes in %.2f s)%n", hashRate, size, blobLength, hashS);

    // The in-memory tree the clearinghouse keeps.
    MerkleTree tree = new MerkleTree();
    t0 = System.nanoTime();
    for (int i = 0; i < size; i++) {
      tree.append(MerkleHash.leafHash(log.apply(i)));
    }
    double treeRate = size / ((System.nanoTime() - t0) / 1e9);
    byte[] root = tree.root();

    // Proofs at the full size: random indices and old sizes.
    SplittableRandom rnd = new SplittableRandom(1);
    long n = tree.size();
    long[] idx = rnd.longs(PROOFS, 0, n).toArray();
    long[] old = rnd.longs(PROOFS, 1, n).toArray();
    for (int w = 0; w < 2; w++) { // warm-up rounds
      for (int i = 0; i < PROOFS / 4; i++) {
        sink += tree.inclusionProof(idx[i], n).size() + tree.consistencyProof(old[i], n).size();
      }
    }
    t0 = System.nanoTime();
    List<List<byte[]>> inclusion = new ArrayList<>(PROOFS);
    for (long i : idx) {
      inclusion.add(tree.inclusionProof(i, n));
    }
    double inclusionUs = (System.nanoTime() - t0) / 1e3 / PROOFS;
    t0 = System.nanoTime();
    List<List<byte[]>> consistency = new ArrayList<>(PROOFS);
    for (long m : old) {
      consistency.add(tree.consistencyProof(m, n));
    }
    double consistencyUs = (System.nanoTime() - t0) / 1e3 / PROOFS;
    t0 = System.nanoTime();
    for (int i = 0; i < PROOFS; i++) {
      MerkleVerifier.verifyInclusion(MerkleHash.leafHash(log.apply((int) idx[i])), idx[i], n,
          inclusion.get(i), root);
    }
    double verifyInclusionUs = (System.nanoTime() - t0) / 1e3 / PROOFS;
    t0 = System.nanoTime();
    for (int i = 0; i < PROOFS; i++) {
      MerkleVerifier.verifyConsistency(old[i], n, tree.root(old[i]), root, consistency.get(i));
    }
    double verifyConsistencyUs = (System.nanoTime() - t0) / 1e3 / PROOFS;
    double hashUs = 1e6 / hashRate;

    // Baselines for the audit: one ECDSA P-256 verification on one thread as NodeSigner does
    // it (Tink, natively through Conscrypt where it loads), and the same in the JDK's SunEC.
    LogEntry sample = LogEntry.parseFrom(signed.lastEntry());
    byte[] body = sample.getReceipt().getBody().toByteArray();
    double verifyRate = verifyRate(ch, body, Math.min(20_000, audited));
    double allCoresRate = allCoresVerifyRate(ch, body, Math.min(60_000, audited));
    double sunEcRate = sunEcVerifyRate(body, Math.min(1000, audited));

    // An auditor's first audit, as audit verify runs it (LogPages): every entry read page by
    // page, parsed and its signature verified on all cores while the previous page is checked,
    // and hashed into the root.
    t0 = System.nanoTime();
    LogEntryChecker checker = new LogEntryChecker(ch.publicKeysetJson(), "bench");
    AuditState state = new AuditState();
    LogEntryChecker.Counts counts = new LogEntryChecker.Counts();
    StreamingMerkleRoot audit = new StreamingMerkleRoot();
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(
        Files.newInputStream(signedFile), 1 << 20))) {
      long[] position = {0};
      LogPages.check((from, to) -> {
        if (from != position[0]) {
          throw new IllegalStateException("pages read out of order");
        }
        List<ByteString> page = new ArrayList<>(PAGE);
        try {
          for (long i = from; i < Math.min(to, from + PAGE); i++) {
            byte[] e = new byte[in.readInt()];
            in.readFully(e);
            page.add(ByteString.copyFrom(e));
          }
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        position[0] += page.size();
        return page;
      }, audited, checker, state, counts, audit, (run, index) -> { });
    }
    LogEntryChecker.requireNothingPending(state);
    double verifyS = (System.nanoTime() - t0) / 1e9;
    if (!Arrays.equals(audit.root(), signed.root())
        || counts.receipts() != audited - 2 - SUBMITTERS) {
      throw new IllegalStateException("the audit did not reproduce the log");
    }
    double auditRate = audited / verifyS;

    // The same audit of `size` entries that carry no signature (member entries of one node
    // with changing certificates): what the audit costs apart from signatures (parsing,
    // checks, paging, hashing into the root).
    t0 = System.nanoTime();
    AuditState unsignedState = new AuditState();
    StreamingMerkleRoot unsignedRoot = new StreamingMerkleRoot();
    byte[] fp = new byte[32];
    String submitterKeyset = signed.submitterKeyset();
    for (int from = 0; from < size; from += PAGE) {
      List<ByteString> page = new ArrayList<>(PAGE);
      for (int i = from; i < Math.min(size, from + PAGE); i++) {
        fp[0] = (byte) i;
        page.add(LogEntry.newBuilder().setMember(Member.newBuilder()
            .setIdentity("blindmatch://bench/platform/p0").setRole("platform")
            .setCertificateSha256(ByteString.copyFrom(fp))
            .setSigningKeyset(submitterKeyset)
            .setSigningKeysetSha256(ByteString.copyFrom(NodeSigner.fingerprint(
                submitterKeyset)))).build().toByteString());
      }
      checker.checkPage(page, from, unsignedState, counts);
      for (ByteString e : page) {
        byte[] leaf = e.toByteArray();
        unsignedRoot.addLeaf(leaf, 0, leaf.length);
      }
    }
    double unsignedS = (System.nanoTime() - t0) / 1e9;
    sink += unsignedRoot.root()[0];

    // Durable appends: each its own fsynced SQLite transaction.
    Path data = Files.createTempDirectory(Files.createDirectories(dir), "log-bench");
    int durable = Math.min(DURABLE_APPENDS, size);
    double appendRate;
    try (SegmentSubmissionStore store = SegmentSubmissionStore.open(data,
        MetadataLocation.embedded())) {
      TransparencyLog tl = TransparencyLog.open(store, ch, "blindmatch://bench/clearinghouse/c",
          Clock.systemUTC());
      t0 = System.nanoTime();
      for (int i = 0; i < durable; i++) {
        tl.append("e/" + i, log.apply(i));
      }
      appendRate = durable / ((System.nanoTime() - t0) / 1e9);
      sink += tl.signedTreeHead().getSignature().size();
    }

    System.out.printf("  durable append (SQLite WAL, synchronous=FULL, %d appends): %,.0f "
        + "entries/s%n", durable, appendRate);
    System.out.printf("  in-memory tree append: %,.0f entries/s (%.2fx the raw leaf hashing)%n",
        treeRate, treeRate / hashRate);
    System.out.printf("RESULT log proofs at %,d entries: inclusion %.1f us, consistency %.1f "
        + "us (generation, mean of %,d; target < 1000 us) = %.0fx / %.0fx one leaf hash; "
        + "verification %.1f us / %.1f us%n", n, inclusionUs, consistencyUs, PROOFS,
        inclusionUs / hashUs, consistencyUs / hashUs, verifyInclusionUs, verifyConsistencyUs);
    System.out.printf("RESULT log audit from scratch: %,d entries (%,d receipts, each with "
        + "its submitter's commitment signature) in %.1f s = %,.0f entries/s, so %,d entries "
        + "in %.1f s (target < 60 s for 10^6); baselines: ECDSA P-256 verification by %s on "
        + "all %d cores %,.0f/s (audit = %.2fx that: its ceiling), on one thread %,.0f/s "
        + "(audit = %.2fx), the same in the JDK (SunEC) %,.0f/s (%.0fx slower); raw SHA-256 "
        + "leaf hashing %,.0f entries/s (%.0fx faster)  [sink %d]%n", audited,
        counts.receipts(), verifyS, auditRate, entries, entries / auditRate,
        NodeSigner.implementation(), Runtime.getRuntime().availableProcessors(), allCoresRate,
        auditRate / allCoresRate, verifyRate, auditRate / verifyRate, sunEcRate,
        verifyRate / sunEcRate, hashRate, hashRate / auditRate, sink & 1);
    System.out.printf("RESULT log audit from scratch without signatures: %,d member entries "
        + "(built, checked, hashed) in %.1f s = %,.0f entries/s (target < 60 s for 10^6)%n",
        size, unsignedS, size / unsignedS);
  }

  /** Single-thread verifications per second of one signature by {@code signer}. */
  private static double verifyRate(NodeSigner signer, byte[] data, int n) throws Exception {
    NodeSigner.Verifier verifier = NodeSigner.verifier(signer.publicKeysetJson());
    byte[] signature = signer.sign(data);
    for (int i = 0; i < n / 4; i++) { // warm-up
      verifier.verify(data, signature);
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      verifier.verify(data, signature);
    }
    return n / ((System.nanoTime() - t0) / 1e9);
  }

  /**
   * Verifications per second of one signature by {@code signer} on all cores (a parallel
   * stream, as the audit verifies): the ceiling of an audit of signed receipts.
   */
  private static double allCoresVerifyRate(NodeSigner signer, byte[] data, int n)
      throws Exception {
    NodeSigner.Verifier verifier = NodeSigner.verifier(signer.publicKeysetJson());
    byte[] signature = signer.sign(data);
    java.util.function.IntConsumer verify = i -> {
      try {
        verifier.verify(data, signature);
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    };
    IntStream.range(0, n / 4).parallel().forEach(verify); // warm-up
    long t0 = System.nanoTime();
    IntStream.range(0, n).parallel().forEach(verify);
    return n / ((System.nanoTime() - t0) / 1e9);
  }

  /** Single-thread SHA256withECDSA P-256 verifications per second in the JDK's SunEC. */
  private static double sunEcVerifyRate(byte[] data, int n) throws Exception {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC", "SunEC");
    g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    java.security.KeyPair keys = g.generateKeyPair();
    java.security.Signature signer = java.security.Signature.getInstance("SHA256withECDSA",
        "SunEC");
    signer.initSign(keys.getPrivate());
    signer.update(data);
    byte[] signature = signer.sign();
    java.security.Signature verifier = java.security.Signature.getInstance("SHA256withECDSA",
        "SunEC");
    long t0 = 0;
    for (int i = -n / 4; i < n; i++) { // a quarter warm-up
      if (i == 0) {
        t0 = System.nanoTime();
      }
      verifier.initVerify(keys.getPublic());
      verifier.update(data);
      if (!verifier.verify(signature)) {
        throw new IllegalStateException("SunEC did not verify its own signature");
      }
    }
    return n / ((System.nanoTime() - t0) / 1e9);
  }

  /**
   * Signed entries written to a file as 4-byte length and bytes: a scope, its key epoch,
   * {@value #SUBMITTERS} submitters' member entries, then receipts of distinct submissions,
   * each commitment signed by its submitter and each body by the clearinghouse, as the server
   * logs them. Receipts are signed in parallel, a chunk at a time, so only one chunk is in the
   * heap.
   *
   * @param root the RFC 9162 root of the entries
   * @param lastEntry the last entry (a receipt)
   * @param submitterKeyset the first submitter's public signing keyset
   */
  private record SignedLog(byte[] root, byte[] lastEntry, String submitterKeyset) {
    private static final int CHUNK = 8192;

    static SignedLog write(Path file, NodeSigner ch, byte[] scope, int entries)
        throws Exception {
      NodeSigner[] submitters = new NodeSigner[SUBMITTERS];
      List<byte[]> head = new ArrayList<>();
      head.add(LogEntry.newBuilder().setScope(ScopePublication.newBuilder().setScopeId("bench")
          .setScopeDigest(ByteString.copyFrom(scope)).setKThreshold(5)).build().toByteArray());
      head.add(LogEntry.newBuilder().setKeyEpoch(KeyEpoch.newBuilder()
          .setMode(KeyMode.KEY_MODE_HMAC).setKeyId(1).setScopeDigest(
              ByteString.copyFrom(scope))).build().toByteArray());
      byte[] fp = new byte[32];
      for (int p = 0; p < SUBMITTERS; p++) {
        submitters[p] = NodeSigner.of(NodeSigner.generate());
        String keyset = submitters[p].publicKeysetJson();
        head.add(LogEntry.newBuilder().setMember(Member.newBuilder()
            .setIdentity(submitter(p)).setRole("platform").setCertificateSha256(
                ByteString.copyFrom(fp)).setSigningKeyset(keyset)
            .setSigningKeysetSha256(ByteString.copyFrom(NodeSigner.fingerprint(keyset))))
            .build().toByteArray());
      }
      StreamingMerkleRoot root = new StreamingMerkleRoot();
      byte[] last = null;
      try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
          Files.newOutputStream(file), 1 << 20))) {
        for (int from = 0; from < entries; from += CHUNK) {
          byte[][] chunk = IntStream.range(from, Math.min(entries, from + CHUNK)).parallel()
              .mapToObj(i -> i < head.size() ? head.get(i) : receipt(ch, submitters, scope, i))
              .toArray(byte[][]::new);
          for (byte[] e : chunk) {
            out.writeInt(e.length);
            out.write(e);
            root.addLeaf(e, 0, e.length);
            last = e;
          }
        }
      }
      return new SignedLog(root.root(), last, submitters[0].publicKeysetJson());
    }

    private static byte[] receipt(NodeSigner ch, NodeSigner[] submitters, byte[] scope, int i) {
      byte[] merkleRoot = new byte[32];
      new SplittableRandom(i).nextBytes(merkleRoot);
      Commitment c = Commitment.newBuilder()
          .setSubmissionId("s" + i).setSubmitter(submitter(i % SUBMITTERS))
          .setRole(SubmissionRole.SUBMISSION_ROLE_REPORT).setKeyMode(KeyMode.KEY_MODE_HMAC)
          .setScopeDigest(ByteString.copyFrom(scope)).setKeyId(1).addTiers(0).addTiers(1)
          .setRecordCount(1_000_000L + i).setMerkleRoot(ByteString.copyFrom(merkleRoot))
          .build();
      try {
        byte[] commitmentSignature =
            Commitments.sign(submitters[i % SUBMITTERS], c).getSignature().toByteArray();
        ReceiptBody body = ReceiptBody.newBuilder().setCommitment(c)
            .setCommitmentSignatureSha256(ByteString.copyFrom(
                MessageDigest.getInstance("SHA-256").digest(commitmentSignature)))
            .setCommittedAt(1_790_000_000L + i).setExpiresAt(1_800_000_000L + i)
            .setClearinghouse("blindmatch://bench/clearinghouse/c").build();
        return LogEntry.newBuilder().setReceipt(Receipts.sign(ch, body))
            .setCommitmentSignature(ByteString.copyFrom(commitmentSignature))
            .build().toByteArray();
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static String submitter(int p) {
    return "blindmatch://bench/platform/p" + p;
  }
}
