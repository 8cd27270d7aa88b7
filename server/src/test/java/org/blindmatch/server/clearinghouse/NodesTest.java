package org.blindmatch.server.clearinghouse;

import static org.blindmatch.server.clearinghouse.DomainFixture.PLATFORM;
import static org.blindmatch.server.clearinghouse.SubmissionsTest.assertRefused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.server.clearinghouse.ClearinghouseException.Code;
import org.blindmatch.server.store.StoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodesTest {
  @TempDir Path dir;
  private DomainFixture f;
  private Nodes nodes;

  @BeforeEach
  void open() throws StoreException {
    f = new DomainFixture(dir);
    nodes = new Nodes(f.ch);
  }

  @AfterEach
  void close() throws StoreException {
    f.close();
  }

  @Test
  void registersOnceAndLogsTheMemberOnce() throws Exception {
    String keyset = DomainFixture.newSigner().publicKeysetJson();
    assertArrayEquals(NodeSigner.fingerprint(keyset),
        nodes.register(PLATFORM, null, keyset).getKeysetSha256().toByteArray());
    long size = f.ch.log().size();
    nodes.register(PLATFORM, null, keyset);
    assertEquals(size, f.ch.log().size());
    assertRefused(Code.ALREADY_EXISTS, "a different signing key is already registered for "
        + PLATFORM.uri(), () -> nodes.register(PLATFORM, null,
            DomainFixture.newSigner().publicKeysetJson()));
  }

  @Test
  void refusesWhatIsNotAPublicKeyset() {
    assertRefused(Code.INVALID_ARGUMENT, "not a Tink public signing keyset",
        () -> nodes.register(PLATFORM, null, "{}"));
  }
}
