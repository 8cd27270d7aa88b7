package org.blindmatch.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import org.blindmatch.client.tokenize.InputException;
import org.blindmatch.core.transport.HostPort;
import org.blindmatch.core.transport.TlsMaterial;
import org.blindmatch.crypto.keys.EncryptedKeysetFile;
import org.blindmatch.crypto.keys.PassphraseFile;
import org.blindmatch.crypto.oprf.dkg.DkgException;
import org.blindmatch.crypto.oprf.dkg.DkgPublicFile;
import org.blindmatch.crypto.oprf.dkg.DkgResult;
import org.blindmatch.crypto.oprf.dkg.DkgSession;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.server.keyholder.DkgNode;
import org.blindmatch.server.keyholder.KeyholderConfig;
import org.blindmatch.crypto.keys.KeysetException;
import org.blindmatch.crypto.keys.PassphraseKdf;
import org.blindmatch.crypto.oprf.KeyPair;
import org.blindmatch.crypto.oprf.KeyShare;
import org.blindmatch.crypto.oprf.OprfKeyFiles;
import org.blindmatch.crypto.oprf.ShamirSharing;
import org.blindmatch.crypto.oprf.ThresholdPublicKey;
import org.blindmatch.crypto.pki.NodeIdentity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code blindmatch oprf dkg}: the keyholders generate an OPRF key epoch together, no process
 * holding the key; {@code blindmatch oprf ceremony}: the dealer shortcut for development.
 */
@Command(name = "oprf", mixinStandardHelpOptions = true,
    description = "OPRF key epochs (oprf mode).",
    subcommands = {OprfCommand.Dkg.class, OprfCommand.Ceremony.class})
final class OprfCommand {

