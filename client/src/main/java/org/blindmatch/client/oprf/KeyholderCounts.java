package org.blindmatch.client.oprf;

import org.blindmatch.client.federation.CallFailures;
import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.federation.FederationException;
import org.blindmatch.client.federation.NodeProfile;
import org.blindmatch.client.federation.ServerIdentityCheck;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.blindmatch.crypto.oprf.OprfKeyFiles;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.PkiException;
import org.blindmatch.proto.v1.EvaluationCount;
import org.blindmatch.proto.v1.GetEvaluationCountsRequest;
import org.blindmatch.proto.v1.KeyholderServiceGrpc;
import org.blindmatch.core.transport.HostPort;
import org.blindmatch.core.transport.MutualTls;
import org.blindmatch.core.transport.TlsMaterial;

/**
 * An auditor's (or the clearinghouse operator's) view of the keyholders' durable evaluation
 * ledgers: {@code KeyholderService.GetEvaluationCounts} over mutual TLS, from each server whose
 * certificate names a holder of the epoch's public file.
 */
public final class KeyholderCounts {
  static final long DEADLINE_SECONDS = 15;

  /**
   * One keyholder's answer.
   *
   * @param address where it was asked
   * @param keyholder its identity (from its certificate), or null if it did not answer
   * @param share its share index in the public file, or 0 if it did not answer
   * @param counts evaluations per caller identity and epoch, as its ledger holds them
   * @param problem why it did not answer, or null
   */
  public record Answer(String address, NodeIdentity keyholder, int share,
      List<EvaluationCount> counts, String problem) {}

  private KeyholderCounts() {}

  /**
   * Asks each keyholder at {@code addresses} for its counts, as the node of {@code profile}.
   *
   * @return one answer per address, in order; a keyholder that is down, refuses the caller or
   *     is not named in {@code key} gives an answer with a problem
   * @throws FederationException if the profile's TLS material cannot be read or an address is
   *     malformed
   */
  public static List<Answer> fetch(NodeProfile profile, List<String> addresses,
      OprfKeyFiles.EpochPublicKey key) throws FederationException {
    List<HostPort> targets = new ArrayList<>();
    for (String address : addresses) {
      try {
        targets.add(HostPort.parse(address, false));
      } catch (IllegalArgumentException e) {
        throw new FederationException("--keyholders: " + e.getMessage());
      }
    }
    TlsMaterial tls = KeyholderPool.tls(profile);
    List<Answer> answers = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      String address = addresses.get(i);
      AtomicReference<NodeIdentity> seen = new AtomicReference<>();
      ManagedChannel channel;
      try {
        channel = NettyChannelBuilder.forAddress(targets.get(i).host(), targets.get(i).port())
            .sslContext(MutualTls.clientContext(tls))
            .intercept(new ServerIdentityCheck(id -> {
              if (key.shareOf(id) < 0) {
                return "the server is " + id + ", not a keyholder named in the public file "
                    + "of epoch " + Integer.toUnsignedString(key.epoch());
              }
              seen.set(id);
              return null;
            }, "keyholder"))
            .intercept(CallFailures.interceptor("the keyholder"))
            .build();
      } catch (PkiException e) {
        throw new FederationException("cannot set up TLS: " + e.getMessage(), e);
      }
      try {
        List<EvaluationCount> counts = KeyholderServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
            .getEvaluationCounts(GetEvaluationCountsRequest.getDefaultInstance())
            .getCountsList();
        NodeIdentity id = seen.get();
        answers.add(id == null
            ? new Answer(address, null, 0, List.of(), "the server's identity was not checked")
            : new Answer(address, id, key.shareOf(id), counts, null));
      } catch (StatusRuntimeException e) {
        answers.add(new Answer(address, null, 0, List.of(), FederationClient.describe(e)));
      } finally {
        channel.shutdownNow();
        try {
          channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    return answers;
  }
}
