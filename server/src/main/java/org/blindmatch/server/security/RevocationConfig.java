package org.blindmatch.server.security;

import java.nio.file.Path;
import org.blindmatch.core.transport.RevocationFile;
import org.blindmatch.core.transport.TlsMaterial;
import org.blindmatch.crypto.pki.PkiException;
import org.blindmatch.server.config.ConfigException;

/** Loads a server's {@code tls.revocations} list; a list that is not usable stops start-up. */
public final class RevocationConfig {
  private static final System.Logger LOG = System.getLogger(RevocationConfig.class.getName());

  private RevocationConfig() {}

  /**
   * Reads the list and checks it against the server's federation CA; later changes to the
   * file are taken as {@link RevocationFile} describes, and a rejected change is logged as a
   * warning (the message names the file and why; it holds no key material).
   *
   * @throws ConfigException naming {@code tls.revocations}, the file and the reason
   */
  public static RevocationFile load(Path file, TlsMaterial tls) throws ConfigException {
    try {
      RevocationFile list = RevocationFile.load(file, tls.caCertificate(),
          message -> LOG.log(System.Logger.Level.WARNING, message));
      if (list.find(tls.certificate()).isPresent()) {
        throw new ConfigException("tls.cert: this server's own "
            + list.find(tls.certificate()).get().describe() + " (in " + file + ")");
      }
      return list;
    } catch (PkiException e) {
      throw new ConfigException("tls.revocations: " + e.getMessage());
    }
  }
}
