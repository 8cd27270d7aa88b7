package org.blindmatch.client.oprf;

import org.blindmatch.client.federation.CallFailures;
import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.federation.FederationException;
import org.blindmatch.client.federation.NodeProfile;
import org.blindmatch.client.federation.ServerIdentityCheck;
import org.blindmatch.core.limits.Limits;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.blindmatch.client.tokenize.OprfEvaluator;
import org.blindmatch.crypto.oprf.BlindEvaluation;
import org.blindmatch.crypto.oprf.Blinded;
import org.blindmatch.crypto.oprf.CombinedEvaluation;
import org.blindmatch.crypto.oprf.Element;
import org.blindmatch.crypto.oprf.OprfClient;
import org.blindmatch.crypto.oprf.OprfException;
import org.blindmatch.crypto.oprf.OprfKeyFiles;
import org.blindmatch.crypto.oprf.Proof;
import org.blindmatch.crypto.oprf.ShareEvaluation;
import org.blindmatch.crypto.oprf.ShareRejectedException;
import org.blindmatch.crypto.oprf.Suite;
import org.blindmatch.crypto.oprf.ThresholdCombiner;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.PkiException;
import org.blindmatch.proto.v1.EvaluateRequest;
import org.blindmatch.proto.v1.EvaluateResponse;
import org.blindmatch.proto.v1.GetShareKeyRequest;
import org.blindmatch.proto.v1.KeyholderServiceGrpc;
import org.blindmatch.proto.v1.ShareKey;
import org.blindmatch.core.transport.HostPort;
import org.blindmatch.core.transport.MutualTls;
import org.blindmatch.core.transport.RevocationFile;
import org.blindmatch.core.transport.TlsMaterial;

/**
 * The keyholders of one oprf key epoch as a platform or NGO reaches them, over mutual TLS.
 *
 * <p>{@link #connect} asks every listed address for its share key, and keeps those whose
 * certificate names the holder the epoch's public file lists for that share and whose share
 * key is the published one (the channel is then pinned to that identity). {@link #evaluate}
 * blinds the inputs, sends them to t keyholders in parallel, verifies each answer's batched
 * DLEQ proof against its share key, asks the next keyholder in place of any that fails, and
 * combines t verified answers. A keyholder that fails (down, over quota, bad proof) is named
 * to the warning sink and not asked again in this run. Keyholders see only blinded elements.
 *
 * <p>Thread-safe: concurrent {@link #evaluate} calls run in parallel. Close it when done.
 */
public final class KeyholderPool implements OprfEvaluator, AutoCloseable {
  static final long CONNECT_DEADLINE_SECONDS = 15;
  static final long EVALUATE_DEADLINE_SECONDS = 120;

