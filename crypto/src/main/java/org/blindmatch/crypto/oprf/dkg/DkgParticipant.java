package org.blindmatch.crypto.oprf.dkg;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.blindmatch.crypto.oprf.Element;
import org.blindmatch.crypto.oprf.KeyPair;
import org.blindmatch.crypto.oprf.KeyShare;
import org.blindmatch.crypto.oprf.ThresholdPublicKey;
import org.bouncycastle.math.ec.ECPoint;

/**
 * One keyholder's side of the distributed key generation of Gennaro, Jarecki, Krawczyk and
 * Rabin ("Secure Distributed Key Generation for Discrete-Log Based Cryptosystems", J. Cryptology
 * 20(1), 2007, Fig. 2), over P-256. No participant ever holds the key k.
 *
 * <ol>
 *   <li>{@link DkgRound#DEAL}: the dealer draws f (f(0) its contribution) and f' of degree t-1,
 *       and sends each j the Pedersen commitments C_k = a_k·G + b_k·H and (f(j), f'(j)).</li>
 *   <li>{@link DkgRound#COMPLAINTS}: each j checks f(j)·G + f'(j)·H = Σ j^k·C_k and broadcasts,
 *       per dealer, OK, BAD_SHARE or MISSING with the digest of the commitments it got (so a
 *       dealer that sent different commitments to different keyholders is caught).</li>
 *   <li>{@link DkgRound#JUSTIFY}: a dealer broadcasts its commitments and reveals the share pair
 *       of every complainer. A dealer is disqualified if it does not answer a complaint, a
 *       revealed pair does not match its commitments, or its commitments differ between
 *       keyholders. The rest is QUAL; a complainer adopts a valid revealed pair.</li>
 *   <li>{@link DkgRound#FELDMAN}: each dealer in QUAL broadcasts A_k = a_k·G and QUAL as it
 *       computed it; each j checks f_i(j)·G = Σ j^k·A_ik. Where GJKR reconstructs a dealer that
 *       fails this check, this implementation aborts the run naming it (as it does when
 *       participants computed different QUALs or a QUAL member's Feldman message is missing).</li>
 * </ol>
 *
 * <p>Result: share x_j = Σ_{i∈QUAL} f_i(j), public key y = Σ_{i∈QUAL} A_i0 and share public keys
 * Σ_{i∈QUAL} Σ_k j^k·A_ik for every j in QUAL (QUAL are the holders of the epoch).
 *
 * <p>Use: call {@link #send} for each round in order, deliver the bodies (DEAL point to point and
 * confidential; the others to every participant), and {@link #receive} every body from others
 * before sending the next round; a message that never arrives is simply not received. Messages
 * must be authenticated by the caller ({@link DkgEnvelope}). Not thread-safe: the caller
 * serialises calls.
 */
public final class DkgParticipant {
  private final DkgSession session;
  private final int self;
  private final int t;
  private final int n;
  private final BigInteger[] f;
  private final BigInteger[] fPrime;
  private final List<ECPoint> pedersen;

  private DkgRound sent;
  private final Map<DkgRound, Map<Integer, byte[]>> received = new HashMap<>();
  private final Map<Integer, Bodies.Deal> deals = new HashMap<>();
  private final Map<Integer, Integer> myStatus = new HashMap<>();
  private final Map<Integer, List<Bodies.Status>> complaints = new HashMap<>();
  private final Map<Integer, Bodies.Justification> justifications = new HashMap<>();
  private final SortedMap<Integer, String> excluded = new TreeMap<>();
  private List<Integer> qualified;
  private final Map<Integer, Bodies.Feldman> feldman = new HashMap<>();

