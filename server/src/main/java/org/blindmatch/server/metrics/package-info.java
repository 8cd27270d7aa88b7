/**
 * Operational metrics: a Prometheus registry per server ({@link
 * org.blindmatch.server.metrics.ServerMetrics}), a gRPC interceptor counting calls by method and
 * status code, and a plaintext {@code /metrics} endpoint on a separate port. No metric carries a
 * caller identity, token, key, record or submission id or address: only method names, status
 * codes, epochs and aggregate counts.
 */
package org.blindmatch.server.metrics;
