package org.blindmatch.core;

import org.blindmatch.testing.ModuleRules;
import org.junit.jupiter.api.Test;

/** The module graph of docs/ARCHITECTURE.md, checked on this module's code: core sits below client and server. */
class ModuleBoundaryTest {
  @Test
  void noPackageCycleAndOnlyAllowedDependencies() {
    ModuleRules.check("org.blindmatch.core",
        "org.blindmatch.server",
        "org.blindmatch.client",
        "org.blindmatch.cli",
        "org.blindmatch.spark");
  }
}
