package org.blindmatch.crypto.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

class ReadFailureTest {
  @Test
  void permissionDeniedSaysWhoCannotReadAndWhatToDo() {
    String reason = ReadFailure.reason(new AccessDeniedException("/run/secrets/x.key"));
    assertTrue(reason.startsWith("permission denied: this process"), reason);
    assertTrue(reason.contains("chgrp"), reason);
    if (System.getProperty("os.name").startsWith("Linux")) {
      assertTrue(reason.matches(".*\\(uid \\d+, gid \\d+\\).*"), reason);
    }
  }

  @Test
  void missingFileAndOtherFailures() {
    assertEquals("no such file", ReadFailure.reason(new NoSuchFileException("/x")));
    assertEquals("Input/output error", ReadFailure.reason(new IOException("Input/output error")));
    assertEquals("IOException", ReadFailure.reason(new IOException()));
  }
}
