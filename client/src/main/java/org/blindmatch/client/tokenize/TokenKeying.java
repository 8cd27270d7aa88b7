package org.blindmatch.client.tokenize;

import java.util.Objects;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.token.HmacTokenDeriver;
import org.blindmatch.crypto.tokenfile.TokenFileHeader.KeyMode;

/**
 * How a tokenize run keys its tokens ({@code docs/PROTOCOL.md} §3): with a local hmac key,
 * or in oprf mode through keyholders. Immutable.
 */
public sealed interface TokenKeying permits TokenKeying.Hmac, TokenKeying.Oprf {
  /** The scope tokens are derived for. */
  Scope scope();

  /** The key id written to the token file: the hmac key id or the oprf key epoch. */
  int keyId();

  /** The token file's key mode. */
  KeyMode mode();

  /** hmac mode: tokens are derived locally with the token key. */
  record Hmac(HmacTokenDeriver deriver) implements TokenKeying {
    public Hmac {
      Objects.requireNonNull(deriver, "deriver");
    }

    @Override
    public Scope scope() {
      return deriver.scope();
    }

    @Override
    public int keyId() {
      return deriver.keyId();
    }

    @Override
    public KeyMode mode() {
      return KeyMode.HMAC;
    }
  }

  /**
   * oprf mode: each distinct masked address is evaluated once through {@code evaluator}
   * (requests of up to {@code batchSize} addresses, a cache of {@code cacheEntries} outputs
   * so repeated addresses are not asked again); tokens are then derived locally.
   *
   * @param scope the scope
   * @param evaluator the keyholders
   * @param batchSize addresses per keyholder request, 1..evaluator.maxBatch()
   * @param cacheEntries distinct addresses whose outputs are kept, at least 1; bounds memory
   * @param requestsInFlight batches evaluated concurrently (each blinded, sent and finalized
   *     on its own thread), at least 1
   */
  record Oprf(Scope scope, OprfEvaluator evaluator, int batchSize, int cacheEntries,
      int requestsInFlight) implements TokenKeying {
    public Oprf {
      if (requestsInFlight < 1) {
        throw new IllegalArgumentException("requests in flight must be at least 1");
      }
      Objects.requireNonNull(scope, "scope");
      Objects.requireNonNull(evaluator, "evaluator");
      if (batchSize < 1 || batchSize > evaluator.maxBatch()) {
        throw new IllegalArgumentException("batch size " + batchSize + " is not in 1.."
            + evaluator.maxBatch());
      }
      if (cacheEntries < 1) {
        throw new IllegalArgumentException("cache size must be at least 1");
      }
    }

    @Override
    public int keyId() {
      return evaluator.epoch();
    }

    @Override
    public KeyMode mode() {
      return KeyMode.OPRF;
    }
  }
}
