/**
 * Server logs: one line per RPC with a request id ({@link
 * org.blindmatch.server.logging.RequestLogInterceptor}), and the process-wide format, text or
 * one JSON object per line ({@link org.blindmatch.server.logging.LogFormat}). A log line names
 * methods, status codes, durations and request ids; never a token, key, record or submission
 * id, caller address or status description (descriptions may echo client input).
 */
package org.blindmatch.server.logging;