  /**
   * @param self this participant's index in {@code session} (1-based)
   * @throws IllegalArgumentException if {@code self} is out of range
   */
  public DkgParticipant(DkgSession session, int self, SecureRandom random) {
    if (self < 1 || self > session.size()) {
      throw new IllegalArgumentException("participant " + self + " not in 1.." + session.size());
    }
    this.session = session;
    this.self = self;
    this.t = session.threshold();
    this.n = session.size();
    this.f = new BigInteger[t];
    this.fPrime = new BigInteger[t];
    List<ECPoint> c = new ArrayList<>(t);
    for (int k = 0; k < t; k++) {
      f[k] = Group.randomScalar(random);
      fPrime[k] = Group.randomScalar(random);
      c.add(Group.pedersen(f[k], fPrime[k]));
    }
    this.pedersen = List.copyOf(c);
    for (DkgRound r : DkgRound.values()) {
      received.put(r, new HashMap<>());
    }
  }

  public DkgSession session() {
    return session;
  }

  public int self() {
    return self;
  }

  /**
   * This participant's message of {@code round}, by recipient (every other participant). For
   * every round but DEAL the bodies are identical. Sending a round closes the previous one.
   *
   * @throws DkgException at FELDMAN if this participant was disqualified or fewer than t
   *     participants qualified
   * @throws IllegalStateException if rounds are sent out of order
   */
  public Map<Integer, byte[]> send(DkgRound round) throws DkgException {
    int expected = sent == null ? DkgRound.DEAL.code() : sent.code() + 1;
    if (round.code() != expected || round == DkgRound.CONFIRM) {
      throw new IllegalStateException("cannot send " + round + " after " + sent);
    }
    Map<Integer, byte[]> out = new LinkedHashMap<>();
    switch (round) {
      case DEAL -> {
        for (int j : others()) {
          out.put(j, Bodies.deal(new Bodies.Deal(pedersen, Group.evaluate(f, j),
              Group.evaluate(fPrime, j))));
        }
      }
      case COMPLAINTS -> broadcast(out, Bodies.complaints(checkDeals()));
      case JUSTIFY -> broadcast(out, Bodies.justification(justify()));
      case FELDMAN -> {
        qualify();
        if (excluded.containsKey(self)) {
          throw new DkgException("this keyholder (" + self + ") was excluded: "
              + excluded.get(self));
        }
        if (qualified.size() < t) {
          throw new DkgException("only " + qualified.size() + " keyholders qualified "
              + qualified + ", the threshold is " + t + "; excluded: " + excluded
              + ". Start a new session once enough keyholders can take part");
        }
        List<ECPoint> a = new ArrayList<>(t);
        for (BigInteger coefficient : f) {
          a.add(Group.G.multiply(coefficient).normalize());
        }
        broadcast(out, Bodies.feldman(new Bodies.Feldman(qualified, a)));
      }
      default -> throw new IllegalStateException(round.toString());
    }
    sent = round;
    return out;
  }

  /**
   * Accepts {@code sender}'s body of {@code round}. A byte-identical repeat is ignored; a
   * different second body for the same round is rejected (equivocation).
   *
   * @throws DkgException if the body is malformed, the round is not the one under way, or the
   *     sender already sent a different body in this round; the body is then not received
   */
  public void receive(DkgRound round, int sender, byte[] body) throws DkgException {
    if (sender < 1 || sender > n || sender == self) {
      throw new DkgException("keyholder index " + sender + " is not another participant");
    }
    if (round == DkgRound.HELLO || round == DkgRound.CONFIRM) {
      throw new DkgException(round + " is handled by the transport");
    }
    int current = sent == null ? DkgRound.DEAL.code() : sent.code();
    if (round.code() != current) {
      throw new DkgException("keyholder " + sender + "'s " + round + " message arrived during "
          + "round " + (sent == null ? DkgRound.DEAL : sent));
    }
    byte[] previous = received.get(round).get(sender);
    if (previous != null) {
      if (Arrays.equals(previous, body)) {
        return;
      }
      throw new DkgException("keyholder " + sender + " sent two different " + round
          + " messages");
    }
    switch (round) {
      case DEAL -> deals.put(sender, Bodies.deal(body, t));
      case COMPLAINTS -> complaints.put(sender, Bodies.complaints(body, n));
      case JUSTIFY -> justifications.put(sender, Bodies.justification(body, t, n));
      case FELDMAN -> feldman.put(sender, Bodies.feldman(body, t, n));
      default -> throw new IllegalStateException(round.toString());
    }
    received.get(round).put(sender, body.clone());
  }

