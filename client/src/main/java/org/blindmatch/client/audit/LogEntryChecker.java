package org.blindmatch.client.audit;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.security.GeneralSecurityException;
import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.blindmatch.crypto.hash.Sha256;
import org.blindmatch.crypto.pki.NodeCertificates;
import org.blindmatch.crypto.pki.PkiException;
import org.blindmatch.crypto.pki.Revocations;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.blindmatch.core.claims.ClaimVerificationException;
import org.blindmatch.core.claims.Commitments;
import org.blindmatch.core.claims.Transcripts;
import org.blindmatch.core.match.MatchRun;
import org.blindmatch.crypto.hash.Sha256;
import org.blindmatch.crypto.io.Excerpt;
import org.blindmatch.crypto.oprf.Element;
import org.blindmatch.crypto.oprf.OprfException;
import org.blindmatch.crypto.oprf.ShamirSharing;
import org.blindmatch.crypto.oprf.ThresholdPublicKey;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.Commitment;
import org.blindmatch.proto.v1.KeyEpoch;
import org.blindmatch.proto.v1.KeyMode;
import org.blindmatch.proto.v1.KeyholderShare;
import org.blindmatch.proto.v1.LogEntry;
import org.blindmatch.proto.v1.Member;
import org.blindmatch.proto.v1.ReceiptBody;
import org.blindmatch.proto.v1.RecipientDigest;
import org.blindmatch.proto.v1.RunInput;
import org.blindmatch.proto.v1.RunTranscript;
import org.blindmatch.proto.v1.DifferencingOverride;
import org.blindmatch.proto.v1.DisclosureApplied;
import org.blindmatch.proto.v1.DpAccount;
import org.blindmatch.core.disclosure.DifferencingGuard;
import org.blindmatch.core.disclosure.PrivacyBudget;
import org.blindmatch.crypto.scope.Disclosure;
import java.util.LinkedHashMap;
import java.util.OptionalLong;
import org.blindmatch.proto.v1.ScopePublication;
import org.blindmatch.proto.v1.SignedTranscript;
import org.blindmatch.proto.v1.TierTotals;

/**
 * The checks an auditor makes of each log entry, in log order, against what earlier entries
 * established ({@link AuditState}): each receipt's commitment signed by its submitter under
 * the signing key the submitter's member entry logged (so the operator cannot invent a
 * submission), each transcript signed by the clearinghouse, no submission logged twice, every
 * run input a logged receipt with the same root, count and key id, transcript counts within
 * what their inputs allow and result digests for exactly the participants, members
 * well-formed and of this federation, scopes and key epochs well-formed (oprf: t of n shares,
 * distinct indices, keyholder identities, P-256 public keys), and every scope and key epoch a
 * receipt or run names logged somewhere in the log. Failures name the entry index and the
 * check.
 *
 * <p>The clearinghouse's signature over each receipt body is not verified here (it would
 * double the cost of an audit, which is one verification per receipt): the entry's exact
 * bytes, that signature included, are covered by a tree head the caller ({@link LogAuditor})
 * verifies under the same key, and the clearinghouse seals every append with such a head and
 * refuses a store whose entries differ from its last seal, so it signs heads only over entries
 * it appended ({@code TransparencyLog}; a rollback to an earlier sealed state is caught by the
 * consistency check against a kept head). What is inside a receipt that matters — the
 * commitment — is checked against its submitter's key.
 *
 * <p>{@link #prepare} is thread-safe; {@link #apply} and {@link #checkPage} update the state
 * and must be called in log order from one thread. Parallel work uses the common fork-join
 * pool.
 */
public final class LogEntryChecker {
  private static final HexFormat HEX = HexFormat.of();

  private final NodeSigner.Verifier clearinghouse;
  private final String federation;
  /** The federation CA that signs revocation lists, or null (such entries are refused). */
  private final X509Certificate ca;
  /** Verifiers of submitters' logged signing keysets, by keyset text. */
  private final Map<String, NodeSigner.Verifier> submitterVerifiers = new ConcurrentHashMap<>();

  /**
   * @param keyset the clearinghouse's public signing keyset (Tink JSON)
   * @param federation the auditor's federation; members must belong to it
   * @throws AuditException if {@code keyset} is not a Tink public keyset
   */
  public LogEntryChecker(String keyset, String federation) throws AuditException {
    this(keyset, federation, null);
  }

  /**
   * As {@link #LogEntryChecker(String, String)}, also checking revocation lists and member
   * certificates against the federation CA.
   *
   * @param ca the federation CA certificate; null refuses every revocation-list entry
   */
  public LogEntryChecker(String keyset, String federation, X509Certificate ca)
      throws AuditException {
    this.ca = ca;
    try {
      this.clearinghouse = NodeSigner.verifier(keyset);
    } catch (GeneralSecurityException e) {
      throw new AuditException("the clearinghouse's published signing keyset is not a Tink "
          + "public keyset");
    }
    this.federation = federation;
  }

  /** Entries checked, by kind. Mutable. */
  public static final class Counts {
    int receipts;
    int transcripts;
    int members;
    int scopes;
    int keyEpochs;
    int attestedEpochs;
    int revocationLists;
    int replayed;
    /** Per run with an override or noise: what an auditor should read about it. */
    final List<String> disclosureNotes = new ArrayList<>();

    /** Receipts checked so far. */
    public int receipts() {
      return receipts;
    }

    /** Oprf key epochs whose every holder's signature (DKG attestation) was verified. */
    public int attestedEpochs() {
      return attestedEpochs;
    }
  }

