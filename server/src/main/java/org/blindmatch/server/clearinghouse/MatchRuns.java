package org.blindmatch.server.clearinghouse;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.OptionalLong;
import org.blindmatch.core.claims.Transcripts;
import org.blindmatch.core.disclosure.CountNoise;
import org.blindmatch.core.disclosure.DifferencingGuard;
import org.blindmatch.core.disclosure.GeometricNoise;
import org.blindmatch.core.disclosure.PrivacyBudget;
import org.blindmatch.core.disclosure.Release;
import org.blindmatch.crypto.scope.Disclosure;
import org.blindmatch.proto.v1.DifferencingOverride;
import org.blindmatch.proto.v1.DisclosureApplied;
import org.blindmatch.proto.v1.DpAccount;
import org.blindmatch.core.match.MatchInput;
import org.blindmatch.core.match.MatchRun;
import org.blindmatch.crypto.hash.Sha256;
import org.blindmatch.proto.v1.LogEntry;
import org.blindmatch.proto.v1.RecipientDigest;
import org.blindmatch.proto.v1.RunInput;
import org.blindmatch.proto.v1.RunTranscript;
import org.blindmatch.proto.v1.SignedTranscript;
import org.blindmatch.proto.v1.SubmissionRole;
import org.blindmatch.server.clearinghouse.ClearinghouseException.Code;
import org.blindmatch.server.metrics.ServerMetrics;
import org.blindmatch.server.store.StoreException;
import org.blindmatch.server.store.StoredSubmission;

/**
 * Runs matches: per accepted key id, every report submission of the scope against every
 * watchlist submission, then splits the outcome per recipient, stores each recipient's
 * results and the signed transcript that commits to their digests, and logs the transcript.
 * Expired submissions are purged first; every input is checked to be this clearinghouse's
 * own ({@link OwnRecords}).
 *
 * <p>Thread-safe: runs are serialised.
 */
final class MatchRuns {
  /** Recipient key under which operator totals are stored. */
  static final String OPERATOR = MatchRun.OPERATOR;

  private final Clearinghouse ch;
  private final ServerMetrics metrics;
  private final MatchRun matchRun = new MatchRun();
  private final SecureRandom random = new SecureRandom();

  MatchRuns(Clearinghouse ch, ServerMetrics metrics) {
    this.ch = ch;
    this.metrics = metrics;
  }

  /**
   * Runs a match over the published scope {@code scopeId} and returns its signed transcript.
   *
   * @param allowDifferencing empty, or the operator's reason to run although the differencing
   *     guard refuses (logged in the transcript)
   * @throws ClearinghouseException {@code NOT_FOUND} if the scope is not the published one;
   *     {@code FAILED_PRECONDITION} if no key id has both a report and a watchlist, if the
   *     differencing guard refuses (naming the earlier run) and there is no override, or if
   *     the scope's privacy budget cannot pay for the run; {@code INVALID_ARGUMENT} for a
   *     malformed override reason;
   *     {@code DATA_LOSS} if a stored submission is not this clearinghouse's own;
   *     {@code INTERNAL} if reading records or signing failed
   */
  SignedTranscript start(String scopeId, String allowDifferencing)
      throws ClearinghouseException, StoreException {
    if (allowDifferencing.length() > 200
        || !allowDifferencing.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      throw new ClearinghouseException(Code.INVALID_ARGUMENT, "the differencing override "
          + "reason must be printable ASCII of at most 200 characters");
    }
    long start = System.nanoTime();
    String outcome = "failed";
    try {
      SignedTranscript transcript = run(scopeId, allowDifferencing.strip());
      outcome = "ok";
      return transcript;
    } catch (IOException | UncheckedIOException | GeneralSecurityException e) {
      throw new ClearinghouseException(Code.INTERNAL, "match run failed: " + e.getMessage(), e);
    } finally {
      metrics.matchRun(outcome, Duration.ofNanos(System.nanoTime() - start));
    }
  }

