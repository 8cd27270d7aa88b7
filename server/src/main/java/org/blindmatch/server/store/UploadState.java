package org.blindmatch.server.store;

/**
 * Durable progress of an upload: what a client resumes from after a disconnect or a server
 * crash.
 *
 * @param submissionId the upload's id
 * @param nextSequence the sequence number the next chunk must carry (chunks count from 0)
 * @param recordsReceived records durably stored so far
 */
public record UploadState(String submissionId, long nextSequence, long recordsReceived) {}
