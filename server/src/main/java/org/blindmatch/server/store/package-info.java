/**
 * Durable storage of token-set submissions for the clearinghouse.
 *
 * <p>{@link org.blindmatch.server.store.SubmissionStore} is the contract;
 * {@link org.blindmatch.server.store.SegmentSubmissionStore} the implementation: each
 * submission's 33-byte records in one flat file in the data directory, metadata and the
 * transparency log in a database chosen by
 * {@link org.blindmatch.server.store.MetadataLocation} — SQLite ({@code xerial sqlite-jdbc})
 * in WAL mode with {@code synchronous=FULL} inside the data directory (the embedded store), or
 * PostgreSQL with versioned Flyway migrations and an advisory lock. Both pass one conformance
 * suite. The crash promise: a call that returned has made its change durable, also across
 * power loss on a file system (and database server) that honours fsync; a commit interrupted
 * at any point leaves either no submission (the upload resumable or re-creatable) or a
 * complete one. Memory use does not grow with the number of records: chunks are written
 * through, and commits and reads stream.
 */
package org.blindmatch.server.store;
