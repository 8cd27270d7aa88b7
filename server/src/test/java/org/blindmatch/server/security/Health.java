package org.blindmatch.server.security;

import org.blindmatch.testing.TestTimeout;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.stub.MetadataUtils;
import java.util.concurrent.TimeUnit;

/** Calls {@code grpc.health.v1.Health/Check} over a fresh channel and reports the outcome. */
final class Health {
  static final String CHECK = "grpc.health.v1.Health/Check";

  private Health() {}

  /** OK and the serving status if the call succeeded, else the failure status and null. */
  record Outcome(Status status, HealthCheckResponse.ServingStatus serving) {
    @Override
    public String toString() {
      return status + " " + serving;
    }
  }

  static Outcome overTls(int port, SslContext client) throws InterruptedException {
    return check(NettyChannelBuilder.forAddress("127.0.0.1", port).sslContext(client).build(),
        null);
  }

  static Outcome plaintext(String host, int port, String devIdentity)
      throws InterruptedException {
    Metadata headers = null;
    if (devIdentity != null) {
      headers = new Metadata();
      headers.put(IdentityInterceptor.DEV_IDENTITY_HEADER, devIdentity);
    }
    return check(NettyChannelBuilder.forAddress(host, port).usePlaintext().build(), headers);
  }

  private static Outcome check(ManagedChannel channel, Metadata headers)
      throws InterruptedException {
    try {
      HealthGrpc.HealthBlockingStub stub =
          HealthGrpc.newBlockingStub(channel)
              .withDeadlineAfter(TestTimeout.seconds(), TimeUnit.SECONDS);
      if (headers != null) {
        stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
      }
      HealthCheckResponse r = stub.check(HealthCheckRequest.getDefaultInstance());
      return new Outcome(Status.OK, r.getStatus());
    } catch (StatusRuntimeException e) {
      return new Outcome(e.getStatus(), null);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
