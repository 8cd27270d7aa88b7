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
import java.util.concurrent.Callable;
import org.blindmatch.client.tokenize.InputException;
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

/** {@code blindmatch oprf ceremony}: a dealer-based key ceremony for one OPRF key epoch. */
@Command(name = "oprf", mixinStandardHelpOptions = true,
    description = "OPRF key epochs (oprf mode).",
    subcommands = {OprfCommand.Ceremony.class})
final class OprfCommand {

  @Command(name = "ceremony", mixinStandardHelpOptions = true,
      description = {"Dealer key ceremony: draw a fresh OPRF key, split it t-of-n (Shamir), "
          + "write one encrypted share file per keyholder and the public file, and forget the "
          + "key. Run it offline on a machine you then wipe; a distributed key generation "
          + "would remove the dealer (docs/THREAT_MODEL.md).",
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
