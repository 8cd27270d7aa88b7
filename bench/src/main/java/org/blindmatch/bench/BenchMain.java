package org.blindmatch.bench;

/**
 * Benchmarks of blindmatch hot paths; each prints its figure and a baseline measured in the
 * same run. Usage: {@code bench/run derive [rounds]}, {@code tokenize [rows] [dir]},
 * {@code federation [reports] [watch] [dir]}, {@code oprf [batch] [seconds]},
 * {@code oprf-backends [batch] [seconds]}, {@code oprf-tokenize [events] [dir]},
 * {@code log [entries] [audited] [dir]},
 * {@code match [reports] [watch] [match%]} or
 * {@code all}.
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
      case "log" -> LogBench.run(args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000,
          args.length > 2 ? Integer.parseInt(args[2]) : 20_000,
          java.nio.file.Path.of(args.length > 3 ? args[3] : "bench-data"));
      case "oprf-tokenize" -> OprfTokenizeBench.run(
          args.length > 1 ? Long.parseLong(args[1]) : 1_000_000L,
          java.nio.file.Path.of(args.length > 2 ? args[2] : "bench-data"));
      case "match" -> MatchBench.run(
          args.length > 1 ? Integer.parseInt(args[1]) : 600_000,
          args.length > 2 ? Integer.parseInt(args[2]) : 200_000,
          args.length > 3 ? Integer.parseInt(args[3]) : 5);
      case "oprf-backends" -> OprfBackendsBench.run(
          args.length > 1 ? Integer.parseInt(args[1]) : 4096,
          args.length > 2 ? Double.parseDouble(args[2]) : 20);
      case "oprf-backend-child" -> OprfBackendsBench.child(
          Integer.parseInt(args[1]), Double.parseDouble(args[2]));
      case "oprf" -> OprfBench.run(
          args.length > 1 ? Integer.parseInt(args[1]) : 1000,
          args.length > 2 ? Double.parseDouble(args[2]) : 30);
      case "all" -> {
        DerivationBench.run(5);
        TokenizeBench.run(10_000_000L, java.nio.file.Path.of("bench-data"));
        FederationBench.run(10_000_000L, 1_000_000L, java.nio.file.Path.of("bench-data"));
        OprfBench.run(1000, 30);
        LogBench.run(1_000_000, 20_000, java.nio.file.Path.of("bench-data"));
      }
      default -> {
        System.err.println("usage: bench/run derive [rounds] | tokenize [rows] [dir] | "
            + "federation [reports] [watch] [dir] | oprf [batch] [seconds] | "
            + "oprf-backends [batch] [seconds] | oprf-tokenize [events] [dir] | "
            + "log [entries] [audited] [dir] | "
            + "match [reports] [watch] [match%] | all");
        System.exit(2);
      }
    }
  }
}
