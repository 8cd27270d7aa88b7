/**
 * Online backup and offline restore of a clearinghouse store, in one format for both
 * backends (see {@link org.blindmatch.server.store.backup.StoreBackup}).
 */
package org.blindmatch.server.store.backup;
