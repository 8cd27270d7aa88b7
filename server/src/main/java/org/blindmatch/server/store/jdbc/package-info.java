/**
 * The metadata logic shared by the database backends: the generic JDBC code
 * ({@link org.blindmatch.server.store.jdbc.MetadataDb}) over a backend's
 * {@link org.blindmatch.server.store.jdbc.SqlDialect}, and the one migration mechanism
 * ({@link org.blindmatch.server.store.jdbc.Migrations}, Flyway). Backends live in
 * {@code store.sqlite} and {@code store.postgres}; nothing here depends on them.
 */
package org.blindmatch.server.store.jdbc;
