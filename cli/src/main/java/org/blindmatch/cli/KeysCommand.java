package org.blindmatch.cli;

import com.google.crypto.tink.KeysetHandle;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import org.blindmatch.crypto.keys.EncryptedKeysetFile;
import org.blindmatch.crypto.keys.KeyInfo;
import org.blindmatch.crypto.keys.KeysetException;
import org.blindmatch.crypto.keys.PassphraseKdf;
import org.blindmatch.crypto.keys.TokenKeyset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code blindmatch keys new|rotate|show}: the hmac-mode token keyset. */
@Command(
    name = "keys",
    description = "Create, rotate and list the hmac-mode token keyset (encrypted at rest).",
    mixinStandardHelpOptions = true,
    subcommands = {KeysCommand.New.class, KeysCommand.Rotate.class, KeysCommand.Show.class})
final class KeysCommand {

  static void printKeys(PrintWriter out, Path file, KeysetHandle keyset) {
    out.println("keyset " + file + " (" + keyset.size() + " key" + (keyset.size() == 1 ? "" : "s")
        + ")");
    for (KeyInfo k : TokenKeyset.describe(keyset)) {
      out.printf("  key %-10s %-8s %-9s %s%n", k.idText(), k.primary() ? "primary" : "-",
          k.status(), k.type());
    }
  }

  @Command(name = "new", mixinStandardHelpOptions = true,
      description = "Create a keyset with one fresh HMAC-SHA256 PRF key, encrypted under a "
          + "passphrase (Argon2id, AES-256-GCM).")
  static final class New implements java.util.concurrent.Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Keyset file.")
    Path out;
    @Option(names = "--force", description = "Replace an existing file.")
    boolean force;
    @Mixin PassphraseOptions passphrase;

    @Override
    public Integer call() throws IOException, KeysetException, GeneralSecurityException {
      char[] p = passphrase.read(true);
      try {
        KeysetHandle keyset = TokenKeyset.generate();
        EncryptedKeysetFile.write(out, keyset, TokenKeyset.PURPOSE, p,
            PassphraseKdf.withRandomSalt(), force);
        PrintWriter w = spec.commandLine().getOut();
        printKeys(w, out, keyset);
        w.println("Distribute this file and its passphrase to every party over a trusted "
            + "channel; the clearinghouse must never receive it.");
      } finally {
        Arrays.fill(p, '\0');
      }
      return 0;
    }
  }

  @Command(name = "rotate", mixinStandardHelpOptions = true,
      description = {"Add a fresh key (not yet primary), or with --promote make a key primary.",
          "Rotate in two steps: add, distribute the keyset to every party, then promote."})
  static final class Rotate implements java.util.concurrent.Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--keyset", required = true, paramLabel = "FILE") Path keysetFile;
    @Option(names = "--promote", paramLabel = "KEY_ID",
        description = "Make this existing key the primary instead of adding one.")
    String promote;
    @Mixin PassphraseOptions passphrase;

    @Override
    public Integer call() throws IOException, KeysetException, GeneralSecurityException {
      char[] p = passphrase.read(false);
      try {
        KeysetHandle keyset = EncryptedKeysetFile.read(keysetFile, TokenKeyset.PURPOSE, p);
        PrintWriter w = spec.commandLine().getOut();
        KeysetHandle updated;
        if (promote != null) {
          updated = TokenKeyset.promote(keyset, KeyIds.parse(promote));
          w.println("key " + promote + " is now primary");
        } else {
          updated = TokenKeyset.addKey(keyset);
          w.println("added key " + Integer.toUnsignedString(TokenKeyset.newestKeyId(updated))
              + " (not primary; distribute, then promote it with --promote)");
        }
        EncryptedKeysetFile.write(keysetFile, updated, TokenKeyset.PURPOSE, p,
            PassphraseKdf.withRandomSalt(), true);
        printKeys(w, keysetFile, updated);
      } finally {
        Arrays.fill(p, '\0');
      }
      return 0;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "List key ids, status and type. Never prints key material.")
  static final class Show implements java.util.concurrent.Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--keyset", required = true, paramLabel = "FILE") Path keysetFile;
    @Mixin PassphraseOptions passphrase;

    @Override
    public Integer call() throws KeysetException {
      char[] p = passphrase.read(false);
      try {
        printKeys(spec.commandLine().getOut(), keysetFile,
            EncryptedKeysetFile.read(keysetFile, TokenKeyset.PURPOSE, p));
      } finally {
        Arrays.fill(p, '\0');
      }
      return 0;
    }
  }
}