  /**
   * Finishes the run after the FELDMAN round.
   *
   * @throws DkgException naming the participant if a qualified participant's Feldman message is
   *     missing, names a different QUAL, or does not match the share it dealt; or if fewer than
   *     t participants qualified
   */
  public DkgResult result() throws DkgException {
    if (sent != DkgRound.FELDMAN) {
      throw new IllegalStateException("result before the FELDMAN round");
    }
    List<ECPoint> sumA = new ArrayList<>();
    for (int k = 0; k < t; k++) {
      sumA.add(Group.CURVE.getInfinity());
    }
    BigInteger x = BigInteger.ZERO;
    for (int i : qualified) {
      List<ECPoint> a;
      BigInteger share;
      if (i == self) {
        a = new ArrayList<>();
        for (BigInteger coefficient : f) {
          a.add(Group.G.multiply(coefficient));
        }
        share = Group.evaluate(f, self);
      } else {
        Bodies.Feldman fi = feldman.get(i);
        if (fi == null) {
          throw new DkgException("keyholder " + i + " (" + session.participant(i) + ") is "
              + "qualified but sent no FELDMAN message; the run cannot finish, start a new "
              + "session");
        }
        if (!fi.qualified().equals(qualified)) {
          throw new DkgException("keyholder " + i + " (" + session.participant(i) + ") "
              + "computed the qualified set " + fi.qualified() + ", this keyholder "
              + qualified + "; the keyholders saw different messages, start a new session");
        }
        a = fi.commitments();
        share = deals.get(i).share();
        if (!Group.G.multiply(share).normalize().equals(Group.evaluate(a, self))) {
          throw new DkgException("keyholder " + i + " (" + session.participant(i) + ") "
              + "published Feldman commitments that do not match the share it dealt to "
              + "keyholder " + self + "; it is cheating, exclude it and start a new session");
        }
      }
      for (int k = 0; k < t; k++) {
        sumA.set(k, sumA.get(k).add(a.get(k)));
      }
      x = x.add(share).mod(Group.N);
    }
    Map<Integer, Element> shareKeys = new TreeMap<>();
    for (int j : qualified) {
      shareKeys.put(j, Group.element(Group.evaluate(sumA, j)));
    }
    if (x.signum() == 0) {
      throw new DkgException("the share came out as zero (probability 2^-256); start a new "
          + "session");
    }
    KeyShare mine = new KeyShare(self, KeyPair.of(x));
    if (!mine.publicKey().equals(shareKeys.get(self))) {
      throw new DkgException("this keyholder's share does not match the commitments");
    }
    Element y = Group.element(sumA.get(0).normalize());
    return new DkgResult(session, mine, new ThresholdPublicKey(t, shareKeys), y, excluded);
  }

  /** The participants disqualified so far, with the reason; complete after FELDMAN is sent. */
  public SortedMap<Integer, String> excluded() {
    return new TreeMap<>(excluded);
  }

  private List<Integer> others() {
    List<Integer> o = new ArrayList<>();
    for (int j = 1; j <= n; j++) {
      if (j != self) {
        o.add(j);
      }
    }
    return o;
  }

  private void broadcast(Map<Integer, byte[]> out, byte[] body) {
    for (int j : others()) {
      out.put(j, body);
    }
  }

  private static boolean verifies(List<ECPoint> c, int j, BigInteger s, BigInteger r) {
    return Group.pedersen(s, r).equals(Group.evaluate(c, j));
  }

