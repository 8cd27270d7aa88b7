package org.blindmatch.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import org.blindmatch.cli.demo.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code blindmatch demo}: a whole federation on loopback, checked against ground truth. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Create a throwaway federation on loopback (CA, certificates, scope, key), "
        + "synthetic reports of three platforms and an NGO watchlist of 40 compound locations "
        + "with planted matches; start the clearinghouse with mutual TLS as its own process; "
        + "run every role as its own client; print what each learns; and check it all "
        + "against a plaintext reference join.",
        "Exit status 0 only if every result is right."})
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--dir", paramLabel = "DIR",
      description = "Where to put the federation (default: blindmatch-demo/<time>).")
  Path dir;

  @Option(names = "--mode", defaultValue = "hmac", paramLabel = "MODE",
      description = "hmac (default: one token key) or oprf (three keyholders, threshold 2; "
          + "one is stopped half-way to show the threshold at work).")
  String mode;

  @Option(names = "--events", paramLabel = "N",
      defaultValue = "" + Demo.DEFAULT_EVENTS_PER_PLATFORM,
      description = "Background events per platform (default ${DEFAULT-VALUE}); every "
          + "background address is distinct, so in oprf mode each costs one evaluation.")
  int events;

  @Override
  public Integer call() throws Exception {
    if (events < 1 || events > 10_000_000) {
      throw new org.blindmatch.client.tokenize.InputException("--events: " + events
          + " is not in 1..10000000");
    }
    if (!mode.equals("hmac") && !mode.equals("oprf")) {
      throw new org.blindmatch.client.tokenize.InputException("--mode " + mode
          + ": expected hmac or oprf");
    }
    Path where = dir != null ? dir : Path.of("blindmatch-demo",
        LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    if (java.nio.file.Files.isDirectory(where)) {
      try (var entries = java.nio.file.Files.list(where)) {
        if (entries.findAny().isPresent()) {
          throw new org.blindmatch.client.tokenize.InputException(where + ": exists and is not "
              + "empty; the demo writes a new federation (keys, certificates, data) and never "
              + "over files it did not create: name a new or empty --dir");
        }
      }
    } else if (java.nio.file.Files.exists(where)) {
      throw new org.blindmatch.client.tokenize.InputException(where + ": exists and is not a "
          + "directory");
    }
    Demo.Cli cli = new Demo.Cli() {
      @Override
      public int execute(String[] args, PrintWriter out, PrintWriter err) {
        return BlindmatchCli.execute(args, out, err);
      }

      @Override
      public Class<?> mainClass() {
        return BlindmatchCli.class;
      }
    };
    return new Demo(cli, where.toAbsolutePath(), spec.commandLine().getOut(),
        mode.equals("oprf"), events).run()
        ? 0 : BlindmatchCli.EXIT_INPUT;
  }
}
