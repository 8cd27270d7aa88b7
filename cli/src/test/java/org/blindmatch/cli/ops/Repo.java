package org.blindmatch.cli.ops;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locations in the source tree the operations tests read. */
final class Repo {
  private Repo() {}

  /** The repository root (holds examples/, docs/ and deploy/). */
  static Path root() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("deploy/pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException("cannot find the repository root (deploy/pom.xml)");
  }

  /** The example configurations shipped as the distribution's conf/. */
  static Path conf() {
    return root().resolve("deploy/src/dist/conf");
  }
}
