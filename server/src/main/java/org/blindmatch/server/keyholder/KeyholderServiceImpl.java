package org.blindmatch.server.keyholder;

import org.blindmatch.core.limits.Limits;
import com.google.protobuf.ByteString;
import com.google.rpc.QuotaFailure;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.blindmatch.core.transport.ErrorDetails;
import io.grpc.stub.StreamObserver;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.blindmatch.crypto.oprf.BlindEvaluation;
import org.blindmatch.crypto.oprf.Element;
import org.blindmatch.crypto.oprf.OprfException;
import org.blindmatch.crypto.oprf.OprfKeyFiles;
import org.blindmatch.crypto.oprf.OprfServer;
import org.blindmatch.crypto.oprf.Suite;
import org.blindmatch.proto.v1.EvaluateRequest;
import org.blindmatch.proto.v1.EvaluateResponse;
import org.blindmatch.proto.v1.EvaluationCount;
import org.blindmatch.proto.v1.EvaluationCounts;
import org.blindmatch.proto.v1.GetEvaluationCountsRequest;
import org.blindmatch.proto.v1.GetShareKeyRequest;
import org.blindmatch.proto.v1.KeyholderServiceGrpc;
import org.blindmatch.proto.v1.ShareKey;
import org.blindmatch.server.metrics.ServerMetrics;
import org.blindmatch.server.security.CallerIdentity;

/** Blind evaluation with a batched proof, rate-limited and counted per caller and epoch. */
final class KeyholderServiceImpl extends KeyholderServiceGrpc.KeyholderServiceImplBase {

  private final OprfKeyFiles.EpochShare share;
  private final OprfKeyFiles.EpochPublicKey published;
  private final OprfServer server;
  private final EvaluationLedger ledger;
  private final long quota;
  private final ServerMetrics metrics;
  private final SecureRandom random = new SecureRandom();

  KeyholderServiceImpl(OprfKeyFiles.EpochShare share, OprfKeyFiles.EpochPublicKey published,
      EvaluationLedger ledger, long quota, ServerMetrics metrics) {
    this.metrics = metrics;
    this.share = share;
    this.published = published;
    this.server = new OprfServer(Suite.VOPRF_P256_SHA256, share.share().keyPair());
    this.ledger = ledger;
    this.quota = quota;
  }

  @Override
  public void evaluate(EvaluateRequest request, StreamObserver<EvaluateResponse> response) {
    String caller = CallerIdentity.current().uri().toString();
    if (request.getEpoch() != share.epoch()) {
      response.onError(Status.FAILED_PRECONDITION.withDescription("this keyholder holds epoch "
          + Integer.toUnsignedString(share.epoch()) + ", not "
          + Integer.toUnsignedString(request.getEpoch())).asRuntimeException());
      return;
    }
    int n = request.getBlindedElementsCount();
    if (n == 0 || n > Limits.MAX_EVALUATE_BATCH) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("a batch holds 1.." + Limits.MAX_EVALUATE_BATCH
          + " blinded elements, got " + n).asRuntimeException());
      return;
    }
    List<Element> blinded = new ArrayList<>(n);
    try {
      for (int i = 0; i < n; i++) {
        blinded.add(Element.decode(request.getBlindedElements(i).toByteArray()));
      }
    } catch (OprfException e) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("blinded element: "
          + e.getMessage()).asRuntimeException());
      return;
    }
    // A combination S: answer λ_i(S)·k_i·B so the client's combination is a sum (PROTOCOL.md §5).
    List<Integer> combination = request.getCombinationList();
    OprfServer evaluator = server;
    if (!combination.isEmpty()) {
      if (combination.size() != share.threshold()) {
        response.onError(Status.INVALID_ARGUMENT.withDescription("combination names "
            + combination.size() + " shares; the threshold is " + share.threshold())
            .asRuntimeException());
        return;
      }
      try {
        evaluator = new OprfServer(Suite.VOPRF_P256_SHA256, share.share().weighted(combination));
      } catch (IllegalArgumentException e) {
        response.onError(Status.INVALID_ARGUMENT.withDescription("combination: "
            + e.getMessage()).asRuntimeException());
        return;
      }
    }
    long remaining;
    try {
      remaining = ledger.reserve(caller, share.epoch(), n, quota);
    } catch (EvaluationLedger.QuotaExceededException e) {
      metrics.rateLimited(share.epoch());
      response.onError(quotaExceeded(caller, share.epoch(), e.remaining, quota, n));
      return;
    } catch (SQLException e) {
      response.onError(Status.INTERNAL.withDescription("ledger unavailable")
          .asRuntimeException());
      return;
    }
    BlindEvaluation evaluation = evaluator.blindEvaluateBatch(blinded, random);
    metrics.evaluations(share.epoch(), n);
    EvaluateResponse.Builder out = EvaluateResponse.newBuilder()
        .setEpoch(share.epoch())
        .setKeyholder(share.share().index())
        .setProof(ByteString.copyFrom(evaluation.proof().encode()))
        .setRemainingQuota(remaining)
        .addAllCombination(combination);
    for (Element e : evaluation.evaluatedElements()) {
      out.addEvaluatedElements(ByteString.copyFrom(e.encode()));
    }
    response.onNext(out.build());
    response.onCompleted();
  }

  @Override
  public void getShareKey(GetShareKeyRequest request, StreamObserver<ShareKey> response) {
    response.onNext(ShareKey.newBuilder()
        .setEpoch(share.epoch())
        .setKeyholder(share.share().index())
        .setThreshold(share.threshold())
        .setSharePublicKey(ByteString.copyFrom(share.share().publicKey().encode()))
        .setGroupPublicKey(ByteString.copyFrom(published.groupKey().encode()))
        .build());
    response.onCompleted();
  }

  @Override
  public void getEvaluationCounts(GetEvaluationCountsRequest request,
      StreamObserver<EvaluationCounts> response) {
    try {
      EvaluationCounts.Builder out = EvaluationCounts.newBuilder();
      for (EvaluationLedger.Count c : ledger.counts()) {
        out.addCounts(EvaluationCount.newBuilder().setIdentity(c.identity())
            .setEpoch(c.epoch()).setEvaluations(c.evaluations()));
      }
      response.onNext(out.build());
      response.onCompleted();
    } catch (SQLException e) {
      response.onError(Status.INTERNAL.withDescription("ledger unavailable")
          .asRuntimeException());
    }
  }

  /**
   * RESOURCE_EXHAUSTED with the numbers as {@code google.rpc} details (PROTOCOL.md §10): an
   * {@code ErrorInfo} (reason {@code QUOTA_EXCEEDED}; metadata epoch, quota, remaining,
   * requested) and a {@code QuotaFailure} naming the caller and epoch, so that a client in any
   * language can read them without parsing the description.
   */
  static StatusRuntimeException quotaExceeded(String caller, int epoch, long remaining,
      long quota, long requested) {
    String e = Integer.toUnsignedString(epoch);
    String description = "evaluation quota of epoch " + e + " exceeded: " + remaining
        + " of " + quota + " remain, " + requested + " asked";
    QuotaFailure failure = QuotaFailure.newBuilder()
        .addViolations(QuotaFailure.Violation.newBuilder()
            .setSubject(caller + " epoch " + e)
            .setDescription(description))
        .build();
    return ErrorDetails.error(Status.RESOURCE_EXHAUSTED.withDescription(description),
        ErrorDetails.REASON_QUOTA_EXCEEDED, Map.of("epoch", e,
            "quota", Long.toString(quota), "remaining", Long.toString(remaining),
            "requested", Long.toString(requested)), failure);
  }
}
