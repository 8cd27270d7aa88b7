package org.blindmatch.crypto.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Why a file could not be read, in words that say what to do: the one place that turns an
 * {@link IOException} from reading a configured file (a key, a passphrase, a certificate) into
 * the reason a user sees after "FILE: cannot read: ". A file the process may not read names
 * the process's uid and gid, because in containers the usual cause is a secret mounted with
 * the host's owner and mode (docs/OPERATIONS.md, "Containers").
 *
 * <p>Stateless and thread-safe.
 */
public final class ReadFailure {
  private ReadFailure() {}

  /** The reason {@code e} gives for not reading a file, without the file name. */
  public static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      String who = processIds();
      return "permission denied: this process" + (who.isEmpty() ? "" : " (" + who + ")")
          + " may not read it; make it readable by the user or group the service runs as, "
          + "e.g. chgrp GROUP FILE && chmod 0440 FILE";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  private static String processIds() {
    try {
      Path self = Path.of("/proc/self");
      return "uid " + Files.getAttribute(self, "unix:uid") + ", gid "
          + Files.getAttribute(self, "unix:gid");
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "";
    }
  }
}
