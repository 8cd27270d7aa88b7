package org.blindmatch.cli.federation;

import static org.blindmatch.cli.federation.FederationTests.fail;
import static org.blindmatch.cli.federation.FederationTests.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.blindmatch.cli.federation.FederationTests.chunk;
import static org.blindmatch.cli.federation.FederationTests.records;
import static org.blindmatch.cli.federation.FederationTests.sorted;
import static org.blindmatch.cli.federation.FederationTests.upload;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.io.IOException;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.federation.NodeProfile;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.proto.v1.UploadStatus;
import org.blindmatch.server.clearinghouse.ClearinghouseConfig;
import org.blindmatch.server.clearinghouse.ClearinghouseServer;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clearinghouse's storage under faults and abuse. It recovers from a storage failure by
 * itself: its data directory is a small tmpfs mounted for the test (needs the right to mount,
 * which the CI machine's root has; elsewhere that test is skipped), filled until the disk is
 * full, then freed. And one platform hoarding uploads is refused at its quota while the
 * others submit and run.
 */
class StorageFaultsTest {
  @TempDir Path dir;

  @Test
  void afterADiskFullEpisodeTheNextSubmissionAndRunSucceedWithoutRestart() throws Exception {
    Path data = Files.createDirectory(dir.resolve("data"));
    Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs",
        data.toString()) == 0, "cannot mount a small tmpfs here");
    try (TestFederation fed = new TestFederation(dir, 1)) {
      FederationTests.Parties p = FederationTests.partiesWithTokens(fed);
      ok("submit", "--profile", p.ngo().toString(), "--tokens", path("w.bmt"), "--id", "w1");

      Path filler = data.resolve("filler");
      fill(filler);
      String e = fail("submit", "--profile", p.platform().toString(), "--tokens",
          path("a.bmt"), "--id", "a1");
      // SQLite or the staged file, whichever writes first, names the full disk.
      assertTrue(e.contains("SQLITE_FULL") || e.contains("No space left on device"), e);
      assertTrue(e.contains("UNAVAILABLE"), e);
      assertFalse(e.contains("internal error"), e);
      assertEquals(1, e.lines().filter(l -> l.startsWith("blindmatch: ")).count(), e);

      Files.delete(filler);
      ok("submit", "--profile", p.platform().toString(), "--tokens", path("a.bmt"), "--id",
          "a1");
      String out = ok("match", "run", "--profile", p.operator().toString(), "--scope",
          "test-scope");
      assertTrue(out.contains("run "), out);
      ok("audit", "verify", "--profile", p.auditor().toString(), "--state",
          path("auditor.state"));
    } finally {
      run("umount", data.toString());
    }
  }

  @Test
  void aPlatformHoardingUploadsIsRefusedWhileOthersSubmitAndRun() throws Exception {
    TestFederation fed = new TestFederation(dir, 1, false);
    Files.writeString(fed.config, "max_open_uploads_per_submitter: 2\n"
        + "max_submission_records: 1000\n", StandardOpenOption.APPEND);
    try (ClearinghouseServer server = ClearinghouseServer.start(
        ClearinghouseConfig.load(fed.config))) {
      fed.usePort(server.port());
      FederationTests.Parties p = FederationTests.partiesWithTokens(fed);
      Path hoarder = fed.node(Role.PLATFORM, "hoarder");
      Path staging = dir.resolve("data/staging");
      try (FederationClient c = FederationClient.connect(NodeProfile.load(hoarder), m -> { })) {
        byte[] recs = sorted(records(10, 1));
        upload(c, fed.begin("h1", 100), chunk(0, recs)).get(60, TimeUnit.SECONDS);
        upload(c, fed.begin("h2", 100)).get(60, TimeUnit.SECONDS);
        assertEquals(2, files(staging));

        StatusRuntimeException e = refused(upload(c, fed.begin("h3", 10)));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
        assertEquals(Map.of("limit", "max_open_uploads_per_submitter", "quota", "2", "used",
            "2", "requested", "1"), quotaInfo(e));
        e = refused(upload(c, fed.begin("huge", 1L << 40)));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
        assertEquals("max_submission_records", quotaInfo(e).get("limit"));
        assertEquals(2, files(staging), "refused begins leave nothing behind");

        // A refused first chunk removes the upload it was for.
        e = refused(upload(c, fed.begin("h2", 100), chunk(0, new byte[5])));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertEquals(1, files(staging), "refused chunks leave nothing behind");
        upload(c, fed.begin("h2", 100)).get(60, TimeUnit.SECONDS);
      }
      // Through the CLI: one line naming the limit and what to do, exit 1.
      String err = fail("submit", "--profile", hoarder.toString(), "--tokens", path("a.bmt"),
          "--id", "h4");
      String line = err.lines().filter(l -> l.startsWith("blindmatch: ")).findFirst()
          .orElseThrow();
      assertEquals(1, err.lines().filter(l -> l.startsWith("blindmatch: ")).count(), err);
      assertTrue(line.contains("upload quota max_open_uploads_per_submitter = 2 exceeded")
          && line.contains("raise max_open_uploads_per_submitter"), line);

      // Everyone else proceeds.
      ok("submit", "--profile", p.platform().toString(), "--tokens", path("a.bmt"), "--id",
          "a1");
      ok("submit", "--profile", p.ngo().toString(), "--tokens", path("w.bmt"), "--id", "w1");
      String out = ok("match", "run", "--profile", p.operator().toString(), "--scope",
          "test-scope");
      assertTrue(out.contains("run "), out);
      ok("audit", "verify", "--profile", p.auditor().toString(), "--state",
          path("auditor.state"));
    }
  }

  private static StatusRuntimeException refused(CompletableFuture<UploadStatus> call) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> call.get(60, TimeUnit.SECONDS));
    return assertInstanceOf(StatusRuntimeException.class, e.getCause());
  }

  /** The ErrorInfo metadata of an upload quota refusal, checking its QuotaFailure. */
  private static Map<String, String> quotaInfo(StatusRuntimeException e) throws Exception {
    com.google.rpc.ErrorInfo info = null;
    com.google.rpc.QuotaFailure quota = null;
    for (com.google.protobuf.Any a : StatusProto.fromThrowable(e).getDetailsList()) {
      if (a.is(com.google.rpc.ErrorInfo.class)) {
        info = a.unpack(com.google.rpc.ErrorInfo.class);
      } else if (a.is(com.google.rpc.QuotaFailure.class)) {
        quota = a.unpack(com.google.rpc.QuotaFailure.class);
      }
    }
    assertEquals("UPLOAD_QUOTA_EXCEEDED", info.getReason());
    assertEquals(info.getMetadataMap().get("limit"), quota.getViolations(0).getSubject());
    return info.getMetadataMap();
  }

  private static long files(Path folder) throws IOException {
    try (var s = Files.list(folder)) {
      return s.count();
    }
  }

  /** Writes {@code file} until the file system is full. */
  private static void fill(Path file) {
    byte[] block = new byte[1 << 16];
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException full) {
      assertTrue(String.valueOf(full.getMessage()).contains("No space left"), full.toString());
    }
  }

  private String path(String name) {
    return dir.resolve(name).toString();
  }

  private static int run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().transferTo(OutputStream.nullOutputStream());
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }
}
