package org.blindmatch.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.blindmatch.crypto.keys.KeysetException;
import org.blindmatch.crypto.keys.PassphraseFile;
import org.blindmatch.crypto.keys.PassphraseKdf;
import picocli.CommandLine.Option;

/**
 * Where the keyset passphrase comes from: {@code --passphrase-file}, else the environment
 * variable {@code BLINDMATCH_PASSPHRASE}, else a prompt on the terminal. Never a command-line
 * value, which other local users can read from the process table.
 */
public final class PassphraseOptions {
  /** Environment variable consulted when no file is given. */
  public static final String ENV = PassphraseFile.ENV;

  @Option(names = "--passphrase-file", paramLabel = "FILE",
      description = "Read the keyset passphrase from the first line of FILE "
          + "(default: $" + ENV + ", else prompt).")
  Path passphraseFile;

  /** Reads the passphrase; {@code confirm} asks twice on a terminal (for new keysets). */
  char[] read(boolean confirm) throws KeysetException {
    char[] p;
    if (passphraseFile != null) {
      try {
        p = PassphraseFile.read(passphraseFile);
      } catch (IOException e) {
        throw new KeysetException(passphraseFile + ": cannot read passphrase file: "
            + e.getMessage());
      }
    } else if (System.getenv(ENV) != null) {
      p = System.getenv(ENV).toCharArray();
    } else {
      Console console = System.console();
      if (console == null) {
        throw new KeysetException("no passphrase: pass --passphrase-file FILE or set " + ENV
            + " (no terminal to prompt on)");
      }
      p = console.readPassword("Keyset passphrase: ");
      if (p == null) {
        throw new KeysetException("no passphrase entered");
      }
      if (confirm) {
        char[] again = console.readPassword("Repeat passphrase: ");
        boolean same = Arrays.equals(p, again);
        if (again != null) {
          Arrays.fill(again, '\0');
        }
        if (!same) {
          Arrays.fill(p, '\0');
          throw new KeysetException("the passphrases differ");
        }
      }
    }
    if (p.length == 0) {
      throw new KeysetException("empty passphrase");
    }
    if (confirm && p.length < PassphraseKdf.MIN_PASSPHRASE_CHARS) {
      Arrays.fill(p, '\0');
      throw new KeysetException("passphrase too short: use at least "
          + PassphraseKdf.MIN_PASSPHRASE_CHARS + " characters");
    }
    return p;
  }
}
