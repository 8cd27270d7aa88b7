/**
 * The store implementation: {@link org.blindmatch.server.store.segment.SegmentSubmissionStore}
 * keeps each submission's records in a segment file and everything else in the metadata
 * database of the chosen backend, recovers from crashes at open
 * ({@link org.blindmatch.server.store.segment.Recovery}), and implements every store
 * interface of {@code org.blindmatch.server.store} over one database transaction domain.
 */
package org.blindmatch.server.store.segment;