  private List<Bodies.Status> checkDeals() {
    List<Bodies.Status> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      if (i == self) {
        out.add(new Bodies.Status(Bodies.OK, Bodies.commitmentDigest(i, pedersen)));
        myStatus.put(i, Bodies.OK);
        continue;
      }
      Bodies.Deal d = deals.get(i);
      if (d == null) {
        out.add(new Bodies.Status(Bodies.MISSING, new byte[Bodies.DIGEST_LENGTH]));
        myStatus.put(i, Bodies.MISSING);
      } else {
        int code = verifies(d.commitments(), self, d.share(), d.blinding())
            ? Bodies.OK : Bodies.BAD_SHARE;
        out.add(new Bodies.Status(code, Bodies.commitmentDigest(i, d.commitments())));
        myStatus.put(i, code);
      }
    }
    complaints.put(self, out);
    return out;
  }

  private Bodies.Justification justify() {
    List<Bodies.Reveal> reveals = new ArrayList<>();
    for (int j : others()) {
      List<Bodies.Status> s = complaints.get(j);
      if (s != null && s.get(self - 1).code() != Bodies.OK) {
        reveals.add(new Bodies.Reveal(j, Group.evaluate(f, j), Group.evaluate(fPrime, j)));
      }
    }
    Bodies.Justification mine = new Bodies.Justification(pedersen, reveals);
    justifications.put(self, mine);
    return mine;
  }

  private void qualify() {
    List<Integer> q = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      String reason = disqualification(i);
      if (reason == null) {
        q.add(i);
      } else {
        excluded.put(i, reason);
      }
    }
    qualified = List.copyOf(q);
  }

  /** Why dealer i is disqualified, or null; adopts a valid revealed share for this keyholder. */
  private String disqualification(int i) {
    Bodies.Justification just = justifications.get(i);
    List<ECPoint> c = just != null ? just.commitments()
        : deals.containsKey(i) ? deals.get(i).commitments() : null;
    if (c == null) {
      return "dealt no share to this keyholder and did not justify";
    }
    byte[] digest = Bodies.commitmentDigest(i, c);
    Map<Integer, byte[]> echoes = new TreeMap<>();
    for (Map.Entry<Integer, List<Bodies.Status>> e : complaints.entrySet()) {
      Bodies.Status s = e.getValue().get(i - 1);
      if (s.code() != Bodies.MISSING) {
        echoes.put(e.getKey(), s.digest());
      }
    }
    if (deals.containsKey(i)) {
      echoes.put(self, Bodies.commitmentDigest(i, deals.get(i).commitments()));
    }
    for (Map.Entry<Integer, byte[]> e : echoes.entrySet()) {
      if (!Arrays.equals(e.getValue(), digest)) {
        return "sent inconsistent commitments (keyholder " + e.getKey() + " received "
            + HexFormat.of().formatHex(e.getValue(), 0, 8) + "…, its justification or "
            + "another keyholder's copy is " + HexFormat.of().formatHex(digest, 0, 8) + "…)";
      }
    }
    if (i == self) {
      return null;
    }
    for (Map.Entry<Integer, List<Bodies.Status>> e : complaints.entrySet()) {
      int j = e.getKey();
      if (j == i || e.getValue().get(i - 1).code() == Bodies.OK) {
        continue;
      }
      Bodies.Reveal reveal = just == null ? null : just.reveals().stream()
          .filter(v -> v.complainer() == j).findFirst().orElse(null);
      if (reveal == null) {
        return "did not answer keyholder " + j + "'s complaint ("
            + (e.getValue().get(i - 1).code() == Bodies.MISSING ? "no share" : "bad share")
            + ")";
      }
      if (!verifies(c, j, reveal.share(), reveal.blinding())) {
        return "revealed a share for keyholder " + j + " that does not match its commitments";
      }
      if (j == self) {
        deals.put(i, new Bodies.Deal(c, reveal.share(), reveal.blinding()));
      }
    }
    return null;
  }
}
