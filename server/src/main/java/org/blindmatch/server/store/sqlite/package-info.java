/**
 * The embedded (SQLite) backend of the store's metadata and transparency log: the
 * {@code meta.sqlite} connection with its crash-safety pragmas, the dialect, and the Flyway
 * migrations (resources {@code org/blindmatch/server/store/sqlite/migration/V*.sql}).
 */
package org.blindmatch.server.store.sqlite;
