package org.blindmatch.server;

import org.blindmatch.testing.ModuleRules;
import org.junit.jupiter.api.Test;

/** The module graph of docs/ARCHITECTURE.md, checked on this module's code: client and server are siblings: the server never uses the client library or the CLI. */
class ModuleBoundaryTest {
  @Test
  void noPackageCycleAndOnlyAllowedDependencies() {
    ModuleRules.check("org.blindmatch.server",
        "org.blindmatch.client",
        "org.blindmatch.cli",
        "org.blindmatch.spark");
  }
}