  /**
   * Fails if an entry refers to a scope or key epoch that no entry so far logged; call when the
   * whole log up to a head has been checked.
   */
  public static void requireNothingPending(AuditState state) throws AuditException {
    if (!state.pending.isEmpty()) {
      var p = state.pending.entrySet().iterator().next();
      throw new AuditException("log entry " + p.getValue() + " refers to " + describeRef(
          p.getKey()) + ", which the log does not hold");
    }
  }

  /**
   * Checks entry {@code index} (the serialized LogEntry) and records it in {@code state}; the
   * caller checks entries in log order and hashes them into the tree.
   *
   * @return the run of a transcript, for replay
   * @throws AuditException naming the entry and the failed check
   */
  public Optional<RunTranscript> check(ByteString bytes, long index, AuditState state,
      Counts counts) throws AuditException {
    return checkPage(List.of(bytes), index, state, counts).get(0);
  }

  /**
   * {@link #check} of consecutive entries from {@code first}: {@link #prepare} then
   * {@link #apply}.
   *
   * @return per entry, the run of a transcript
   */
  public List<Optional<RunTranscript>> checkPage(List<ByteString> page, long first,
      AuditState state, Counts counts) throws AuditException {
    return apply(prepare(page, state.signingKeys), first, state, counts);
  }

  /**
   * A page parsed, with the submitter signatures verified ahead of the checks in log order.
   * Immutable once made.
   */
  public static final class Prepared {
    private final Parsed[] parsed;
    private final String[] signatureErrors;
    private final boolean[] verified;

    private Prepared(int n) {
      parsed = new Parsed[n];
      signatureErrors = new String[n];
      verified = new boolean[n];
    }

    /** The number of entries. */
    public int size() {
      return parsed.length;
    }
  }

  /**
   * The part of checking a page that does not depend on earlier entries, on all cores: parses
   * every entry and verifies each receipt's submitter signature whose submitter's key is in
   * {@code knownKeys} (identity to keyset; a node logs one key, so a known key stays right).
   * Thread-safe; may run while {@link #apply} checks an earlier page, given a snapshot of the
   * keys that page's state held.
   */
  public Prepared prepare(List<ByteString> page, Map<String, String> knownKeys) {
    Prepared p = new Prepared(page.size());
    IntStream.range(0, page.size()).parallel().forEach(i -> {
      Parsed entry = Parsed.of(page.get(i));
      p.parsed[i] = entry;
      if (entry.receiptBody() != null) {
        String keyset = knownKeys.get(entry.receiptBody().getCommitment().getSubmitter());
        if (keyset != null) {
          p.signatureErrors[i] = submitterSignatureError(entry, keyset);
          p.verified[i] = true;
        }
      }
    });
    return p;
  }

