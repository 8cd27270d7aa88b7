package org.blindmatch.client.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.federation.NodeProfile;
import org.blindmatch.client.federation.Submitter;
import org.blindmatch.client.tokenize.InputException;
import org.blindmatch.crypto.io.AtomicOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code blindmatch submit}: send a token file to the clearinghouse and keep the receipt. */
@Command(name = "submit", mixinStandardHelpOptions = true,
    description = {"Submit a token file to the clearinghouse over mutual TLS: records are "
        + "sorted, committed to by a signed Merkle root, streamed in chunks, and the signed "
        + "receipt is verified and saved.",
        "Re-running with the same --id resumes an interrupted upload or returns the same "
            + "receipt."})
final class SubmitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--profile", required = true, paramLabel = "FILE",
      description = "Node profile: server, certificates, signing key.")
  Path profile;

  @Option(names = "--tokens", required = true, paramLabel = "FILE",
      description = "Token file from 'blindmatch tokenize'.")
  Path tokens;

  @Option(names = "--id", paramLabel = "ID",
      description = "Submission id (default: the token file's SHA-256 prefix).")
  String id;

  @Option(names = "--receipt", paramLabel = "FILE",
      description = "Where to save the signed receipt (default: <tokens>.receipt).")
  Path receiptFile;

  @Override
  public Integer call() throws InputException, IOException {
    NodeProfile p = NodeProfile.load(profile);
    String submissionId = id != null ? id : defaultId(tokens);
    Path receiptPath = receiptFile != null ? receiptFile : Path.of(tokens + ".receipt");
    try (FederationClient client = FederationClient.connect(p)) {
      Path temp = tokens.toAbsolutePath().getParent();
      Submitter.Submitted s = new Submitter(client).submit(tokens, submissionId, temp,
          sent -> { });
      try (AtomicOutput out = AtomicOutput.create(receiptPath, true)) {
        out.stream().write(s.receipt().toByteArray());
        out.commit();
      }
      PrintWriter w = spec.commandLine().getOut();
      w.println("submitted  " + submissionId + " as " + client.identity());
      w.println("records    " + s.records());
      w.println("root       " + HexFormat.of().formatHex(s.merkleRoot()));
      w.println("expires    " + java.time.Instant.ofEpochSecond(s.body().getExpiresAt()));
      w.println("receipt    " + receiptPath + " (signature verified)");
    }
    return 0;
  }

  private static String defaultId(Path tokens) throws IOException {
    try (var in = Files.newInputStream(tokens)) {
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      return "sub-" + HexFormat.of().formatHex(md.digest(), 0, 12);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
