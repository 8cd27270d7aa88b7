package org.blindmatch.crypto;

import org.blindmatch.testing.ModuleRules;
import org.junit.jupiter.api.Test;

/** The module graph of docs/ARCHITECTURE.md, checked on this module's code: crypto is pure: no gRPC, Netty or protobuf in its own code (protobuf-java reaches it only inside Tink), and no other blindmatch module. */
class ModuleBoundaryTest {
  @Test
  void noPackageCycleAndOnlyAllowedDependencies() {
    ModuleRules.check("org.blindmatch.crypto",
        "com.google.protobuf",
        "io.grpc",
        "io.netty",
        "org.blindmatch.proto",
        "org.blindmatch.core",
        "org.blindmatch.server",
        "org.blindmatch.client",
        "org.blindmatch.cli",
        "org.blindmatch.spark");
  }
}
