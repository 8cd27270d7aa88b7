/**
 * The data directory shared by every backend: its layout and lock
 * ({@link org.blindmatch.server.store.files.DataDir}) and file operations that are durable
 * when they return ({@link org.blindmatch.server.store.files.DurableFiles}).
 */
package org.blindmatch.server.store.files;
