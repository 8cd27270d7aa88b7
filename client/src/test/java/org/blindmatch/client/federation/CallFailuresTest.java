package org.blindmatch.client.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import org.blindmatch.core.transport.ErrorDetails;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Each failed call becomes one line naming its cause and what to do. */
class CallFailuresTest {
  private static final String CH = "the clearinghouse at 10.0.0.5:7443";

  private record Row(String condition, Status status, Metadata trailers, List<String> expected) {}

  @TestFactory
  Stream<DynamicTest> explainsEachCause() {
    SSLHandshakeException hostname = new SSLHandshakeException("handshake failed");
    hostname.initCause(new CertificateException("the server certificate of x names a, b, "
        + "not 10.0.0.5: reissue it with --ip 10.0.0.5"));
    return Stream.of(
        row("connection refused", Status.UNAVAILABLE.withCause(
            new ConnectException("Connection refused: /10.0.0.5:7443")),
            "cannot connect to " + CH + ": connection refused", "is the server running"),
        row("connect timeout", Status.UNAVAILABLE.withCause(
            new ConnectException("connection timed out: /10.0.0.5:7443")),
            "connection timed out", "firewall"),
        row("unknown host", Status.UNAVAILABLE.withCause(new UnknownHostException("nohost")),
            "cannot reach " + CH + ": unknown host (nohost)", "check the server address"),
        row("deadline", Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded after 120s"),
            CH + " did not answer before the deadline", "blindmatch health"),
        row("our trust manager refused the server", Status.UNAVAILABLE.withCause(hostname),
            "TLS with " + CH + " failed: ", "reissue it with --ip 10.0.0.5"),
        row("server sent unknown_ca", Status.UNAVAILABLE.withCause(new SSLHandshakeException(
            "error:10000418:SSL routines:OPENSSL_internal:TLSV1_ALERT_UNKNOWN_CA")),
            "refused this node's certificate (TLS alert unknown_ca)", "federation CA"),
        row("server sent certificate_expired", Status.UNAVAILABLE.withCause(
            new SSLHandshakeException("Received fatal alert: certificate_expired")),
            "(TLS alert certificate_expired): it has expired", "pki issue"),
        row("server sent certificate_revoked", Status.UNAVAILABLE.withCause(
            new SSLHandshakeException("Received fatal alert: certificate_revoked")),
            "(TLS alert certificate_revoked): it has been revoked"),
        row("server sent unsupported_certificate", Status.UNAVAILABLE.withCause(
            new SSLHandshakeException("SSLV3_ALERT_UNSUPPORTED_CERTIFICATE")),
            "lacks the clientAuth extended key usage"),
        row("unavailable without a cause", Status.UNAVAILABLE.withDescription("shutting down"),
            CH + " is unavailable (UNAVAILABLE: shutting down)", "retry"),
        row("permission denied", Status.PERMISSION_DENIED.withDescription("role platform may "
            + "not call MatchService/StartRun"), CH + " refused: PERMISSION_DENIED: role "
            + "platform", "this node's role may not do this"),
        row("other refusals keep code and description", Status.NOT_FOUND.withDescription(
            "no run r1"), CH + " refused: NOT_FOUND: no run r1"),
        new Row("quota with details", quota().getStatus(), quota().getTrailers(), List.of(
            "refused: evaluation quota of epoch 3 exceeded (p epoch 3): 0 of 10 remain, "
                + "4 asked", "quota_per_identity")),
        new Row("upload quota with details", uploadQuota().getStatus(),
            uploadQuota().getTrailers(), List.of("refused: upload quota "
                + "max_open_uploads_per_submitter = 8 exceeded (8 in use, 1 asked): "
                + "8 uploads in progress; finish them", "ask the clearinghouse's operator "
                + "to raise max_open_uploads_per_submitter")))
        .map(r -> DynamicTest.dynamicTest(r.condition(), () -> {
          String line = CallFailures.explain(CH, r.status(), r.trailers());
          assertEquals(1, line.lines().count(), line);
          for (String e : r.expected()) {
            assertTrue(line.contains(e), () -> "\"" + e + "\" in: " + line);
          }
        }));
  }

  @Test
  void bugsAreOnlyServerFaults() {
    assertTrue(CallFailures.isBug(Status.INTERNAL.asRuntimeException()));
    assertTrue(CallFailures.isBug(Status.UNKNOWN.asRuntimeException()));
    assertEquals(false, CallFailures.isBug(Status.UNKNOWN.withCause(
        new ConnectException("Connection refused")).asRuntimeException()));
    assertEquals(false, CallFailures.isBug(Status.UNAVAILABLE.asRuntimeException()));
    assertEquals(false, CallFailures.isBug(Status.RESOURCE_EXHAUSTED.asRuntimeException()));
  }

  @Test
  void quotaWithoutDetailsStillNamesTheLimit() {
    String line = CallFailures.explain(CH, Status.RESOURCE_EXHAUSTED.withDescription(
        "message larger than 4194304"), new Metadata());
    assertTrue(line.contains("RESOURCE_EXHAUSTED: message larger than 4194304")
        && line.contains("over one of its limits"), line);
  }

  private static Row row(String condition, Status status, String... expected) {
    return new Row(condition, status, new Metadata(), List.of(expected));
  }

  private static StatusRuntimeException quota() {
    return ErrorDetails.error(Status.RESOURCE_EXHAUSTED.withDescription("over quota"),
        ErrorDetails.REASON_QUOTA_EXCEEDED, Map.of("epoch", "3", "quota", "10",
            "remaining", "0", "requested", "4"),
        com.google.rpc.QuotaFailure.newBuilder().addViolations(
            com.google.rpc.QuotaFailure.Violation.newBuilder().setSubject("p epoch 3"))
            .build());
  }

  private static StatusRuntimeException uploadQuota() {
    return ErrorDetails.error(Status.RESOURCE_EXHAUSTED.withDescription(
            "8 uploads in progress; finish them"),
        ErrorDetails.REASON_UPLOAD_QUOTA_EXCEEDED, Map.of("limit",
            "max_open_uploads_per_submitter", "quota", "8", "used", "8", "requested", "1"),
        com.google.rpc.QuotaFailure.newBuilder().addViolations(
            com.google.rpc.QuotaFailure.Violation.newBuilder()
                .setSubject("max_open_uploads_per_submitter")).build());
  }

  @Test
  void detailsRoundTripThroughTrailers() {
    StatusRuntimeException e = quota();
    com.google.rpc.Status s = StatusProto.fromThrowable(e);
    ErrorInfo info = null;
    for (Any a : s.getDetailsList()) {
      if (a.is(ErrorInfo.class)) {
        info = org.junit.jupiter.api.Assertions.assertDoesNotThrow(
            () -> a.unpack(ErrorInfo.class));
      }
    }
    assertEquals("QUOTA_EXCEEDED", info.getReason());
    assertEquals("blindmatch.org", info.getDomain());
  }
}