  /** A keyholder that answered at connect time. */
  private record Member(String address, NodeIdentity identity, int share,
      ManagedChannel channel) {
    KeyholderServiceGrpc.KeyholderServiceFutureStub stub() {
      return KeyholderServiceGrpc.newFutureStub(channel)
          .withDeadlineAfter(EVALUATE_DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    String name() {
      return "keyholder " + share + " (" + identity + " at " + address + ")";
    }
  }

  /**
   * Thrown by {@link #evaluate} when fewer than t keyholders could answer and at least one of
   * those that failed in this run refused with {@code RESOURCE_EXHAUSTED} (over its quota or
   * rate limit): unlike a wrong proof, waiting and asking again with a fresh pool may help.
   */
  public static final class RateLimitedException extends IOException {
    private static final long serialVersionUID = 1L;
    private final List<String> keyholders;

    /** @param keyholders the refusing keyholders, named as in {@link #keyholders()} */
    public RateLimitedException(String message, List<String> keyholders) {
      super(message);
      this.keyholders = List.copyOf(keyholders);
    }

    /** The keyholders that refused, each as "keyholder N (identity at host:port)". */
    public List<String> keyholders() {
      return keyholders;
    }
  }

  private final OprfKeyFiles.EpochPublicKey key;
  private final List<Member> healthy;
  private final Set<String> rateLimited = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final List<ManagedChannel> channels;
  private final Consumer<String> warnings;
  private final OprfClient client = new OprfClient(Suite.VOPRF_P256_SHA256);
  private final SecureRandom random = new SecureRandom();

  private KeyholderPool(OprfKeyFiles.EpochPublicKey key, List<Member> members,
      List<ManagedChannel> channels, Consumer<String> warnings) {
    this.key = key;
    this.healthy = new java.util.concurrent.CopyOnWriteArrayList<>(members);
    this.channels = channels;
    this.warnings = warnings;
  }

  /**
   * Connects to the keyholders at {@code addresses} as the node of {@code profile}.
   *
   * @param addresses {@code host:port} of each keyholder, in order of preference
   * @param key the epoch's public file
   * @param warnings receives one line per keyholder that is unavailable or misbehaves
   * @throws FederationException if the profile cannot be read, an address is malformed, or fewer
   *     than t keyholders answered correctly (the message names each failure)
   */
  public static KeyholderPool connect(NodeProfile profile, List<String> addresses,
      OprfKeyFiles.EpochPublicKey key, Consumer<String> warnings) throws FederationException {
    TlsMaterial tls = tls(profile);
    return connect(tls, revocations(profile, tls), addresses, key, warnings);
  }

  /**
   * The profile's revocation list ({@code tls.revocations}) checked against the federation CA
   * of {@code tls}, or null if the profile names none. Every way of reaching keyholders (the
   * CLI, the Spark job) enforces revocations through this and
   * {@link #connect(TlsMaterial, RevocationFile, List, OprfKeyFiles.EpochPublicKey, Consumer)}.
   *
   * @throws FederationException naming the file if it cannot be read, is not the CA's, or is
   *     past its nextUpdate
   */
  public static RevocationFile revocations(NodeProfile profile, TlsMaterial tls)
      throws FederationException {
    if (profile.revocations() == null) {
      return null;
    }
    try {
      return RevocationFile.load(profile.revocations(), tls.caCertificate(), message -> { });
    } catch (PkiException e) {
      throw new FederationException(e.getMessage(), e);
    }
  }

  /**
   * The TLS identity of {@code profile}, decrypting its key with its passphrase file (for a
   * process that connects many pools with one identity, see
   * {@link #connect(TlsMaterial, List, OprfKeyFiles.EpochPublicKey, Consumer)}).
   *
   * @throws FederationException if the profile has no TLS section or its files cannot be read
   */
  public static TlsMaterial tls(NodeProfile profile) throws FederationException {
    if (profile.insecureIdentity() != null) {
      throw new FederationException("keyholders are reached over mutual TLS only; the profile has "
          + "no tls section");
    }
    char[] passphrase = profile.passphrase();
    try {
      return TlsMaterial.load(profile.caCertificate(), profile.certificate(),
          profile.privateKey(), passphrase);
    } catch (PkiException e) {
      throw new FederationException(e.getMessage(), e);
    } finally {
      Arrays.fill(passphrase, '\0');
    }
  }

  /**
   * Connects to the keyholders at {@code addresses} with the TLS identity {@code tls}; as
   * {@link #connect(NodeProfile, List, OprfKeyFiles.EpochPublicKey, Consumer)} otherwise.
   */
  public static KeyholderPool connect(TlsMaterial tls, List<String> addresses,
      OprfKeyFiles.EpochPublicKey key, Consumer<String> warnings) throws FederationException {
    return connect(tls, null, addresses, key, warnings);
  }

  /**
   * As {@link #connect(TlsMaterial, List, OprfKeyFiles.EpochPublicKey, Consumer)}; a keyholder
   * whose certificate is on {@code revocations} (if not null; see {@link #revocations}) is
   * refused.
   */
  public static KeyholderPool connect(TlsMaterial tls, RevocationFile revocations,
      List<String> addresses, OprfKeyFiles.EpochPublicKey key, Consumer<String> warnings)
      throws FederationException {
    if (addresses.isEmpty()) {
      throw new FederationException("--keyholders: no addresses");
    }
    List<ManagedChannel> channels = new ArrayList<>();
    Map<String, AtomicReference<NodeIdentity>> seen = new LinkedHashMap<>();
    Map<String, ListenableFuture<ShareKey>> answers = new LinkedHashMap<>();
    try {
      for (String address : addresses) {
        HostPort hp;
        try {
          hp = HostPort.parse(address, false);
        } catch (IllegalArgumentException e) {
          throw new FederationException("--keyholders: " + e.getMessage());
        }
        AtomicReference<NodeIdentity> identity = new AtomicReference<>();
        ServerIdentityCheck check =
            new ServerIdentityCheck(id -> pinOrRefuse(id, identity, key), "keyholder");
        ManagedChannel channel = NettyChannelBuilder.forAddress(hp.host(), hp.port())
            .sslContext(MutualTls.clientContext(tls))
            .intercept(revocations == null ? check : check.rejectingRevoked(revocations))
            .intercept(CallFailures.interceptor("the keyholder"))
            .build();
        channels.add(channel);
        seen.put(address, identity);
        answers.put(address, KeyholderServiceGrpc.newFutureStub(channel)
            .withDeadlineAfter(CONNECT_DEADLINE_SECONDS, TimeUnit.SECONDS)
            .getShareKey(GetShareKeyRequest.getDefaultInstance()));
      }
    } catch (PkiException e) {
      channels.forEach(ManagedChannel::shutdownNow);
      throw new FederationException("cannot set up TLS: " + e.getMessage(), e);
    } catch (FederationException e) {
      channels.forEach(ManagedChannel::shutdownNow);
      throw e;
    }
    List<Member> members = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Set<Integer> shares = new HashSet<>();
    int i = 0;
    for (Map.Entry<String, ListenableFuture<ShareKey>> a : answers.entrySet()) {
      String address = a.getKey();
      ManagedChannel channel = channels.get(i++);
      try {
        ShareKey sk = a.getValue().get();
        NodeIdentity id = seen.get(address).get();
        int share = key.shareOf(id);
        String problem = checkShareKey(sk, id, share, key);
        if (problem == null && !shares.add(share)) {
          problem = "keyholder " + share + " is listed twice";
        }
        if (problem != null) {
          problems.add(address + ": " + problem);
          channel.shutdownNow();
        } else {
          members.add(new Member(address, id, share, channel));
        }
      } catch (ExecutionException e) {
        problems.add(address + ": " + describe(e.getCause()));
        channel.shutdownNow();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        channels.forEach(ManagedChannel::shutdownNow);
        throw new FederationException("interrupted while connecting to keyholders");
      }
    }
    int t = key.shares().threshold();
    if (members.size() < t) {
      channels.forEach(ManagedChannel::shutdownNow);
      throw new FederationException("only " + members.size() + " of the " + addresses.size()
          + " keyholders answered correctly, and epoch "
          + Integer.toUnsignedString(key.epoch()) + " needs " + t + ": "
          + String.join("; ", problems));
    }
    problems.forEach(p -> warnings.accept("keyholder unavailable, continuing without it: "
        + p));
    return new KeyholderPool(key, members, channels, warnings);
  }

  private static String pinOrRefuse(NodeIdentity id, AtomicReference<NodeIdentity> pinned,
      OprfKeyFiles.EpochPublicKey key) {
    NodeIdentity expected = pinned.get();
    if (expected != null) {
      return id.equals(expected) ? null
          : "the server is now " + id + ", not " + expected + " as before";
    }
    if (key.shareOf(id) < 0) {
      return "the server is " + id + ", not a keyholder named in the public file of epoch "
          + Integer.toUnsignedString(key.epoch());
    }
    pinned.compareAndSet(null, id);
    return null;
  }

  /**
   * Why {@code sk} is not {@code id}'s share {@code share} of {@code key}, or null; its
   * uint32 epoch and share index are named unsigned.
   */
  static String checkShareKey(ShareKey sk, NodeIdentity id, int share,
      OprfKeyFiles.EpochPublicKey key) {
    if (sk.getEpoch() != key.epoch()) {
      return id + " serves epoch " + Integer.toUnsignedString(sk.getEpoch()) + ", not "
          + Integer.toUnsignedString(key.epoch());
    }
    if (sk.getKeyholder() != share) {
      return id + " says it holds share " + Integer.toUnsignedString(sk.getKeyholder())
          + ", but the public file "
          + "gives it share " + share;
    }
    Element expected = key.shares().shareKeys().get(share);
    if (!Arrays.equals(sk.getSharePublicKey().toByteArray(), expected.encode())) {
      return id + " serves a share key that is not the published key of share " + share;
    }
    return null;
  }

  @Override
  public int epoch() {
    return key.epoch();
  }

  @Override
  public int maxBatch() {
    return Limits.MAX_EVALUATE_BATCH;
  }

  /** The keyholders still in use, by share index. */
  public List<Integer> activeShares() {
    return healthy.stream().map(Member::share).toList();
  }

  @Override
  public List<byte[]> evaluate(List<byte[]> inputs) throws IOException {
    if (inputs.isEmpty() || inputs.size() > Limits.MAX_EVALUATE_BATCH) {
      throw new IllegalArgumentException("1.." + Limits.MAX_EVALUATE_BATCH
          + " inputs per evaluation, got " + inputs.size());
    }
    List<Blinded> blinded;
    EvaluateRequest.Builder request = EvaluateRequest.newBuilder().setEpoch(key.epoch());
    try {
      blinded = client.blindAll(inputs, random);
      for (Blinded b : blinded) {
        request.addBlindedElements(ByteString.copyFrom(b.blindedElement().encode()));
      }
    } catch (OprfException e) {
      throw new IOException("cannot blind an input: " + e.getMessage(), e);
    }
    List<Element> blindedElements = blinded.stream().map(Blinded::blindedElement).toList();
    CombinedEvaluation combined = evaluateShares(request.build(), blindedElements);
    return client.finalizeCombined(inputs, blinded, combined);
  }

  /**
   * Asks t keyholders, replacing each that fails, until t answers verify. Each request names
   * the t shares the client means to combine, so each keyholder answers with its
   * Lagrange-weighted evaluation and the combination is a sum; an answer given for a set that
   * a failure changed is rescaled by {@link ThresholdCombiner} (PROTOCOL.md §5).
   */
  private CombinedEvaluation evaluateShares(EvaluateRequest request, List<Element> blinded)
      throws IOException {
    int t = key.shares().threshold();
    List<String> failures = new ArrayList<>();
    Map<Integer, ShareEvaluation> answered = new LinkedHashMap<>();
    Map<Integer, Member> byShare = new LinkedHashMap<>();
    List<Member> candidates = List.copyOf(healthy);
    int next = 0;
    while (true) {
      List<Member> asked = new ArrayList<>();
      while (answered.size() + asked.size() < t && next < candidates.size()) {
        asked.add(candidates.get(next++));
      }
      if (answered.size() + asked.size() < t) {
        String message = "OPRF evaluation failed: epoch "
            + Integer.toUnsignedString(key.epoch()) + " needs " + t
            + " keyholders and only " + (answered.size() + asked.size()) + " can still "
            + "answer: " + String.join("; ", failures);
        if (!rateLimited.isEmpty()) {
          throw new RateLimitedException(message, List.copyOf(rateLimited));
        }
        throw new IOException(message);
      }
      List<Integer> combination = new ArrayList<>(answered.keySet());
      asked.forEach(m -> combination.add(m.share()));
      EvaluateRequest weighted =
          request.toBuilder().clearCombination().addAllCombination(combination).build();
      Map<Member, ListenableFuture<EvaluateResponse>> calls = new LinkedHashMap<>();
      for (Member m : asked) {
        calls.put(m, m.stub().evaluate(weighted));
      }
      for (Map.Entry<Member, ListenableFuture<EvaluateResponse>> c : calls.entrySet()) {
        Member m = c.getKey();
        try {
          answered.put(m.share(), decode(m, c.getValue().get(), blinded.size()));
          byShare.put(m.share(), m);
        } catch (ExecutionException e) {
          if (e.getCause() instanceof StatusRuntimeException s
              && s.getStatus().getCode() == io.grpc.Status.Code.RESOURCE_EXHAUSTED) {
            rateLimited.add(m.name());
          }
          fail(m, describe(e.getCause()), failures);
        } catch (OprfException e) {
          fail(m, e.getMessage(), failures);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while waiting for keyholders", e);
        }
      }
      if (answered.size() < t) {
        continue;
      }
      try {
        // Verifies every answer's proof against its share key before combining.
        return ThresholdCombiner.combine(List.copyOf(answered.values()), blinded, key.shares());
      } catch (OprfException e) {
        for (Throwable s : e.getSuppressed()) {
          if (s instanceof ShareRejectedException r && answered.remove(r.keyholder()) != null) {
            fail(byShare.get(r.keyholder()), r.getMessage(), failures);
          }
        }
        if (answered.size() >= t) {
          throw new IOException("OPRF evaluation failed: " + e.getMessage(), e);
        }
      }
    }
  }

  private void fail(Member m, String problem, List<String> failures) {
    failures.add(m.name() + ": " + problem);
    if (healthy.remove(m)) {
      warnings.accept("not using " + m.name() + " for the rest of this run: " + problem);
    }
  }

  private ShareEvaluation decode(Member m, EvaluateResponse r, int count)
      throws OprfException {
    String problem = checkAnswerer(r, key.epoch(), m.share());
    if (problem != null) {
      throw new OprfException(problem);
    }
    if (r.getEvaluatedElementsCount() != count) {
      throw new OprfException(r.getEvaluatedElementsCount() + " evaluated elements for "
          + count + " blinded elements");
    }
    List<Element> evaluated = new ArrayList<>(count);
    for (ByteString b : r.getEvaluatedElementsList()) {
      evaluated.add(Element.decode(b.toByteArray()));
    }
    // The echoed combination says how the answer is weighted; the proof is checked against it.
    return new ShareEvaluation(m.share(),
        new BlindEvaluation(evaluated, Proof.decode(r.getProof().toByteArray())),
        r.getCombinationList());
  }

  /**
   * Why {@code r} is not an answer of share {@code share} of {@code epoch}, or null; its uint32
   * epoch and keyholder are named unsigned.
   */
  static String checkAnswerer(EvaluateResponse r, int epoch, int share) {
    if (r.getEpoch() != epoch || r.getKeyholder() != share) {
      return "answered as keyholder " + Integer.toUnsignedString(r.getKeyholder())
          + " of epoch " + Integer.toUnsignedString(r.getEpoch());
    }
    return null;
  }

  private static String describe(Throwable t) {
    if (t instanceof StatusRuntimeException s) {
      return FederationClient.describe(s);
    }
    return String.valueOf(t.getMessage());
  }

  @Override
  public void close() {
    for (ManagedChannel c : channels) {
      c.shutdownNow();
    }
    for (ManagedChannel c : channels) {
      try {
        c.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