  private synchronized SignedTranscript run(String scopeId, String allowDifferencing)
      throws ClearinghouseException, StoreException, IOException, GeneralSecurityException {
    if (!scopeId.equals(ch.scope().id())) {
      throw new ClearinghouseException(Code.NOT_FOUND, "scope " + scopeId
          + " is not published here (published: " + ch.scope().id() + ")");
    }
    Instant now = ch.clock().instant();
    ch.submissions().purgeExpired(now);
    String runId = "run-" + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
        .withZone(ZoneOffset.UTC).format(now) + "-" + HexFormat.of().formatHex(randomBytes());
    RunTranscript.Builder transcript = RunTranscript.newBuilder()
        .setRunId(runId)
        .setScopeId(ch.scope().id())
        .setScopeDigest(ByteString.copyFrom(ch.scope().digest()))
        .setStartedAt(now.getEpochSecond())
        .setClearinghouse(ch.identity().uri().toString());
    List<MatchRun.KeyGroup> groups = new ArrayList<>();
    OwnRecords own = new OwnRecords(ch);
    for (int keyId : ch.allKeyIds()) {
      List<StoredSubmission> reports = verified(own, ch.submissions().list(ch.scope().digest(),
          keyId, SubmissionRole.SUBMISSION_ROLE_REPORT_VALUE));
      List<StoredSubmission> watchlists = verified(own, ch.submissions().list(
          ch.scope().digest(), keyId, SubmissionRole.SUBMISSION_ROLE_WATCHLIST_VALUE));
      for (StoredSubmission s : reports) {
        transcript.addReportInputs(input(s));
      }
      for (StoredSubmission s : watchlists) {
        transcript.addWatchlistInputs(input(s));
      }
      groups.add(new MatchRun.KeyGroup(keyId, inputs(reports), inputs(watchlists)));
    }
    if (groups.stream().noneMatch(MatchRun.KeyGroup::joinable)) {
      throw ClearinghouseException.failedPrecondition("nothing to match: scope "
          + ch.scope().id() + " needs at least one report and one watchlist submission "
          + "under the same key id");
    }
    List<RunTranscript> earlier = earlierRuns();
    guard(transcript, earlier, allowDifferencing);
    DisclosureApplied applied = disclosure(earlier);
    transcript.setKThreshold(applied.getMinRecords()).setDisclosure(applied);
    CountNoise noise = applied.hasDp()
        ? GeometricNoise.secure(applied.getDp().getEpsilonPerRunMicros(),
            applied.getDp().getSensitivity())
        : CountNoise.EXACT;
    MatchRun.Outcome outcome = matchRun.compute(runId, Release.of(applied, noise), groups);
    transcript.addAllTotals(outcome.totals());
    for (Map.Entry<String, org.blindmatch.proto.v1.Results> e : outcome.results().entrySet()) {
      byte[] bytes = e.getValue().toByteArray();
      ch.results().putResult(runId, e.getKey(), bytes);
      transcript.addRecipients(RecipientDigest.newBuilder().setRecipient(e.getKey())
          .setResultsSha256(ByteString.copyFrom(Sha256.digest(bytes)))
          .setSuppressed(e.getValue().getSuppressed())
          .setReleased(e.getValue().getLabelCountsCount() + e.getValue().getTotalsCount()));
    }
    SignedTranscript signed = Transcripts.sign(ch.signer(), transcript.build());
    ch.transcripts().putTranscript(runId, signed.toByteArray());
    ch.log().append(Clearinghouse.transcriptLogKey(runId),
        LogEntry.newBuilder().setTranscript(signed).build().toByteArray());
    return signed;
  }

  /** Every stored run of the published scope, oldest first. */
  private List<RunTranscript> earlierRuns()
      throws StoreException, ClearinghouseException, IOException {
    List<RunTranscript> out = new ArrayList<>();
    for (String id : ch.transcripts().transcriptRunIds()) {
      byte[] bytes = ch.transcripts().transcript(id).orElseThrow(() ->
          new ClearinghouseException(Code.DATA_LOSS, "run " + id + " is listed but has no "
              + "stored transcript"));
      RunTranscript t = RunTranscript.parseFrom(SignedTranscript.parseFrom(bytes)
          .getTranscript());
      if (MessageDigest.isEqual(t.getScopeDigest().toByteArray(), ch.scope().digest())) {
        out.add(t);
      }
    }
    out.sort(Comparator.comparingLong(RunTranscript::getStartedAt));
    return out;
  }

