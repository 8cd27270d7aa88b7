/**
 * Clearinghouse and keyholder services: storage, match engine, transparency log, mTLS
 * identity and authorization. Populated by the federation issue; see {@code docs/} and
 * {@code ../shared/DESIGN.md} §3–§5.
 */
package org.blindmatch.server;
