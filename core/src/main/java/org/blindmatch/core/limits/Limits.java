package org.blindmatch.core.limits;

import org.blindmatch.crypto.tokenfile.TokenRecord;

/**
 * The size and concurrency limits that client and server must agree on, in one place: a
 * client that sends what a server refuses is a bug of one of them, so both read these
 * constants. docs/OPERATIONS.md ("Limits") lists them for operators.
 */
public final class Limits {
  private Limits() {}

  /**
   * The largest {@code Chunk.records} a clearinghouse accepts: whole records, at most 1 MiB.
   */
  public static final int MAX_CHUNK_BYTES = (1 << 20) / TokenRecord.LENGTH * TokenRecord.LENGTH;

  /**
   * Records per upload chunk a client sends; fixed so that a resumed upload cuts the same
   * chunks as the first attempt.
   */
  public static final int CHUNK_RECORDS = 30_000;

  /** Blinded elements in one keyholder {@code Evaluate} request (client and keyholder). */
  public static final int MAX_EVALUATE_BATCH = 4096;

  /** Log entries in one {@code GetEntries} answer. */
  public static final int MAX_LOG_ENTRIES_PER_PAGE = 256;

  /** Inbound message limit of every blindmatch server (clearinghouse and keyholder). */
  public static final int SERVER_MAX_INBOUND_MESSAGE_BYTES = 2 << 20;

  /** Concurrent calls a server allows on one connection (HTTP/2 streams). */
  public static final int SERVER_MAX_CONCURRENT_CALLS_PER_CONNECTION = 32;

  /**
   * Inbound message limit of a client: results and log pages can exceed the server's request
   * limit.
   */
  public static final int CLIENT_MAX_INBOUND_MESSAGE_BYTES = 64 << 20;

  static {
    if ((long) CHUNK_RECORDS * TokenRecord.LENGTH > MAX_CHUNK_BYTES) {
      throw new AssertionError("CHUNK_RECORDS does not fit in MAX_CHUNK_BYTES");
    }
  }
}
