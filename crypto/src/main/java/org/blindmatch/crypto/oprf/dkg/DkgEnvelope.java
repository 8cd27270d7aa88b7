package org.blindmatch.crypto.oprf.dkg;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import org.blindmatch.crypto.sign.NodeSigner;

/**
 * The signed envelope of every DKG message (docs/PROTOCOL.md §5.2): a payload naming
 * federation, epoch, session id, session digest, round, sender and recipient, and the sender's
 * node signature (Tink ECDSA P-256) over it. The payload begins with the context
 * {@value #CONTEXT} and a 0x00, so no other blindmatch signature verifies as a DKG message, and
 * the header binds the message to one run, one round and one recipient: replaying it to another
 * keyholder, session, epoch or federation fails {@link #open}. Stateless, thread-safe.
 *
 * <p>Payload: {@code CONTEXT ‖ 0x00 ‖ version 1 ‖ federation ‖ epoch u32 ‖ session id ‖
 * session digest (32) ‖ round u8 ‖ sender u8 ‖ recipient u8 ‖ body length u32 ‖ body}, strings
 * as u16 length ‖ UTF-8.
 */
public final class DkgEnvelope {
  /** The signing context. */
  public static final String CONTEXT = "blindmatch/v1/dkg-message";
  /** Largest payload accepted. */
  public static final int MAX_PAYLOAD = 64 * 1024;
  private static final int VERSION = 1;

  private DkgEnvelope() {}

  /** A payload and its signature, as they travel. */
  public record Sealed(byte[] payload, byte[] signature) {}

  /** An opened, authenticated message. */
  public record Opened(DkgRound round, int sender, int recipient, byte[] body) {}

  /** Looks up the signing key a sender must have signed with. */
  @FunctionalInterface
  public interface Keys {
    /**
     * @return the verifier of participant {@code sender}'s signing key
     * @throws DkgException if the key is not known (yet)
     */
    NodeSigner.Verifier of(int sender) throws DkgException;
  }

  /**
   * Recipient of a {@link DkgRound#CONFIRM} message: everyone (it is the keyholder's signature
   * on the epoch, kept in the public file).
   */
  public static final int EVERYONE = 0;

  /** Seals {@code body} from {@code sender} to {@code recipient}. */
  public static Sealed seal(DkgSession session, DkgRound round, int sender, int recipient,
      byte[] body, NodeSigner signer) throws GeneralSecurityException {
    byte[] payload = payload(session, round, sender, recipient, body);
    return new Sealed(payload, signer.sign(payload));
  }

  /** The payload {@link #seal} signs (to verify a kept signature). */
  public static byte[] payload(DkgSession session, DkgRound round, int sender, int recipient,
      byte[] body) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeBytes(CONTEXT);
      out.writeByte(0);
      out.writeByte(VERSION);
      out.writeUTF(session.federation());
      out.writeInt(session.epoch());
      out.writeUTF(session.sessionId());
      out.write(session.digest());
      out.writeByte(round.code());
      out.writeByte(sender);
      out.writeByte(recipient);
      out.writeInt(body.length);
      out.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Opens a message addressed to participant {@code self} of {@code session}.
   *
   * @throws DkgException saying which check failed: malformed, another federation, epoch,
   *     session or participant list, another recipient, an unknown sender, or a signature that
   *     does not verify under the sender's key
   */
  public static Opened open(DkgSession session, int self, Sealed sealed, Keys keys)
      throws DkgException {
    Opened o = parse(session, self, sealed);
    if (o.round() == DkgRound.HELLO) {
      throw new DkgException("a HELLO message is opened with openHello");
    }
    verify(session, o, sealed, keys.of(o.sender()));
    return o;
  }