  /**
   * Refuses a run whose report inputs difference against an earlier run's (PROTOCOL §7.2),
   * unless the operator gave a reason, which the transcript then records with the runs.
   */
  private void guard(RunTranscript.Builder transcript, List<RunTranscript> earlier,
      String allowDifferencing) throws ClearinghouseException {
    int min = ch.scope().disclosure().minSubmitters();
    List<DifferencingGuard.Conflict> conflicts =
        DifferencingGuard.conflicts(transcript.getReportInputsList(), earlier, min);
    if (conflicts.isEmpty()) {
      return;
    }
    if (allowDifferencing.isEmpty()) {
      DifferencingGuard.Conflict c = conflicts.get(conflicts.size() - 1);
      throw ClearinghouseException.failedPrecondition("differencing guard: this run's report "
          + "inputs differ from those of earlier run " + c.runId() + " by " + c.submissions()
          + " submission(s) of " + c.submitters().size() + " submitter(s) "
          + c.submitters() + ", fewer than min_submitters " + min + " of scope "
          + ch.scope().id() + ": every NGO and the operator could subtract the two runs' "
          + "aggregates and read those submissions' contribution"
          + (conflicts.size() > 1 ? " (and " + (conflicts.size() - 1) + " earlier run(s))" : "")
          + "; wait for more submissions, or override with a logged reason "
          + "(match run --allow-differencing REASON)");
    }
    DifferencingOverride.Builder o = DifferencingOverride.newBuilder()
        .setReason(allowDifferencing);
    conflicts.forEach(c -> o.addRuns(c.runId()));
    transcript.setDifferencingOverride(o);
  }

  /**
   * The thresholds this run applies (the scope's min_records, raised to the configured k) and,
   * for a scope with dp, the charge to its budget: FAILED_PRECONDITION past the budget.
   */
  private DisclosureApplied disclosure(List<RunTranscript> earlier)
      throws ClearinghouseException {
    Disclosure d = ch.scope().disclosure();
    DisclosureApplied.Builder applied = DisclosureApplied.newBuilder()
        .setMinRecords(Math.max(d.minRecords(), ch.kThreshold()))
        .setMinSubmitters(d.minSubmitters());
    if (d.dp().isPresent()) {
      Disclosure.Dp dp = d.dp().get();
      long spent = 0;
      for (RunTranscript t : earlier) {
        if (t.hasDisclosure() && t.getDisclosure().hasDp()) {
          spent += t.getDisclosure().getDp().getEpsilonPerRunMicros();
        }
      }
      OptionalLong after = PrivacyBudget.charge(spent, dp.epsilonPerRunMicros(),
          dp.epsilonBudgetMicros());
      if (after.isEmpty()) {
        throw ClearinghouseException.failedPrecondition("privacy budget exhausted: scope "
            + ch.scope().id() + " has spent epsilon " + Disclosure.formatEpsilon(spent)
            + " of its budget " + Disclosure.formatEpsilon(dp.epsilonBudgetMicros())
            + " and a run costs " + Disclosure.formatEpsilon(dp.epsilonPerRunMicros())
            + "; no further run of this scope can be released (a new scope, agreed by every "
            + "party, starts a new budget)");
      }
      applied.setDp(DpAccount.newBuilder()
          .setMechanism(dp.mechanism().yamlName())
          .setEpsilonPerRunMicros(dp.epsilonPerRunMicros())
          .setEpsilonBudgetMicros(dp.epsilonBudgetMicros())
          .setEpsilonSpentMicros(after.getAsLong())
          .setSensitivity(PrivacyBudget.sensitivity(ch.scope().tiers().size())));
    }
    return applied.build();
  }

  /**
   * {@code subs}, each checked to be a submission this clearinghouse committed (its signed
   * receipt commits to the row's root, count and key id), so a run never uses, and its
   * transcript never signs, a row written into the store by someone else.
   */
  private static List<StoredSubmission> verified(OwnRecords own, List<StoredSubmission> subs)
      throws ClearinghouseException {
    for (StoredSubmission s : subs) {
      try {
        own.receipt(s);
      } catch (StoreException e) {
        throw new ClearinghouseException(Code.DATA_LOSS, "cannot run: " + e.getMessage(), e);
      }
    }
    return subs;
  }

  private List<MatchInput> inputs(List<StoredSubmission> subs) {
    List<MatchInput> out = new ArrayList<>();
    for (StoredSubmission s : subs) {
      String id = s.spec().submissionId();
      out.add(new MatchInput(SubmissionIds.clientId(id), s.spec().submitter(), () -> {
        try {
          return ch.submissions().openRecords(id);
        } catch (StoreException e) {
          throw new IOException(e.getMessage(), e);
        }
      }));
    }
    return out;
  }

  private static RunInput input(StoredSubmission s) {
    return RunInput.newBuilder()
        .setSubmissionId(SubmissionIds.clientId(s.spec().submissionId()))
        .setSubmitter(s.spec().submitter())
        .setMerkleRoot(ByteString.copyFrom(s.merkleRoot()))
        .setRecordCount(s.records())
        .setKeyId(s.spec().keyId())
        .build();
  }

  private byte[] randomBytes() {
    byte[] b = new byte[4];
    random.nextBytes(b);
    return b;
  }
}