  @Command(name = "dkg", mixinStandardHelpOptions = true,
      description = {"Distributed key generation of an OPRF key epoch (GJKR, docs/PROTOCOL.md "
          + "§5.2): every keyholder's operator runs this with the same --keyholder list, "
          + "--threshold, --epoch and --session; no process ever holds the key.",
          "Writes DIR/keyholder-I.epoch-E.share (encrypted under the keyholder's "
              + "passphrase_file) and DIR/oprf-public.epoch-E.json signed by every holder. A "
              + "keyholder that cheats or does not take part is named and excluded; if fewer "
              + "than T remain the run aborts and nothing is written.",
          "Needs at least 2T-1 keyholders (GJKR assumes an honest majority)."})
  static final class Dkg implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--config", required = true, paramLabel = "FILE",
        description = "This keyholder's configuration (federation, listen, tls, "
            + "passphrase_file).")
    Path config;
    @Option(names = "--signing-key", paramLabel = "FILE",
        description = "This keyholder's node signing keyset (default: the tls.cert file's "
            + "NAME.signing.json, as `pki issue` writes it).")
    Path signingKey;
    @Option(names = "--keyholder", required = true, paramLabel = "URI=HOST:PORT",
        description = "Every keyholder of the run, in share order, with the address of its "
            + "DKG node (this keyholder's own entry is where it listens unless --listen).")
    List<String> keyholders;
    @Option(names = "--threshold", required = true, paramLabel = "T") int threshold;
    @Option(names = "--epoch", required = true, paramLabel = "E") int epoch;
    @Option(names = "--session", required = true, paramLabel = "ID",
        description = "A session id all operators agree on ([A-Za-z0-9_.-]{8,64}); use a new "
            + "one for every attempt.")
    String session;
    @Option(names = "--listen", paramLabel = "HOST:PORT",
        description = "Where this keyholder's DKG node listens (default: its --keyholder "
            + "address).")
    String listen;
    @Option(names = "--out", required = true, paramLabel = "DIR") Path out;
    @Option(names = "--join-timeout", defaultValue = "600", paramLabel = "SECONDS",
        description = "How long to wait for the other keyholders' nodes (default 600).")
    int joinTimeout;
    @Option(names = "--absent", paramLabel = "URI",
        description = "A keyholder of the run that every operator agrees will not take part "
            + "(e.g. known to be offline): nobody waits for it and it is excluded as a dealer. "
            + "Every operator passes the same --absent list. Repeatable.")
    List<String> absent = List.of();
    @Option(names = "--round-timeout", defaultValue = "120", paramLabel = "SECONDS",
        description = "How long to wait for a joined keyholder's message of a round "
            + "(default 120).")
    int roundTimeout;

    @Override
    public Integer call() throws Exception {
      KeyholderConfig cfg = KeyholderConfig.load(config, null);
      List<NodeIdentity> ids = new ArrayList<>();
      Map<Integer, HostPort> addresses = new LinkedHashMap<>();
      for (String k : keyholders) {
        int eq = k.indexOf('=');
        if (eq < 0) {
          throw new InputException("--keyholder " + k + ": expected URI=HOST:PORT");
        }
        try {
          ids.add(NodeIdentity.fromUri(k.substring(0, eq).trim()));
          addresses.put(ids.size(), HostPort.parse(k.substring(eq + 1).trim(), false));
        } catch (IllegalArgumentException e) {
          throw new InputException("--keyholder " + k + ": " + e.getMessage());
        }
      }
      if (joinTimeout < 1 || roundTimeout < 1) {
        throw new InputException("--join-timeout and --round-timeout must be positive");
      }
      requireHonestMajority(spec, threshold, ids.size());
      DkgSession run;
      try {
        run = new DkgSession(cfg.federation(), epoch, session, threshold, ids);
      } catch (IllegalArgumentException e) {
        throw new InputException("oprf dkg: " + e.getMessage());
      }
      Files.createDirectories(out);
      Path pub = out.resolve("oprf-public.epoch-" + epoch + ".json");
      char[] passphrase = PassphraseFile.read(cfg.passphraseFile());
      try {
        TlsMaterial tls = TlsMaterial.load(cfg.caCertificate(), cfg.certificate(),
            cfg.privateKey(), passphrase);
        int self = run.indexOf(tls.identity());
        if (self < 0) {
          throw new InputException(cfg.certificate() + " is " + tls.identity() + ", which is "
              + "not among the --keyholder identities");
        }
        Path share = out.resolve("keyholder-" + self + ".epoch-" + epoch + ".share");
        for (Path f : List.of(pub, share)) {
          if (Files.exists(f)) {
            throw new InputException(f + ": already exists; keep it, or choose another --out");
          }
        }
        Set<Integer> absentIndexes = absentIndexes(run, self);
        Path keyFile = signingKey != null ? signingKey : defaultSigningKey(cfg.certificate());
        NodeSigner signer;
        try {
          signer = NodeSigner.of(EncryptedKeysetFile.read(keyFile, NodeSigner.PURPOSE,
              passphrase));
        } catch (java.security.GeneralSecurityException e) {
          throw new InputException(keyFile + ": not a usable node signing keyset ("
              + e.getMessage() + ")");
        }
        HostPort bind = listen != null ? HostPort.parse(listen, true) : addresses.get(self);
        Map<Integer, HostPort> peers = new LinkedHashMap<>(addresses);
        peers.remove(self);
        PrintWriter w = spec.commandLine().getOut();
        DkgNode.Outcome outcome;
        try (DkgNode node = DkgNode.start(new DkgNode.Settings(run, tls, signer,
            new InetSocketAddress(bind.host(), bind.port()), Duration.ofSeconds(joinTimeout),
            Duration.ofSeconds(roundTimeout), absentIndexes))) {
          w.println("dkg: keyholder " + self + " of " + ids.size() + " (" + tls.identity()
              + "), listening on " + bind.host() + ":" + node.port());
          w.flush();
          outcome = node.run(peers, line -> {
            w.println("dkg: " + line);
            w.flush();
          });
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new DkgException("interrupted; nothing was written");
        } catch (IllegalArgumentException e) {
          throw new InputException("--listen: " + e.getMessage());
        }
        DkgResult result = outcome.result();
        DkgPublicFile.write(pub, result.epochPublicKey(), outcome.attestation(), false);
        try {
          OprfKeyFiles.writeShare(share, result.epochShare(), passphrase, false);
        } catch (IOException | KeysetException e) {
          Files.deleteIfExists(pub);
          throw e;
        }
        w.println("share " + self + "  " + share + "  public "
            + HexFormat.of().formatHex(result.share().publicKey().encode()));
        w.println("public " + pub + "  group key "
            + HexFormat.of().formatHex(result.groupKey().encode()));
        for (Map.Entry<Integer, String> e : result.excluded().entrySet()) {
          w.println("excluded keyholder " + e.getKey() + " (" + run.participant(e.getKey())
              + "): " + e.getValue());
        }
        w.println("epoch " + epoch + ": " + threshold + " of " + result.qualified().size()
            + " keyholders " + result.qualified() + " must answer; every holder signed the "
            + "public file. Configure share: and public_key: and restart `serve keyholder`.");
        return 0;
      } finally {
        Arrays.fill(passphrase, '\0');
      }
    }

    /**
     * GJKR's bound: with at most t-1 corrupt keyholders it is secure only when the honest ones
     * are a majority, n >= 2t-1 (J. Cryptology 2007, §4). A usage error otherwise.
     */
    static void requireHonestMajority(CommandSpec spec, int threshold, int keyholders) {
      if (threshold < 2 || (long) keyholders < 2L * threshold - 1) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--threshold "
            + threshold + " with " + keyholders + " --keyholder entries: the DKG needs "
            + "2 <= T and at least 2T-1 keyholders (" + (2L * Math.max(threshold, 2) - 1)
            + " for T=" + threshold + "; GJKR is secure with an honest majority only). Use "
            + "a smaller --threshold or more keyholders.");
      }
    }

    /** The share indexes of the --absent keyholders; refuses self, strangers and too many. */
    private Set<Integer> absentIndexes(DkgSession run, int self) throws InputException {
      Set<Integer> out = new java.util.TreeSet<>();
      for (String uri : absent) {
        int i;
        try {
          i = run.indexOf(NodeIdentity.fromUri(uri.trim()));
        } catch (IllegalArgumentException e) {
          throw new InputException("--absent " + uri + ": " + e.getMessage());
        }
        if (i < 0) {
          throw new InputException("--absent " + uri + ": not among the --keyholder identities");
        }
        if (i == self) {
          throw new InputException("--absent " + uri + ": is this keyholder");
        }
        out.add(i);
      }
      int taking = run.size() - out.size();
      if (taking < threshold) {
        throw new InputException("--absent: only " + taking + " keyholders would take part, "
            + "fewer than --threshold " + threshold);
      }
      return out;
    }

    private static Path defaultSigningKey(Path certificate) {
      String name = certificate.getFileName().toString().replaceFirst("\\.crt$", "");
      return certificate.resolveSibling(name + ".signing.json");
    }
  }

  @Command(name = "ceremony", mixinStandardHelpOptions = true,
      description = {"DEVELOPMENT SHORTCUT, weaker than `oprf dkg`: a dealer draws a fresh OPRF "
          + "key, splits it t-of-n (Shamir), writes one encrypted share file per keyholder and "
          + "the public file, and forgets the key. The whole key exists in this process; use "
          + "`oprf dkg` for a real federation (docs/THREAT_MODEL.md §8).",
          "--passphrases FILE holds one passphrase per line, line i for keyholder i."})
  static final class Ceremony implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--threshold", required = true, paramLabel = "T") int threshold;
    @Option(names = "--keyholders", required = true, paramLabel = "N") int keyholders;
    @Option(names = "--epoch", required = true, paramLabel = "E",
        description = "Key epoch number; token files and submissions name it.")
    int epoch;
    @Option(names = "--out", required = true, paramLabel = "DIR") Path out;
    @Option(names = "--passphrases", required = true, paramLabel = "FILE",
        description = "One passphrase per keyholder, one per line, at least "
            + PassphraseKdf.MIN_PASSPHRASE_CHARS + " characters each.")
    Path passphrases;
    @Option(names = "--holders", required = true, split = ",", paramLabel = "URI",
        description = "The keyholder identity of each share, in share order "
            + "(blindmatch://<federation>/keyholder/<name>, comma-separated, one per keyholder, "
            + "distinct names). Recorded in the public file: a keyholder serves only the share "
            + "its certificate is named for, and clients refuse any other server.")
    List<String> holders;
    @Option(names = "--force", description = "Replace existing files.") boolean force;

    @Override
    public Integer call() throws InputException, IOException, KeysetException {
      if (threshold < 2 || threshold > keyholders || keyholders > 32) {
        throw new InputException("need 2 <= --threshold <= --keyholders <= 32, got "
            + threshold + " of " + keyholders);
      }
      if (epoch < 1) {
        throw new InputException("--epoch must be positive");
      }
      if (holders.size() != keyholders) {
        throw new InputException("--holders: " + holders.size() + " identities for "
            + keyholders + " keyholders (one per share, in share order)");
      }
      Map<Integer, NodeIdentity> holderIds = new LinkedHashMap<>();
      for (int i = 0; i < holders.size(); i++) {
        try {
          holderIds.put(i + 1, NodeIdentity.fromUri(holders.get(i).trim()));
        } catch (IllegalArgumentException e) {
          throw new InputException("--holders: " + e.getMessage());
        }
      }
      List<char[]> secrets = new ArrayList<>();
      for (String line : Files.readAllLines(passphrases, StandardCharsets.UTF_8)) {
        if (!line.isEmpty()) {
          secrets.add(line.toCharArray());
        }
      }
      if (secrets.size() != keyholders) {
        throw new InputException(passphrases + ": " + secrets.size() + " passphrases for "
            + keyholders + " keyholders (one per line)");
      }
      for (int i = 0; i < secrets.size(); i++) {
        if (secrets.get(i).length < PassphraseKdf.MIN_PASSPHRASE_CHARS) {
          throw new InputException(passphrases + ":" + (i + 1) + ": passphrase shorter than "
              + PassphraseKdf.MIN_PASSPHRASE_CHARS + " characters");
        }
      }
      Files.createDirectories(out);
      SecureRandom random = new SecureRandom();
      KeyPair key = KeyPair.generate(random);
      BigInteger secret = key.secretKey();
      List<KeyShare> shares = ShamirSharing.split(secret, threshold, keyholders, random);
      ThresholdPublicKey published = ThresholdPublicKey.of(threshold, shares);
      OprfKeyFiles.EpochPublicKey publicFile;
      try {
        publicFile = new OprfKeyFiles.EpochPublicKey(epoch, published, key.publicKey(),
            holderIds);
      } catch (IllegalArgumentException e) {
        throw new InputException("--holders: " + e.getMessage());
      }
      for (NodeIdentity h : holderIds.values()) {
        int held = publicFile.sharesNamed(h.name());
        if (held >= threshold) {
          throw new InputException("--holders: " + h.name() + " holds " + held + " of the "
              + keyholders + " shares and " + threshold + " suffice to evaluate the OPRF "
              + "alone; give the shares to independent parties");
        }
      }
      PrintWriter w = spec.commandLine().getOut();
      for (KeyShare share : shares) {
        Path file = out.resolve("keyholder-" + share.index() + ".epoch-" + epoch + ".share");
        OprfKeyFiles.writeShare(file, new OprfKeyFiles.EpochShare(epoch, threshold, share),
            secrets.get(share.index() - 1), force);
        w.println("share " + share.index() + "  " + file + "  holder "
            + holderIds.get(share.index()) + "  public "
            + HexFormat.of().formatHex(share.publicKey().encode()));
      }
      Path pub = out.resolve("oprf-public.epoch-" + epoch + ".json");
      OprfKeyFiles.writePublic(pub, publicFile, force);
      w.println("public " + pub + "  group key "
          + HexFormat.of().formatHex(key.publicKey().encode()));
      w.println("epoch " + epoch + ": " + threshold + " of " + keyholders
          + " keyholders must answer. Hand each share file to its keyholder; publish the "
          + "public file. The whole key was held only in this process.");
      for (char[] c : secrets) {
        java.util.Arrays.fill(c, '\0');
      }
      return 0;
    }
  }
}
