package org.blindmatch.client;

import org.blindmatch.testing.ModuleRules;
import org.junit.jupiter.api.Test;

/** The module graph of docs/ARCHITECTURE.md, checked on this module's code: client and server are siblings: the client library never uses the server or the CLI. */
class ModuleBoundaryTest {
  @Test
  void noPackageCycleAndOnlyAllowedDependencies() {
    ModuleRules.check("org.blindmatch.client",
        "org.blindmatch.server",
        "org.blindmatch.cli",
        "org.blindmatch.spark");
  }
}
