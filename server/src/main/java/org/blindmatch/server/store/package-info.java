/**
 * The clearinghouse's durable state, as narrow contracts and their values: each consumer
 * depends only on the interface it needs.
 *
 * <ul>
 *   <li>{@link org.blindmatch.server.store.SubmissionStore}: uploads, committed submissions,
 *       expiry;
 *   <li>{@link org.blindmatch.server.store.LogStorage}: the transparency log's entries and
 *       seal, appended together (all the log needs);
 *   <li>{@link org.blindmatch.server.store.ResultStore},
 *       {@link org.blindmatch.server.store.TranscriptStore},
 *       {@link org.blindmatch.server.store.SigningKeyStore}: write-once results, run
 *       transcripts and registered signing keys.
 * </ul>
 *
 * <p>The implementation is {@code store.segment.SegmentSubmissionStore}: each submission's
 * 33-byte records in one flat file in the data directory ({@code store.files}), everything else
 * in a metadata database chosen by {@link org.blindmatch.server.store.MetadataLocation} and
 * served by the generic JDBC code of {@code store.jdbc} over one backend — {@code store.sqlite}
 * (the embedded store: {@code meta.sqlite} in WAL mode with {@code synchronous=FULL} inside the
 * data directory) or {@code store.postgres} (an advisory lock and durability checks). Both
 * migrate their schema with Flyway and pass one conformance suite. The crash promise: a call
 * that returned has made its change durable, also across power loss on a file system (and
 * database server) that honours fsync; a commit interrupted at any point leaves either no
 * submission (the upload resumable or re-creatable) or a complete one. Memory use does not grow
 * with the number of records: chunks are written through, and commits and reads stream.
 * {@code store.backup} backs up and restores either kind.
 */
package org.blindmatch.server.store;
