package org.blindmatch.cli;

import org.blindmatch.client.federation.FederationException;
import org.blindmatch.core.limits.Limits;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.blindmatch.client.oprf.KeyholderPool;
import org.blindmatch.client.federation.NodeProfile;
import org.blindmatch.client.tokenize.InputException;
import org.blindmatch.client.tokenize.TokenKeying;
import org.blindmatch.crypto.oprf.OprfException;
import org.blindmatch.crypto.oprf.OprfKeyFiles;
import org.blindmatch.crypto.scope.Scope;
import picocli.CommandLine.Option;

/**
 * The oprf-mode options shared by {@code tokenize} and {@code submit} (each has its own
 * {@code --profile}, whose TLS identity talks to the keyholders).
 */
final class OprfOptions {
  static final int DEFAULT_CACHE = 1 << 18;

  @Option(names = "--keyholders", split = ",", paramLabel = "HOST:PORT",
      description = "oprf mode: the keyholders, comma-separated, in order of preference.")
  List<String> keyholders;

  @Option(names = "--oprf-key", paramLabel = "FILE",
      description = "oprf mode: the key epoch's public file (from 'blindmatch oprf ceremony'): "
          + "epoch, threshold, share keys and their holders.")
  Path publicFile;

  @Option(names = "--threshold", paramLabel = "T",
      description = "oprf mode: keyholders that must answer; must equal the public file's.")
  Integer threshold;

  @Option(names = "--oprf-batch", paramLabel = "N", defaultValue = "4096",
      description = "oprf mode: distinct addresses per keyholder request, 1..4096 "
          + "(default 4096).")
  int batch;

  @Option(names = "--oprf-cache", paramLabel = "N", defaultValue = "" + DEFAULT_CACHE,
      description = "oprf mode: distinct addresses whose outputs are kept so they are not "
          + "asked again (default ${DEFAULT-VALUE}; about 160 bytes each).")
  int cache;

  @Option(names = "--oprf-parallel", paramLabel = "N",
      description = "oprf mode: keyholder requests in flight at once, each blinded and "
          + "finalized on its own thread (default: the number of processors).")
  Integer parallel;

  /** Refuses oprf options in hmac mode. */
  void requireUnused() throws FederationException, InputException {
    if (keyholders != null || publicFile != null || threshold != null) {
      throw new InputException("--keyholders, --oprf-key and --threshold need --mode oprf");
    }
  }

  /** Connects to the keyholders after checking the options. */
  KeyholderPool connect(Path profile, Consumer<String> warnings) throws InputException, FederationException,
      OprfException, IOException {
    if (keyholders == null || publicFile == null || profile == null) {
      throw new InputException("--mode oprf needs --keyholders, --oprf-key and --profile");
    }
    OprfKeyFiles.EpochPublicKey key =
        org.blindmatch.crypto.oprf.dkg.DkgPublicFile.read(publicFile).key();
    int t = key.shares().threshold();
    if (threshold != null && threshold != t) {
      throw new InputException("--threshold " + threshold + " differs from the threshold " + t
          + " in " + publicFile);
    }
    if (batch < 1 || batch > Limits.MAX_EVALUATE_BATCH) {
      throw new InputException("--oprf-batch: " + batch + " is not in 1.."
          + Limits.MAX_EVALUATE_BATCH);
    }
    if (cache < 1) {
      throw new InputException("--oprf-cache: must be at least 1");
    }
    return KeyholderPool.connect(NodeProfile.load(profile), keyholders, key, warnings);
  }

  /** The keying for a run through {@code pool}. */
  TokenKeying keying(Scope scope, KeyholderPool pool) throws InputException {
    int p = parallel == null ? Runtime.getRuntime().availableProcessors() : parallel;
    if (p < 1 || p > 64) {
      throw new InputException("--oprf-parallel: " + p + " is not in 1..64");
    }
    return new TokenKeying.Oprf(scope, pool, batch, cache, p);
  }

  /** These options as command-line arguments, for a nested {@code tokenize}. */
  List<String> asArguments() {
    java.util.ArrayList<String> args = new java.util.ArrayList<>();
    if (keyholders != null) {
      args.add("--keyholders");
      args.add(String.join(",", keyholders));
    }
    if (publicFile != null) {
      args.add("--oprf-key");
      args.add(publicFile.toString());
    }
    if (threshold != null) {
      args.add("--threshold");
      args.add(threshold.toString());
    }
    args.add("--oprf-batch");
    args.add(Integer.toString(batch));
    args.add("--oprf-cache");
    args.add(Integer.toString(cache));
    if (parallel != null) {
      args.add("--oprf-parallel");
      args.add(parallel.toString());
    }
    return args;
  }
}
