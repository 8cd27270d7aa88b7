package org.blindmatch.spark;

import org.blindmatch.testing.ModuleRules;
import org.junit.jupiter.api.Test;

/** The module graph of docs/ARCHITECTURE.md, checked on this module's code: the Spark job uses client and core only, never the server or the CLI. */
class ModuleBoundaryTest {
  @Test
  void noPackageCycleAndOnlyAllowedDependencies() {
    ModuleRules.check("org.blindmatch.spark",
        "org.blindmatch.server",
        "org.blindmatch.cli");
  }
}
