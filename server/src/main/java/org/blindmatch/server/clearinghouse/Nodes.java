package org.blindmatch.server.clearinghouse;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.RegisterSigningKeyResponse;
import org.blindmatch.server.clearinghouse.ClearinghouseException.Code;
import org.blindmatch.server.store.StoreException;

/**
 * Registers a node's public signing keyset under its certificate identity, once, and logs the
 * node (identity, role, certificate and keyset fingerprints) in the transparency log.
 * Thread-safe.
 */
final class Nodes {
  private final Clearinghouse ch;

  Nodes(Clearinghouse ch) {
    this.ch = ch;
  }

  /**
   * Registers {@code publicKeyset} (Tink JSON) for {@code node}; registering the same keyset
   * again is a no-op.
   *
   * @param certificate the node's TLS certificate, or null on a development server
   * @throws ClearinghouseException {@code INVALID_ARGUMENT} if the keyset is not a public
   *     signing keyset; {@code ALREADY_EXISTS} if another keyset is registered for the node
   */
  RegisterSigningKeyResponse register(NodeIdentity node, X509Certificate certificate,
      String publicKeyset) throws ClearinghouseException, StoreException {
    try {
      // Loading as a keyset without secrets rejects private keys and garbage.
      NodeSigner.verifier(publicKeyset);
    } catch (GeneralSecurityException e) {
      throw ClearinghouseException.invalid("not a Tink public signing keyset");
    }
    String caller = node.uri().toString();
    try {
      ch.signingKeys().putSigningKey(caller, publicKeyset.getBytes(StandardCharsets.UTF_8));
    } catch (StoreException e) {
      if (e.kind() == StoreException.Kind.CONFLICT) {
        throw new ClearinghouseException(Code.ALREADY_EXISTS, "a different signing key is "
            + "already registered for " + caller, e);
      }
      throw e;
    }
    FederationLog.member(ch, node, certificate, publicKeyset);
    return RegisterSigningKeyResponse.newBuilder()
        .setKeysetSha256(ByteString.copyFrom(NodeSigner.fingerprint(publicKeyset))).build();
  }
}