  /**
   * Opens a {@link DkgRound#HELLO} message, whose body is the sender's public signing keyset
   * (Tink JSON) and which is signed under it. Only the transport's binding of the sender index
   * to the caller's certificate identity makes the key the sender's.
   *
   * @throws DkgException as {@link #open}, or if the body is not a public keyset
   */
  public static Opened openHello(DkgSession session, int self, Sealed sealed)
      throws DkgException {
    Opened o = parse(session, self, sealed);
    if (o.round() != DkgRound.HELLO) {
      throw new DkgException("expected a HELLO message, got " + o.round());
    }
    NodeSigner.Verifier key;
    try {
      key = NodeSigner.verifier(new String(o.body(), StandardCharsets.UTF_8));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new DkgException("HELLO from keyholder " + o.sender() + ": the body is not a "
          + "public signing keyset");
    }
    verify(session, o, sealed, key);
    return o;
  }

  private static void verify(DkgSession session, Opened o, Sealed sealed,
      NodeSigner.Verifier key) throws DkgException {
    try {
      key.verify(sealed.payload(), sealed.signature());
    } catch (GeneralSecurityException e) {
      throw new DkgException("DKG " + o.round() + " message from keyholder " + o.sender() + " ("
          + session.participant(o.sender()) + "): the signature does not verify under its "
          + "signing key");
    }
  }

  private static Opened parse(DkgSession session, int self, Sealed sealed)
      throws DkgException {
    byte[] payload = sealed.payload();
    if (payload.length > MAX_PAYLOAD) {
      throw new DkgException("DKG message larger than " + MAX_PAYLOAD + " bytes");
    }
    ByteBuffer in = ByteBuffer.wrap(payload);
    DkgRound round;
    int sender;
    int recipient;
    byte[] body;
    try {
      byte[] context = new byte[CONTEXT.length() + 1];
      in.get(context);
      if (!Arrays.equals(context, Arrays.copyOf(
          CONTEXT.getBytes(StandardCharsets.US_ASCII), CONTEXT.length() + 1))) {
        throw new DkgException("not a DKG message (wrong context)");
      }
      int version = in.get() & 0xff;
      if (version != VERSION) {
        throw new DkgException("DKG message version " + version + ", expected " + VERSION);
      }
      String federation = utf(in);
      if (!federation.equals(session.federation())) {
        throw new DkgException("DKG message of federation " + federation + ", this run is of "
            + session.federation());
      }
      int epoch = in.getInt();
      if (epoch != session.epoch()) {
        throw new DkgException("DKG message of epoch " + epoch + ", this run generates epoch "
            + session.epoch());
      }
      String sessionId = utf(in);
      if (!sessionId.equals(session.sessionId())) {
        throw new DkgException("DKG message of session " + sessionId + ", this run is session "
            + session.sessionId());
      }
      byte[] digest = new byte[32];
      in.get(digest);
      if (!Arrays.equals(digest, session.digest())) {
        throw new DkgException("DKG message of session " + sessionId + " with a different "
            + "threshold or keyholder list; every keyholder must run with the same --threshold "
            + "and --keyholders");
      }
      round = DkgRound.of(in.get() & 0xff);
      sender = in.get() & 0xff;
      recipient = in.get() & 0xff;
      if (sender < 1 || sender > session.size()) {
        throw new DkgException("DKG message from unknown keyholder index " + sender);
      }
      if (round == DkgRound.CONFIRM ? recipient != EVERYONE : recipient != self) {
        throw new DkgException("DKG message addressed to keyholder " + recipient
            + ", this is keyholder " + self);
      }
      if (sender == self) {
        throw new DkgException("DKG message claims to come from this keyholder");
      }
      int length = in.getInt();
      if (length != in.remaining()) {
        throw new DkgException("DKG message body length " + length + " but "
            + in.remaining() + " bytes follow");
      }
      body = new byte[length];
      in.get(body);
    } catch (BufferUnderflowException e) {
      throw new DkgException("DKG message truncated");
    }
    return new Opened(round, sender, recipient, body);
  }

  private static String utf(ByteBuffer in) throws DkgException {
    int length = in.getShort() & 0xffff;
    byte[] b = new byte[length];
    in.get(b);
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      throw new DkgException("DKG message: a string is not UTF-8");
    }
  }
}
