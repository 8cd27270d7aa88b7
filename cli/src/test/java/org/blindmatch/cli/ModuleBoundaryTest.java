package org.blindmatch.cli;

import org.blindmatch.testing.ModuleRules;
import org.junit.jupiter.api.Test;

/** The module graph of docs/ARCHITECTURE.md, checked on this module's code: the CLI: no package cycle. */
class ModuleBoundaryTest {
  @Test
  void noPackageCycleAndOnlyAllowedDependencies() {
    ModuleRules.check("org.blindmatch.cli");
  }
}