  /**
   * Checks a prepared page whose first entry is {@code first} against {@code state}, which
   * must hold every entry before it, in log order, and records the page in the state. Receipts
   * not verified ahead are verified here, under the key the state or a member entry earlier in
   * the page logged. Failures are reported for the lowest failing entry, whatever its check.
   *
   * @return per entry, the run of a transcript
   */
  public List<Optional<RunTranscript>> apply(Prepared prepared, long first, AuditState state,
      Counts counts) throws AuditException {
    int n = prepared.size();
    Parsed[] parsed = prepared.parsed;
    String[] signatureErrors = prepared.signatureErrors.clone();
    // The keys as they stand at each entry: the state's, plus members logged earlier in this
    // page (a member entry that fails its checks stops the audit there).
    Map<String, String> pageMembers = new HashMap<>();
    String[] keysets = new String[n];
    List<Integer> rest = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Parsed p = parsed[i];
      if (p.entry() != null && p.entry().hasMember()) {
        Member m = p.entry().getMember();
        pageMembers.putIfAbsent(m.getIdentity(), m.getSigningKeyset());
      } else if (p.receiptBody() != null && !prepared.verified[i]) {
        String submitter = p.receiptBody().getCommitment().getSubmitter();
        keysets[i] = state.signingKeys.getOrDefault(submitter, pageMembers.get(submitter));
        rest.add(i);
      }
    }
    rest.parallelStream().forEach(i ->
        signatureErrors[i] = submitterSignatureError(parsed[i], keysets[i]));
    List<Optional<RunTranscript>> runs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      runs.add(check(parsed[i], first + i, state, counts, signatureErrors[i]));
    }
    return runs;
  }

  /**
   * An entry as parsed: the entry (null if it does not parse) and, for a receipt, its body
   * (null if it does not parse).
   */
  private record Parsed(LogEntry entry, ReceiptBody receiptBody) {
    static Parsed of(ByteString bytes) {
      LogEntry entry;
      try {
        entry = LogEntry.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        return new Parsed(null, null);
      }
      if (!entry.hasReceipt()) {
        return new Parsed(entry, null);
      }
      try {
        return new Parsed(entry, ReceiptBody.parseFrom(entry.getReceipt().getBody()));
      } catch (InvalidProtocolBufferException e) {
        return new Parsed(entry, null);
      }
    }
  }

  /**
   * What is wrong with a receipt's submitter signature, or null: it must be carried, be the one
   * the body names, and verify over the commitment under {@code submitterKeyset} (the signing
   * keyset the submitter's member entry logged; null if none).
   */
  private String submitterSignatureError(Parsed receipt, String submitterKeyset) {
    ReceiptBody body = receipt.receiptBody();
    byte[] signature = receipt.entry().getCommitmentSignature().toByteArray();
    if (signature.length == 0) {
      return "the entry does not carry the submitter's commitment signature";
    }
    if (!MessageDigest.isEqual(Sha256.digest(signature),
        body.getCommitmentSignatureSha256().toByteArray())) {
      return "the submitter's commitment signature is not the one the receipt names "
          + "(commitment_signature_sha256)";
    }
    String submitter = body.getCommitment().getSubmitter();
    if (submitterKeyset == null) {
      return "no member entry before it logs a signing key for " + submitter;
    }
    try {
      Commitments.verify(submitterVerifier(submitterKeyset), body.getCommitment().toByteArray(),
          signature);
      return null;
    } catch (GeneralSecurityException | ClaimVerificationException e) {
      return "the submitter's signature over the commitment does not verify against the "
          + "signing key its member entry logged: the submitter did not make this commitment";
    }
  }

  private NodeSigner.Verifier submitterVerifier(String keyset) throws GeneralSecurityException {
    NodeSigner.Verifier v = submitterVerifiers.get(keyset);
    if (v == null) {
      v = NodeSigner.verifier(keyset);
      submitterVerifiers.put(keyset, v);
    }
    return v;
  }

  /** The checks of one parsed entry, given the problem with its signatures (or null). */
  private Optional<RunTranscript> check(Parsed parsed, long index, AuditState state,
      Counts counts, String signatureError) throws AuditException {
    String at = "log entry " + index + ": ";
    LogEntry entry = parsed.entry();
    if (entry == null) {
      throw new AuditException(at + "does not parse as a log entry");
    }
    try {
      switch (entry.getKindCase()) {
        case RECEIPT -> {
          if (parsed.receiptBody() == null) {
            throw new AuditException(at + "receipt: the body does not parse");
          }
          checkNotRevoked(parsed.receiptBody(), at, state);
          checkReceipt(parsed.receiptBody().getCommitment(), index, state, signatureError);
          noteReceiptTime(parsed.receiptBody(), index, state);
          counts.receipts++;
        }
        case TRANSCRIPT -> {
          counts.transcripts++;
          return Optional.of(checkTranscript(entry.getTranscript(), index, state, counts));
        }
        case MEMBER -> {
          checkMember(entry.getMember(), at, state, index);
          counts.members++;
        }
        case SCOPE -> {
          ScopePublication s = entry.getScope();
          if (s.getScopeDigest().size() != 32 || s.getScopeId().isEmpty()) {
            throw new AuditException(at + "scope publication: needs a scope id and a 32-byte "
                + "digest");
          }
          String scope = HEX.formatHex(s.getScopeDigest().toByteArray());
          // The record threshold runs apply: the configured k, raised (never lowered) by the
          // scope's min_records (PROTOCOL §7.2); publications before disclosure control carry
          // no min_records, so their threshold is k alone.
          publishK(state, scope, Math.max(Integer.toUnsignedLong(s.getKThreshold()),
              Integer.toUnsignedLong(s.getMinRecords())), at);
          logged(state, "scope/" + scope);
          checkScopeDisclosure(s, at, state);
          counts.scopes++;
        }
        case KEY_EPOCH -> {
          logged(state, checkKeyEpoch(entry.getKeyEpoch(), at, state, counts));
          counts.keyEpochs++;
        }
        case REVOCATIONS -> {
          checkRevocations(entry.getRevocations(), at, state, index);
          counts.revocationLists++;
        }
        default -> throw new AuditException(at + "an entry of no known kind");
      }
      return Optional.empty();
    } catch (InvalidProtocolBufferException e) {
      throw new AuditException(at + "does not parse as a log entry");
    }
  }

  private void checkReceipt(Commitment c, long index, AuditState state, String signatureError)
      throws AuditException {
    String at = "log entry " + index + ": receipt: ";
    if (signatureError != null) {
      throw new AuditException(at + signatureError);
    }
    String key = key(c.getSubmitter(), c.getSubmissionId());
    AuditState.Committed earlier = state.receipts.get(key);
    if (earlier != null) {
      throw new AuditException(at + "submission " + c.getSubmissionId() + " of "
          + c.getSubmitter() + " is already logged at entry " + earlier.index());
    }
    if (c.getMerkleRoot().size() != 32) {
      throw new AuditException(at + "the Merkle root is not 32 bytes");
    }
    state.receipts.put(key, new AuditState.Committed(index, c.getKeyModeValue(), c.getKeyId(),
        c.getRecordCount(), c.getMerkleRoot().toByteArray()));
    String scope = HEX.formatHex(c.getScopeDigest().toByteArray());
    reference(state, "scope/" + scope, index);
    reference(state, epochRef(c.getKeyMode(), c.getKeyId(), scope), index);
  }

  /**
   * The clearinghouse's signature, inputs against logged receipts, and counts within what the
   * inputs allow.
   */
  private RunTranscript checkTranscript(SignedTranscript signed, long index, AuditState state,
      Counts counts) throws AuditException, InvalidProtocolBufferException {
    RunTranscript t = RunTranscript.parseFrom(signed.getTranscript());
    String at = "log entry " + index + " (run " + t.getRunId() + "): ";
    try {
      Transcripts.verify(clearinghouse, signed);
    } catch (ClaimVerificationException e) {
      throw new AuditException(at + "transcript: the signature does not verify against the "
          + "clearinghouse's published key");
    }
    String scope = HEX.formatHex(t.getScopeDigest().toByteArray());
    reference(state, "scope/" + scope, index);
    long k = Integer.toUnsignedLong(t.getKThreshold());
    Long published = state.scopeK.get(scope);
    if (published == null) {
      state.pendingK.putIfAbsent(scope + "/" + k, index);
    } else if (published != k) {
      throw new AuditException(at + "transcript: the run suppressed below k_threshold " + k
          + ", but the scope's latest publication before it sets the record threshold "
          + "max(k, min_records) = " + published + " (a run must apply the published one)");
    }
    Set<String> inputs = new HashSet<>();
    Set<String> participants = new HashSet<>();
    Set<String> reportSubmitters = new HashSet<>();
    long reportRecords = 0;
    long watchlistRecords = 0;
    for (List<RunInput> side : List.of(t.getReportInputsList(), t.getWatchlistInputsList())) {
      for (RunInput in : side) {
        String what = "input " + in.getSubmissionId() + " of " + in.getSubmitter();
        AuditState.Committed c = state.receipts.get(key(in.getSubmitter(),
            in.getSubmissionId()));
        if (c == null || !MessageDigest.isEqual(c.merkleRoot(),
            in.getMerkleRoot().toByteArray())) {
          throw new AuditException(at + "used " + what + ", which has no earlier logged "
              + "receipt with that Merkle root");
        }
        if (c.recordCount() != in.getRecordCount() || c.keyId() != in.getKeyId()) {
          throw new AuditException(at + what + " has "
              + Long.toUnsignedString(in.getRecordCount()) + " records under key id "
              + Integer.toUnsignedString(in.getKeyId()) + " but its receipt (log entry "
              + c.index() + ") commits to " + Long.toUnsignedString(c.recordCount())
              + " under key id " + Integer.toUnsignedString(c.keyId()));
        }
        if (!inputs.add(key(in.getSubmitter(), in.getSubmissionId()))) {
          throw new AuditException(at + "uses " + what + " twice");
        }
        participants.add(in.getSubmitter());
        if (side == t.getReportInputsList()) {
          reportSubmitters.add(in.getSubmitter());
          reportRecords = unsignedSum(reportRecords, in.getRecordCount());
        } else {
          watchlistRecords = unsignedSum(watchlistRecords, in.getRecordCount());
        }
      }
    }
    Set<String> recipients = new HashSet<>();
    for (RecipientDigest d : t.getRecipientsList()) {
      if (!recipients.add(d.getRecipient()) || d.getResultsSha256().size() != 32) {
        throw new AuditException(at + "the result digest for " + d.getRecipient()
            + " is repeated or not 32 bytes");
      }
    }
    participants.add(MatchRun.OPERATOR);
    if (!recipients.equals(participants)) {
      Set<String> missing = new HashSet<>(participants);
      missing.removeAll(recipients);
      recipients.removeAll(participants);
      throw new AuditException(at + "result digests do not match the participants: "
          + (missing.isEmpty() ? "" : "missing for " + missing + " ")
          + (recipients.isEmpty() ? "" : "given for non-participants " + recipients));
    }
    checkDisclosure(t, at, state, counts);
    // Noised totals need not keep the inequalities below (each count has its own noise).
    boolean noised = t.hasDisclosure() && t.getDisclosure().hasDp();
    // Every count is uint64 (tiers uint32) on the wire: compared unsigned, so a count of
    // 2^63 or more (negative as a long) cannot slip under a bound.
    long lastTier = -1;
    for (TierTotals x : t.getTotalsList()) {
      long tierNumber = Integer.toUnsignedLong(x.getTier());
      String tier = at + "tier " + tierNumber + " totals: ";
      if (tierNumber <= lastTier) {
        throw new AuditException(tier + "tiers are not strictly ascending");
      }
      lastTier = tierNumber;
      if (noised) {
        continue;
      }
      if (Long.compareUnsigned(x.getSubmitters(), reportSubmitters.size()) > 0) {
        throw new AuditException(tier + Long.toUnsignedString(x.getSubmitters())
            + " submitters matched but the run had " + reportSubmitters.size()
            + " report submitters");
      }
      if (Long.compareUnsigned(x.getMatchedEvents(), reportRecords) > 0
          || Long.compareUnsigned(x.getMatchedRecords(), x.getMatchedEvents()) > 0) {
        throw new AuditException(tier + Long.toUnsignedString(x.getMatchedEvents())
            + " matched events and " + Long.toUnsignedString(x.getMatchedRecords())
            + " matched records exceed the " + Long.toUnsignedString(reportRecords)
            + " report records of the inputs");
      }
      if (Long.compareUnsigned(x.getMatchedLabels(), watchlistRecords) > 0) {
        throw new AuditException(tier + Long.toUnsignedString(x.getMatchedLabels())
            + " matched labels exceed the " + Long.toUnsignedString(watchlistRecords)
            + " watchlist records of the inputs");
      }
    }
    return t;
  }

  /** A scope publication's disclosure control, kept for the runs of the scope. */
  private static void checkScopeDisclosure(ScopePublication s, String at, AuditState state)
      throws AuditException {
    if (s.getMinRecords() == 0) {
      return; // published before disclosure control
    }
    boolean dp = s.getDpEpsilonPerRunMicros() != 0;
    if (s.getMinSubmitters() == 0 || (dp && (s.getDpSensitivity() == 0
        || Long.compareUnsigned(s.getDpEpsilonPerRunMicros(),
            s.getDpEpsilonBudgetMicros()) > 0))) {
      throw new AuditException(at + "scope publication: min_submitters is 0, or dp has no "
          + "sensitivity or a per-run epsilon above its budget");
    }
    String scope = HEX.formatHex(s.getScopeDigest().toByteArray());
    AuditState.ScopeDisclosure d = new AuditState.ScopeDisclosure(s.getMinRecords(),
        s.getMinSubmitters(), s.getDpEpsilonPerRunMicros(), s.getDpEpsilonBudgetMicros(),
        s.getDpSensitivity());
    AuditState.ScopeDisclosure earlier = state.disclosures.putIfAbsent(scope, d);
    if (earlier != null && !earlier.equals(d)) {
      // The digest commits to the scope's disclosure keys: one digest, one setting.
      throw new AuditException(at + "scope publication: scope " + scope + " was published "
          + "with other disclosure settings before (" + earlier + ", now " + d + ")");
    }
  }

  /**
   * A run's disclosure control against its scope's logged publication: thresholds at least the
   * scope's, the differencing guard recomputed from the logged runs (a conflict needs the
   * transcript's override naming exactly those runs), and the privacy budget arithmetic.
   */
  private static void checkDisclosure(RunTranscript t, String at, AuditState state,
      Counts counts) throws AuditException {
    String scope = HEX.formatHex(t.getScopeDigest().toByteArray());
    AuditState.ScopeDisclosure policy = state.disclosures.get(scope);
    Set<String> inputs = DifferencingGuard.keys(t.getReportInputsList());
    Map<String, Set<String>> earlierRuns =
        state.runs.computeIfAbsent(scope, k -> new LinkedHashMap<>());
    if (!t.hasDisclosure()) {
      if (policy != null) {
        throw new AuditException(at + "the run applied no disclosure control, but its scope "
            + "was published with it");
      }
      earlierRuns.put(t.getRunId(), inputs);
      return;
    }
    DisclosureApplied d = t.getDisclosure();
    if (d.getMinRecords() != t.getKThreshold() || d.getMinSubmitters() == 0) {
      throw new AuditException(at + "disclosure: min_records " + Integer.toUnsignedString(
          d.getMinRecords()) + " is not k_threshold " + Integer.toUnsignedString(
          t.getKThreshold()) + ", or min_submitters is 0");
    }
    if (policy == null) {
      throw new AuditException(at + "disclosure: no earlier scope publication of " + scope
          + " states the disclosure control this run applied");
    }
    if (Integer.compareUnsigned(d.getMinRecords(), policy.minRecords()) < 0
        || d.getMinSubmitters() != policy.minSubmitters()) {
      throw new AuditException(at + "disclosure: the run applied min_records "
          + Integer.toUnsignedString(d.getMinRecords()) + " and min_submitters "
          + Integer.toUnsignedString(d.getMinSubmitters()) + " but the scope requires "
          + policy.minRecords() + " and " + policy.minSubmitters());
    }
    List<DifferencingGuard.Conflict> conflicts =
        DifferencingGuard.conflicts(inputs, earlierRuns, policy.minSubmitters());
    List<String> named = conflicts.stream().map(DifferencingGuard.Conflict::runId).toList();
    if (t.hasDifferencingOverride()) {
      DifferencingOverride o = t.getDifferencingOverride();
      // Every conflicting run must be named, and every named run this audit has read must be
      // a conflict (a state resumed from a head has not read the runs before it).
      boolean namesOthers = o.getRunsList().stream()
          .anyMatch(r -> earlierRuns.containsKey(r) && !named.contains(r));
      if (!o.getRunsList().containsAll(named) || namesOthers || o.getReason().isBlank()) {
        throw new AuditException(at + "differencing override: it names runs " + o.getRunsList()
            + " but the logged runs the guard refuses are " + named + ", or has no reason");
      }
      counts.disclosureNotes.add(at + "differencing guard OVERRIDDEN by the operator against "
          + "run(s) " + String.join(", ", named) + "; reason: "
          + Excerpt.quote(o.getReason()));
    } else if (!conflicts.isEmpty()) {
      DifferencingGuard.Conflict c = conflicts.get(0);
      throw new AuditException(at + "differencing guard: the run's report inputs differ from "
          + "those of run " + c.runId() + " by " + c.submissions() + " submission(s) of "
          + c.submitters().size() + " submitter(s), fewer than min_submitters "
          + policy.minSubmitters() + ", and the transcript carries no override");
    }
    earlierRuns.put(t.getRunId(), inputs);
    boolean scopeDp = policy.epsilonPerRun() != 0;
    if (d.hasDp() != scopeDp) {
      throw new AuditException(at + "disclosure: the scope " + (scopeDp ? "requires" : "has no")
          + " differential privacy but the run " + (d.hasDp() ? "claims noise" : "released exact "
          + "counts"));
    }
    if (!d.hasDp()) {
      return;
    }
    DpAccount dp = d.getDp();
    long before = state.epsilonSpent.getOrDefault(scope, 0L);
    OptionalLong after = PrivacyBudget.charge(before, policy.epsilonPerRun(),
        policy.epsilonBudget());
    if (!dp.getMechanism().equals("geometric") || dp.getEpsilonPerRunMicros()
        != policy.epsilonPerRun() || dp.getEpsilonBudgetMicros() != policy.epsilonBudget()
        || dp.getSensitivity() != policy.sensitivity()) {
      throw new AuditException(at + "dp: the run's mechanism, epsilon or sensitivity is not "
          + "the one its scope publication states");
    }
    if (after.isEmpty()) {
      throw new AuditException(at + "dp: the run is past the privacy budget: the scope's "
          + "earlier runs spent epsilon " + Disclosure.formatEpsilon(before) + " of "
          + Disclosure.formatEpsilon(policy.epsilonBudget()) + " and this run costs "
          + Disclosure.formatEpsilon(policy.epsilonPerRun()));
    }
    if (dp.getEpsilonSpentMicros() != after.getAsLong()) {
      throw new AuditException(at + "dp: the transcript states epsilon spent "
          + Disclosure.formatEpsilon(dp.getEpsilonSpentMicros()) + " but the log's runs of "
          + "the scope add up to " + Disclosure.formatEpsilon(after.getAsLong()));
    }
    state.epsilonSpent.put(scope, after.getAsLong());
    counts.disclosureNotes.add(at + "noised (geometric, epsilon "
        + Disclosure.formatEpsilon(dp.getEpsilonPerRunMicros()) + ", sensitivity "
        + dp.getSensitivity() + "); budget spent " + Disclosure.formatEpsilon(after.getAsLong())
        + " of " + Disclosure.formatEpsilon(dp.getEpsilonBudgetMicros()) + ", remaining "
        + Disclosure.formatEpsilon(dp.getEpsilonBudgetMicros() - after.getAsLong()));
  }

  /** {@code a + b} as uint64, saturating at 2^64 - 1 rather than wrapping. */
  static long unsignedSum(long a, long b) {
    long sum = a + b;
    return Long.compareUnsigned(sum, a) < 0 ? -1L : sum;
  }

  private void checkMember(Member m, String at, AuditState state, long index)
      throws AuditException {
    NodeIdentity id;
    try {
      id = NodeIdentity.fromUri(m.getIdentity());
    } catch (IllegalArgumentException e) {
      throw new AuditException(at + "member: identity " + Excerpt.quote(m.getIdentity()) + " is not a node "
          + "identity URI");
    }
    if (!id.federation().equals(federation)) {
      throw new AuditException(at + "member: " + m.getIdentity() + " is not of federation "
          + federation);
    }
    if (!id.role().id().equals(m.getRole())) {
      throw new AuditException(at + "member: role " + Excerpt.quote(m.getRole()) + " is not the role of "
          + Excerpt.quote(m.getIdentity()));
    }
    if (m.getSigningKeysetSha256().size() != 32
        || (m.getCertificateSha256().size() != 32 && !m.getCertificateSha256().isEmpty())) {
      throw new AuditException(at + "member: a fingerprint is not 32 bytes");
    }
    String keyset = m.getSigningKeyset();
    if (!MessageDigest.isEqual(NodeSigner.fingerprint(keyset),
        m.getSigningKeysetSha256().toByteArray())) {
      throw new AuditException(at + "member: the signing keyset is not the one "
          + "signing_keyset_sha256 names");
    }
    try {
      submitterVerifier(keyset);
    } catch (GeneralSecurityException e) {
      throw new AuditException(at + "member: the signing keyset is not a Tink public keyset");
    }
    if (!m.getCertificate().isEmpty()) {
      checkMemberCertificate(m, id, at, state);
    }
    String earlier = state.signingKeys.putIfAbsent(m.getIdentity(), keyset);
    if (earlier != null && !earlier.equals(keyset)) {
      throw new AuditException(at + "member: " + m.getIdentity() + " already has a different "
          + "signing key in the log (a node registers one signing key)");
    }
  }

  /**
   * A revocation list must be signed by the federation CA (an entry revoking members that the
   * CA did not sign is refused) and newer than every list logged before (an older list
   * logged again would un-revoke certificates).
   */
  private void checkRevocations(org.blindmatch.proto.v1.RevocationList list, String at,
      AuditState state, long index) throws AuditException {
    if (ca == null) {
      throw new AuditException(at + "revocation list: no federation CA certificate to check "
          + "it with (audit with a profile that has tls.ca)");
    }
    Revocations crl;
    try {
      crl = Revocations.parse(list.getCrl().toByteArray(), ca, "revocation list");
    } catch (PkiException e) {
      throw new AuditException(at + e.getMessage());
    }
    if (state.crlNumber != null && crl.number().compareTo(state.crlNumber) <= 0) {
      throw new AuditException(at + "revocation list: CRL number " + crl.number()
          + " is not newer than the list already logged (number " + state.crlNumber
          + "): a replayed list");
    }
    // The clearinghouse may load a list after the CA signed it: a receipt logged before this
    // entry can still postdate a revocation on it. Its commit time decides, not its position.
    // Both times are whole seconds: a receipt of the revocation's own second cannot be ordered
    // against it, and as it was logged before the list it stands.
    for (Revocations.Revoked r : crl.all()) {
      long[] last = state.lastReceipt.get(r.serial());
      if (last != null && last[0] > r.at().getEpochSecond()
          && !state.revoked.containsKey(r.serial())) {
        throw new AuditException(at + "revocation list: " + r.describe() + ", but the "
            + "receipt at log entry " + last[1] + " was committed under that certificate at "
            + java.time.Instant.ofEpochSecond(last[0]) + ", after the revocation: the "
            + "clearinghouse accepted a revoked member's submission (it loaded this list "
            + "late, or ignored it)");
      }
    }
    state.crlNumber = crl.number();
    for (Revocations.Revoked r : crl.all()) {
      state.revoked.put(r.serial(), r);
    }
  }

  /** Remembers the latest commit time under the submitter's current certificate. */
  private static void noteReceiptTime(ReceiptBody body, long index, AuditState state) {
    java.math.BigInteger serial = state.certificates.get(body.getCommitment().getSubmitter());
    if (serial == null) {
      return;
    }
    long[] last = state.lastReceipt.get(serial);
    if (last == null || body.getCommittedAt() >= last[0]) {
      state.lastReceipt.put(serial, new long[] {body.getCommittedAt(), index});
    }
  }

  /**
   * A scope publication with {@code k}: the k later transcripts of the scope must apply, and
   * the one earlier transcripts (logged before any publication) must have applied.
   */
  private static void publishK(AuditState state, String scope, long k, String at)
      throws AuditException {
    if (!state.scopeK.containsKey(scope)) {
      for (var e : new ArrayList<>(state.pendingK.entrySet())) {
        String[] f = e.getKey().split("/");
        if (f[0].equals(scope)) {
          if (Long.parseLong(f[1]) != k) {
            throw new AuditException(at + "scope publication: k = " + k + ", but the run at "
                + "log entry " + e.getValue() + " suppressed below k_threshold " + f[1]);
          }
          state.pendingK.remove(e.getKey());
        }
      }
    }
    state.scopeK.put(scope, k);
  }

  /**
   * A member entry's certificate must be the one certificate_sha256 names, issued by the
   * federation CA, for the member's identity. Its serial becomes the member's current
   * certificate, which revocation lists refer to.
   */
  private void checkMemberCertificate(Member m, NodeIdentity id, String at, AuditState state)
      throws AuditException {
    byte[] der = m.getCertificate().toByteArray();
    if (!MessageDigest.isEqual(Sha256.digest(der), m.getCertificateSha256().toByteArray())) {
      throw new AuditException(at + "member: the certificate is not the one "
          + "certificate_sha256 names");
    }
    X509Certificate cert;
    try {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
      if (ca != null) {
        cert.verify(ca.getPublicKey());
      }
      if (!NodeCertificates.identityOf(cert).equals(id)) {
        throw new AuditException(at + "member: the certificate is for "
            + NodeCertificates.identityOf(cert) + ", not " + id);
      }
    } catch (GeneralSecurityException | PkiException | ClassCastException e) {
      throw new AuditException(at + "member: the certificate is not one the federation CA "
          + "issued for " + id + " (" + e.getMessage() + ")");
    }
    state.certificates.put(m.getIdentity(), cert.getSerialNumber());
  }

  /**
   * A submission committed at or after the revocation of its submitter's current certificate
   * (the one of its latest member entry, which the submitter registers before submitting) is
   * refused: the clearinghouse must not accept a revoked member's submission.
   */
  private static void checkNotRevoked(ReceiptBody body, String at, AuditState state)
      throws AuditException {
    String submitter = body.getCommitment().getSubmitter();
    java.math.BigInteger serial = state.certificates.get(submitter);
    Revocations.Revoked r = serial == null ? null : state.revoked.get(serial);
    if (r != null && body.getCommittedAt() >= r.at().getEpochSecond()) {
      throw new AuditException(at + "receipt: submission " + body.getCommitment()
          .getSubmissionId() + " of " + submitter + " was committed at "
          + java.time.Instant.ofEpochSecond(body.getCommittedAt()) + ", after its "
          + r.describe());
    }
  }

  /** Checks a key epoch and returns its reference. */
  private String checkKeyEpoch(KeyEpoch e, String at, AuditState state, Counts counts)
      throws AuditException {
    String what = at + "key epoch: ";
    if (e.getScopeDigest().size() != 32) {
      throw new AuditException(what + "the scope digest is not 32 bytes");
    }
    if (e.getMode() == KeyMode.KEY_MODE_HMAC) {
      if (e.hasOprf()) {
        throw new AuditException(what + "an hmac epoch with oprf key shares");
      }
    } else if (e.getMode() == KeyMode.KEY_MODE_OPRF) {
      var o = e.getOprf();
      long threshold = Integer.toUnsignedLong(o.getThreshold());
      long shares = Integer.toUnsignedLong(o.getShares());
      if (threshold < 1 || threshold > shares || shares > ShamirSharing.MAX_SHARES
          || o.getKeyholdersCount() != shares) {
        throw new AuditException(what + "threshold " + threshold + " of " + shares
            + " shares with " + o.getKeyholdersCount() + " keyholders is not valid");
      }
      Set<Integer> indices = new HashSet<>();
      Map<Integer, Element> shareKeys = new TreeMap<>();
      for (KeyholderShare k : o.getKeyholdersList()) {
        if (k.getIndex() < 1 || k.getIndex() > shares || !indices.add(k.getIndex())) {
          throw new AuditException(what + "share index "
              + Integer.toUnsignedString(k.getIndex()) + " is out of range or repeated");
        }
        try {
          if (NodeIdentity.fromUri(k.getKeyholder()).role() != Role.KEYHOLDER) {
            throw new IllegalArgumentException("not a keyholder");
          }
        } catch (IllegalArgumentException x) {
          throw new AuditException(what + "share " + k.getIndex() + " names '"
              + k.getKeyholder() + "', not a keyholder identity");
        }
        shareKeys.put((int) k.getIndex(),
            point(k.getPublicKey(), what + "share " + k.getIndex() + " public key"));
      }
      Element combined = point(o.getCombinedPublicKey(), what + "combined public key");
      if (!new ThresholdPublicKey(o.getThreshold(), shareKeys).interpolatedPublicKey()
          .equals(combined)) {
        throw new AuditException(what + "the combined public key is not the one the share "
            + "public keys interpolate to");
      }
      if (o.hasDkg()) {
        checkAttestation(e, shareKeys, combined, what);
        counts.attestedEpochs++;
      }
      String ref = epochRef(e.getMode(), e.getKeyId(),
          HEX.formatHex(e.getScopeDigest().toByteArray()));
      String keyHex = HEX.formatHex(combined.encode());
      String earlier = state.epochKeys.putIfAbsent(ref, keyHex);
      if (earlier != null && !earlier.equals(keyHex)) {
        throw new AuditException(what + "oprf epoch " + Integer.toUnsignedString(e.getKeyId())
            + " is already logged with another combined public key (" + earlier + ")");
      }
    } else {
      throw new AuditException(what + "mode is neither hmac nor oprf");
    }
    return epochRef(e.getMode(), e.getKeyId(), HEX.formatHex(e.getScopeDigest().toByteArray()));
  }

  /**
   * An oprf epoch generated by {@code oprf dkg} carries its run and every holder's CONFIRM
   * signature: each must be there, verify over this epoch's statement under the holder's
   * signing key, and that key must be the one the holder's certificate (issued by the
   * federation CA, for that holder of this federation) names. A signature made for another
   * epoch, session or federation does not verify over this one.
   */
  private void checkAttestation(KeyEpoch e, Map<Integer, Element> shareKeys, Element combined,
      String what) throws AuditException {
    var d = e.getOprf().getDkg();
    String dkg = what + "dkg attestation: ";
    try {
      Map<Integer, NodeIdentity> holders = new TreeMap<>();
      for (KeyholderShare k : e.getOprf().getKeyholdersList()) {
        NodeIdentity h = NodeIdentity.fromUri(k.getKeyholder());
        if (!h.federation().equals(federation)) {
          throw new AuditException(dkg + "holder " + k.getIndex() + " (" + h + ") is not of "
              + "federation " + federation);
        }
        holders.put(k.getIndex(), h);
      }
      List<NodeIdentity> participants = new ArrayList<>();
      for (String p : d.getParticipantsList()) {
        NodeIdentity id = NodeIdentity.fromUri(p);
        if (!id.federation().equals(federation)) {
          throw new AuditException(dkg + "participant " + p + " is not of federation "
              + federation);
        }
        participants.add(id);
      }
      var key = new org.blindmatch.crypto.oprf.OprfKeyFiles.EpochPublicKey(e.getKeyId(),
          new ThresholdPublicKey(e.getOprf().getThreshold(), shareKeys), combined, holders);
      var session = new org.blindmatch.crypto.oprf.dkg.DkgSession(federation, e.getKeyId(),
          d.getSessionId(), e.getOprf().getThreshold(), participants);
      Map<Integer, org.blindmatch.crypto.oprf.dkg.DkgPublicFile.Confirmation> confirmations =
          new TreeMap<>();
      for (var c : d.getConfirmationsList()) {
        if (confirmations.put(c.getKeyholder(),
            new org.blindmatch.crypto.oprf.dkg.DkgPublicFile.Confirmation(c.getKeyholder(),
                c.getSigningKeyset(), c.getSignature().toByteArray(),
                c.getCertificate().isEmpty() ? null : c.getCertificate().toByteArray()))
            != null) {
          throw new AuditException(dkg + "keyholder "
              + Integer.toUnsignedString(c.getKeyholder()) + " confirms twice");
        }
      }
      if (!confirmations.keySet().equals(holders.keySet())) {
        Set<Integer> extra = new java.util.TreeSet<>(confirmations.keySet());
        extra.removeAll(holders.keySet());
        if (!extra.isEmpty()) {
          throw new AuditException(dkg + "confirmations by keyholders " + extra.stream()
              .map(Integer::toUnsignedString).toList() + ", which hold no share of the epoch");
        }
      }
      var attestation = new org.blindmatch.crypto.oprf.dkg.DkgPublicFile.Attestation(session,
          confirmations);
      org.blindmatch.crypto.oprf.dkg.DkgPublicFile.verify(key, attestation);
      if (ca == null) {
        throw new AuditException(dkg + "no federation CA certificate to check the holders' "
            + "certificates with (audit with a profile that has tls.ca)");
      }
      org.blindmatch.crypto.oprf.dkg.DkgPublicFile.checkCertificateChain(attestation, ca);
    } catch (org.blindmatch.crypto.oprf.dkg.DkgException x) {
      throw new AuditException(dkg + x.getMessage());
    } catch (IllegalArgumentException x) {
      throw new AuditException(dkg + "malformed: " + x.getMessage());
    }
  }

  private static Element point(ByteString encoded, String what) throws AuditException {
    try {
      return Element.decode(encoded.toByteArray());
    } catch (OprfException | IllegalArgumentException e) {
      throw new AuditException(what + " is not a P-256 point");
    }
  }

  private static String epochRef(KeyMode mode, int keyId, String scopeHex) {
    return "key-epoch/" + (mode == KeyMode.KEY_MODE_OPRF ? "oprf" : mode == KeyMode.KEY_MODE_HMAC
        ? "hmac" : "unspecified") + "/" + Integer.toUnsignedString(keyId) + "/" + scopeHex;
  }

  private static String describeRef(String ref) {
    String[] p = ref.split("/");
    return p[0].equals("scope") ? "scope " + p[1]
        : p[1] + " key epoch " + p[2] + " of scope " + p[3];
  }

  private static void logged(AuditState state, String ref) {
    state.logged.add(ref);
    state.pending.remove(ref);
  }

  private static void reference(AuditState state, String ref, long index) {
    if (!state.logged.contains(ref)) {
      state.pending.putIfAbsent(ref, index);
    }
  }

  static String key(String submitter, String submissionId) {
    return submitter + "\n" + submissionId;
  }
}
