package org.blindmatch.server.metrics;

import io.grpc.ServerInterceptor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The metrics of one server process, in Prometheus text format. Labels are limited to values
 * with a small, fixed set: gRPC method names, status codes, outcomes and key epochs; never a
 * caller identity (a per-identity series would tell any scraper who participates), a token, a
 * key, a record or submission id or an address. Thread-safe.
 */
public final class ServerMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter uploadBytes = Counter.builder("blindmatch.upload.bytes")
      .description("Token record bytes accepted in upload chunks")
      .baseUnit("bytes")
      .register(registry);
  private final Counter uploadsExpired = Counter.builder("blindmatch.uploads.expired")
      .description("Uploads in progress removed after sitting idle (upload_idle_expiry)")
      .register(registry);
  private final DistributionSummary committed =
      DistributionSummary.builder("blindmatch.submission.records")
          .description("Records per committed submission (count: submissions committed)")
          .register(registry);

  /** A gRPC interceptor recording every call's method, status code and latency here. */
  public ServerInterceptor grpcInterceptor() {
    return new GrpcMetricsInterceptor(this);
  }

  void call(String method, String code, long nanos) {
    Counter.builder("blindmatch.grpc.server.calls")
        .description("gRPC calls completed, by method and status code")
        .tag("method", method)
        .tag("code", code)
        .register(registry)
        .increment();
    Timer.builder("blindmatch.grpc.server.call.duration")
        .description("gRPC call latency, from the call's start to its status")
        .tag("method", method)
        .register(registry)
        .record(Duration.ofNanos(nanos));
  }

  /** Counts {@code bytes} of token records accepted in an upload chunk. */
  public void uploadBytes(long bytes) {
    uploadBytes.increment(bytes);
  }

  /** Counts {@code n} uploads removed after sitting idle beyond the configured time. */
  public void uploadsExpired(int n) {
    uploadsExpired.increment(n);
  }

  /** Counts one committed submission of {@code records} records. */
  public void submissionCommitted(long records) {
    committed.record(records);
  }

  /** Records one match run of {@code duration}; {@code outcome} is a fixed word (ok, failed). */
  public void matchRun(String outcome, Duration duration) {
    Timer.builder("blindmatch.match.run.duration")
        .description("Match run durations, by outcome")
        .tag("outcome", outcome)
        .register(registry)
        .record(duration);
  }

  /** Counts {@code n} blinded elements evaluated by a keyholder under {@code epoch}. */
  public void evaluations(int epoch, long n) {
    Counter.builder("blindmatch.keyholder.evaluations")
        .description("Blinded elements evaluated, by key epoch")
        .tag("epoch", Integer.toUnsignedString(epoch))
        .register(registry)
        .increment(n);
  }

  /** Counts one evaluation request refused because its caller's quota of {@code epoch} is spent. */
  public void rateLimited(int epoch) {
    Counter.builder("blindmatch.keyholder.rate.limited")
        .description("Evaluate calls refused for an exhausted per-caller quota, by key epoch")
        .tag("epoch", Integer.toUnsignedString(epoch))
        .register(registry)
        .increment();
  }

  /**
   * Registers a gauge read at each scrape; {@code value} should be cheap and must not throw
   * (return {@code Double.NaN} when the value is unavailable).
   */
  public void gauge(String name, String description, Supplier<Number> value) {
    Gauge.builder(name, value).description(description).strongReference(true)
        .register(registry);
  }

  /** The current values in the Prometheus text exposition format. */
  public String scrape() {
    return registry.scrape();
  }
}
