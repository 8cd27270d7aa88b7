package org.blindmatch.bench;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.blindmatch.client.federation.AuditState;
import org.blindmatch.client.federation.LogEntryChecker;
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
import org.blindmatch.server.store.SegmentSubmissionStore;

/**
 * The transparency log at scale: durable appends (SQLite, one fsynced transaction each), the
 * in-memory tree at {@code entries} leaves, inclusion and consistency proof generation and
 * verification at that size, and an auditor verifying {@code entries} signed receipts from
 * scratch ({@link LogEntryChecker} and the streaming root, i.e. {@code audit verify} without
 * the network). The baseline, measured in the same run, is raw SHA-256 leaf hashing of the
 * same entries.
 */
final class LogBench {
  private static final int DURABLE_APPENDS = 1000;
  private static final int PROOFS = 20_000;
  private static final int SUBMITTERS = 50;

  private LogBench() {}

  /**
   * @param entries the tree size for appends and proofs
   * @param audited how many signed entries the from-scratch audit checks (signing them is the
   *     slow part of the set-up); its time for {@code entries} is extrapolated from the rate
   */
  static void run(int entries, int audited, Path dir) throws Exception {
    System.out.printf("transparency log, %,d entries, %,d audited, %d cores%n", entries,
        audited, Runtime.getRuntime().availableProcessors());
    NodeSigner ch = NodeSigner.of(NodeSigner.generate());
    byte[] scope = new byte[32];
    Arrays.fill(scope, (byte) 7);

    long t0 = System.nanoTime();
    List<byte[]> signed = entries(ch, scope, audited);
    System.out.printf("  set-up: %,d signed receipts in %.1f s%n", audited,
        (System.nanoTime() - t0) / 1e9);
    // The tree's entries: the signed ones, then receipt-sized random blobs made on the fly
    // (hashing does not depend on content; kept out of the heap).
    int blobLength = signed.get(signed.size() - 1).length;
    java.util.function.IntFunction<byte[]> log = i -> {
      if (i < signed.size()) {
        return signed.get(i);
      }
      byte[] b = new byte[blobLength];
      new SplittableRandom(i).nextBytes(b);
      return b;
    };
    int size = Math.max(entries, audited);

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
    LogEntry sample = LogEntry.parseFrom(signed.get(signed.size() - 1));
    byte[] body = sample.getReceipt().getBody().toByteArray();
    double verifyRate = verifyRate(ch, body, Math.min(20_000, audited));
    double sunEcRate = sunEcVerifyRate(body, Math.min(1000, audited));

    // An auditor's first audit: every entry checked (signatures on all cores, as audit verify
    // does, page by page) and hashed into the root.
    t0 = System.nanoTime();
    LogEntryChecker checker = new LogEntryChecker(ch.publicKeysetJson(), "bench");
    AuditState state = new AuditState();
    LogEntryChecker.Counts counts = new LogEntryChecker.Counts();
    StreamingMerkleRoot audit = new StreamingMerkleRoot();
    for (int from = 0; from < audited; from += 256) {
      List<ByteString> page = new ArrayList<>();
      for (byte[] e : signed.subList(from, Math.min(audited, from + 256))) {
        page.add(ByteString.copyFrom(e));
      }
      checker.checkPage(page, from, state, counts);
      for (ByteString e : page) {
        byte[] leaf = e.toByteArray();
        audit.addLeaf(leaf, 0, leaf.length);
      }
    }
    LogEntryChecker.requireNothingPending(state);
    double verifyS = (System.nanoTime() - t0) / 1e9;
    if (!Arrays.equals(audit.root(), tree.root(audited))
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
    String submitterKeyset = LogEntry.parseFrom(signed.get(2)).getMember().getSigningKeyset();
    for (int from = 0; from < size; from += 256) {
      List<ByteString> page = new ArrayList<>(256);
      for (int i = from; i < Math.min(size, from + 256); i++) {
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
        + "the clearinghouse's and the submitter's signature) in %.1f s = %,.0f entries/s, so "
        + "%,d entries in %.0f s (target < 60 s for 10^6); baselines: raw SHA-256 leaf hashing "
        + "%,.0f entries/s (%.0fx faster), one ECDSA P-256 verification on one thread by %s "
        + "%,.0f/s (audit = %.2fx that: two per receipt on %d cores), the same in the JDK "
        + "(SunEC) %,.0f/s (%.0fx slower)  [sink %d]%n", audited, counts.receipts(), verifyS,
        auditRate, entries, entries / auditRate, hashRate, hashRate / auditRate,
        NodeSigner.implementation(), verifyRate, auditRate / verifyRate,
        Runtime.getRuntime().availableProcessors(), sunEcRate, verifyRate / sunEcRate,
        sink & 1);
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
   * A scope, its key epoch, {@value #SUBMITTERS} submitters' member entries, then receipts of
   * distinct submissions, each commitment signed by its submitter and each body by the
   * clearinghouse, as the server logs them.
   */
  private static List<byte[]> entries(NodeSigner ch, byte[] scope, int entries)
      throws java.security.GeneralSecurityException {
    NodeSigner[] submitters = new NodeSigner[SUBMITTERS];
    byte[][] out = new byte[entries][];
    out[0] = LogEntry.newBuilder().setScope(ScopePublication.newBuilder().setScopeId("bench")
        .setScopeDigest(ByteString.copyFrom(scope)).setKThreshold(5)).build().toByteArray();
    out[1] = LogEntry.newBuilder().setKeyEpoch(KeyEpoch.newBuilder()
        .setMode(KeyMode.KEY_MODE_HMAC).setKeyId(1).setScopeDigest(ByteString.copyFrom(scope)))
        .build().toByteArray();
    byte[] fp = new byte[32];
    for (int p = 0; p < SUBMITTERS; p++) {
      submitters[p] = NodeSigner.of(NodeSigner.generate());
      String keyset = submitters[p].publicKeysetJson();
      out[2 + p] = LogEntry.newBuilder().setMember(Member.newBuilder()
          .setIdentity(submitter(p)).setRole("platform").setCertificateSha256(
              ByteString.copyFrom(fp)).setSigningKeyset(keyset)
          .setSigningKeysetSha256(ByteString.copyFrom(NodeSigner.fingerprint(keyset))))
          .build().toByteArray();
    }
    IntStream.range(2 + SUBMITTERS, entries).parallel().forEach(i -> {
      byte[] root = new byte[32];
      new SplittableRandom(i).nextBytes(root);
      Commitment c = Commitment.newBuilder()
          .setSubmissionId("s" + i).setSubmitter(submitter(i % SUBMITTERS))
          .setRole(SubmissionRole.SUBMISSION_ROLE_REPORT).setKeyMode(KeyMode.KEY_MODE_HMAC)
          .setScopeDigest(ByteString.copyFrom(scope)).setKeyId(1).addTiers(0).addTiers(1)
          .setRecordCount(1_000_000L + i).setMerkleRoot(ByteString.copyFrom(root)).build();
      try {
        byte[] commitmentSignature = submitters[i % SUBMITTERS].sign(c.toByteArray());
        byte[] body = ReceiptBody.newBuilder().setCommitment(c)
            .setCommitmentSignatureSha256(ByteString.copyFrom(
                MessageDigest.getInstance("SHA-256").digest(commitmentSignature)))
            .setCommittedAt(1_790_000_000L + i).setExpiresAt(1_800_000_000L + i)
            .setClearinghouse("blindmatch://bench/clearinghouse/c").build().toByteArray();
        out[i] = LogEntry.newBuilder().setReceipt(Receipt.newBuilder()
            .setBody(ByteString.copyFrom(body)).setSignature(ByteString.copyFrom(ch.sign(body))))
            .setCommitmentSignature(ByteString.copyFrom(commitmentSignature))
            .build().toByteArray();
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    });
    return Arrays.asList(out);
  }

  private static String submitter(int p) {
    return "blindmatch://bench/platform/p" + p;
  }
}
