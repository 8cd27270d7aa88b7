package org.blindmatch.bench;

/**
 * Benchmarks of blindmatch hot paths; each prints its figure and a baseline measured in the
 * same run. Usage: {@code bench/run derive [rounds]} or
 * {@code bench/run tokenize [rows] [dir]}.
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    String what = args.length > 0 ? args[0] : "all";
    switch (what) {
      case "derive" -> DerivationBench.run(args.length > 1 ? Integer.parseInt(args[1]) : 5);
      case "tokenize" -> TokenizeBench.run(
          args.length > 1 ? Long.parseLong(args[1]) : 10_000_000L,
          java.nio.file.Path.of(args.length > 2 ? args[2] : "bench-data"));
      case "federation" -> FederationBench.run(
          args.length > 1 ? Long.parseLong(args[1]) : 10_000_000L,
          args.length > 2 ? Long.parseLong(args[2]) : 1_000_000L,
          java.nio.file.Path.of(args.length > 3 ? args[3] : "bench-data"));
      case "oprf-tokenize" -> OprfTokenizeBench.run(
          args.length > 1 ? Long.parseLong(args[1]) : 1_000_000L,
          java.nio.file.Path.of(args.length > 2 ? args[2] : "bench-data"));
      case "all" -> {
        DerivationBench.run(5);
        TokenizeBench.run(10_000_000L, java.nio.file.Path.of("bench-data"));
        FederationBench.run(10_000_000L, 1_000_000L, java.nio.file.Path.of("bench-data"));
      }
      default -> {
        System.err.println("usage: bench/run derive [rounds] | tokenize [rows] [dir] | "
            + "federation [reports] [watch] [dir] | oprf-tokenize [events] [dir] | all");
        System.exit(2);
      }
    }
  }
}
