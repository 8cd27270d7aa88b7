package org.blindmatch.cli;

import org.blindmatch.crypto.ec.P256Backends;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.blindmatch.client.tokenize.InputException;
import org.blindmatch.crypto.io.Excerpt;
import org.blindmatch.server.clearinghouse.ClearinghouseConfig;
import org.blindmatch.server.clearinghouse.ClearinghouseServer;
import org.blindmatch.server.config.ConfigException;
import org.blindmatch.server.keyholder.KeyholderConfig;
import org.blindmatch.server.keyholder.KeyholderServer;
import org.blindmatch.server.rpc.NodeServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code blindmatch serve clearinghouse --config FILE}. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run a federation server until interrupted (SIGINT/SIGTERM shut it down "
        + "gracefully).")
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "ROLE", description = "clearinghouse or keyholder")
  String role;

  @Option(names = "--share", paramLabel = "FILE",
      description = "keyholder: the encrypted share file (default: the config's share).")
  Path share;

  @Option(names = "--config", required = true, paramLabel = "FILE",
      description = "Server configuration (YAML); see docs/OPERATIONS.md.")
  Path config;

  @Option(names = "--insecure-loopback",
      description = "Development only: plaintext without authentication (callers assert their "
          + "identity in a header), and only on a loopback address. Never with real data.")
  boolean insecureLoopback;

  @Override
  public Integer call() throws InputException, IOException, InterruptedException {
    if (role.equals("keyholder")) {
      return serveKeyholder();
    }
    if (!role.equals("clearinghouse")) {
      throw new InputException("serve: unknown server role " + Excerpt.quote(role)
          + " (clearinghouse or keyholder)");
    }
    ClearinghouseServer server;
    try {
      ClearinghouseConfig cfg = ClearinghouseConfig.load(config, insecureLoopback);
      cfg.logFormat().installProcessWide();
      server = ClearinghouseServer.start(cfg);
    } catch (ConfigException e) {
      throw new InputException(inFile(e));
    }
    if (insecureLoopback) {
      spec.commandLine().getErr().println("WARNING: --insecure-loopback: plaintext, no "
          + "authentication; development only");
    }
    spec.commandLine().getOut().println("log key sha256:"
        + java.util.HexFormat.of().formatHex(server.logKeyFingerprint())
        + " (signs receipts, transcripts and tree heads; give it to members and auditors "
        + "to pin)");
    return serve("clearinghouse " + server.identity(), server.node());
  }

  private int serveKeyholder() throws InputException, IOException, InterruptedException {
    // Before binding: a forced backend that cannot load stops the start with its reason.
    String backend = P256Backends.selected().name();
    KeyholderServer server;
    try {
      KeyholderConfig cfg = KeyholderConfig.load(config, share);
      cfg.logFormat().installProcessWide();
      server = KeyholderServer.start(cfg);
    } catch (ConfigException e) {
      throw new InputException(inFile(e));
    }
    spec.commandLine().getOut().println("oprf backend " + backend);
    return serve("keyholder " + server.identity(), server.node());
  }

  /** Announces the node's ports, then serves until the process is stopped (SIGTERM). */
  private int serve(String what, NodeServer node) throws InterruptedException {
    Runtime.getRuntime().addShutdownHook(new Thread(node::close, "blindmatch-shutdown"));
    PrintWriter out = spec.commandLine().getOut();
    out.println(what + " listening on port " + node.port());
    if (node.healthPort() >= 0) {
      out.println("health probe (plaintext, health only) on port " + node.healthPort());
    }
    if (node.metricsPort() >= 0) {
      out.println("metrics (plaintext, GET /metrics only) on port " + node.metricsPort());
    }
    out.flush();
    node.awaitTermination();
    return 0;
  }

  /**
   * A start-up error naming the config file: the loaders name it already, the servers name
   * the key ({@code tls: ...}) and the reason.
   */
  private String inFile(ConfigException e) {
    String m = e.getMessage();
    return m.startsWith(config.toString()) ? m : config + ": " + m;
  }
}
