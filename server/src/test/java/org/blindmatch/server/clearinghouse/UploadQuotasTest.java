package org.blindmatch.server.clearinghouse;

import static org.blindmatch.server.clearinghouse.DomainFixture.NGO;
import static org.blindmatch.server.clearinghouse.DomainFixture.PLATFORM;
import static org.blindmatch.server.clearinghouse.DomainFixture.beginRequest;
import static org.blindmatch.server.clearinghouse.DomainFixture.chunk;
import static org.blindmatch.server.clearinghouse.DomainFixture.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.blindmatch.server.clearinghouse.ClearinghouseException.Code;
import org.blindmatch.server.store.StoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upload quotas per submitter and idle expiry, at the domain service. */
class UploadQuotasTest {
  private static final int R = TokenRecord.LENGTH;

  @TempDir Path dir;
  private DomainFixture f;
  private Submissions submissions;

  @BeforeEach
  void open() throws Exception {
    f = new DomainFixture(dir);
    submissions = new Submissions(f.ch, f.metrics,
        new UploadQuotas(20, 20 * R, 3, 15 * R, Duration.ofHours(24)));
  }

  @AfterEach
  void close() throws StoreException {
    f.close();
  }

  private void begin(org.blindmatch.crypto.pki.NodeIdentity node, String id, long records)
      throws Exception {
    submissions.upload(node).accept(beginRequest(f.begin(node, id, records)));
  }

  private ClearinghouseException.Quota refused(org.blindmatch.crypto.pki.NodeIdentity node,
      String id, long records) {
    ClearinghouseException e = assertThrows(ClearinghouseException.class,
        () -> begin(node, id, records));
    assertEquals(Code.RESOURCE_EXHAUSTED, e.code());
    assertTrue(e.getMessage().contains("limit"), e.getMessage());
    return e.quota();
  }

  @Test
  void stagedBytesCountTheDeclaredSizeOfOpenUploadsPerSubmitter() throws Exception {
    begin(PLATFORM, "s1", 10);
    assertEquals(new ClearinghouseException.Quota(UploadQuotas.STAGED, 15 * R, 10 * R, 6 * R),
        refused(PLATFORM, "s2", 6));
    begin(PLATFORM, "s2", 5);
    begin(PLATFORM, "s1", 10); // a resume is not a new upload
    begin(NGO, "w1", 10); // another submitter's quota
    assertEquals(2, f.store.openUploads(PLATFORM.uri().toString()).size());
  }

  @Test
  void perSubmissionAndOpenUploadLimits() throws Exception {
    assertEquals(new ClearinghouseException.Quota(UploadQuotas.RECORDS, 20, 0, 1L << 40),
        refused(PLATFORM, "huge", 1L << 40));
    assertEquals(UploadQuotas.RECORDS, refused(PLATFORM, "big", 21).limit());
    begin(PLATFORM, "a", 1);
    begin(PLATFORM, "b", 1);
    begin(PLATFORM, "c", 1);
    assertEquals(new ClearinghouseException.Quota(UploadQuotas.OPEN, 3, 3, 1),
        refused(PLATFORM, "d", 1));
    assertEquals(3, f.store.openUploads(null).size(), "refused begins store nothing");
    try (var staged = Files.list(dir.resolve("staging"))) {
      assertEquals(3, staged.count());
    }
  }

  @Test
  void aCommittedUploadFreesItsQuota() throws Exception {
    NodeSigner key = f.register(PLATFORM);
    byte[] recs = records(10, 3);
    Submissions.Upload up = submissions.upload(PLATFORM);
    up.accept(beginRequest(f.begin(PLATFORM, "s1", 10)));
    up.accept(chunk(0, recs, 0, 10));
    refused(PLATFORM, "s2", 10);
    submissions.commit(PLATFORM, f.signedCommit(key, PLATFORM, "s1", recs));
    begin(PLATFORM, "s2", 10);
  }

  @Test
  void aRefusedFirstChunkLeavesNothingBehind() throws Exception {
    Submissions.Upload up = submissions.upload(PLATFORM);
    up.accept(beginRequest(f.begin(PLATFORM, "s1", 4)));
    byte[] unsorted = records(4, 4);
    byte[] swapped = unsorted.clone();
    System.arraycopy(unsorted, 0, swapped, R, R);
    System.arraycopy(unsorted, R, swapped, 0, R);
    assertThrows(ClearinghouseException.class, () -> up.accept(chunk(0, swapped, 0, 4)));
    assertTrue(f.store.openUploads(null).isEmpty());
    try (var staged = Files.list(dir.resolve("staging"))) {
      assertEquals(0, staged.count());
    }
  }

  @Test
  void idleUploadsExpireAndAreCounted() throws Exception {
    begin(PLATFORM, "old", 4);
    begin(PLATFORM, "fresh", 4);
    String oldId = f.store.openUploads(null).stream()
        .filter(u -> u.submissionId().endsWith("old")).findFirst().orElseThrow().submissionId();
    Instant now = Instant.now();
    Files.setLastModifiedTime(f.store.stagedFile(oldId),
        FileTime.from(now.minus(Duration.ofHours(25))));
    assertEquals(1, submissions.expireIdleUploads(now));
    assertEquals(1, f.store.openUploads(null).size());
    assertFalse(Files.exists(dir.resolve("staging/" + oldId + ".part")));
    ClearinghouseException gone = assertThrows(ClearinghouseException.class,
        () -> submissions.status(PLATFORM, "old"));
    assertEquals(Code.NOT_FOUND, gone.code());
    assertTrue(f.metrics.scrape().contains("blindmatch_uploads_expired_total 1.0"),
        f.metrics.scrape());
    assertEquals(0, submissions.expireIdleUploads(now));
  }
}
