/**
 * The PostgreSQL backend of the store's metadata and transparency log: connection set-up
 * with durability checks, the single-writer advisory lock, the binding between database and
 * data directory, the dialect, and the Flyway migrations (resources
 * {@code org/blindmatch/server/store/postgres/migration/V*.sql}).
 */
package org.blindmatch.server.store.postgres;
