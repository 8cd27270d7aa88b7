/**
 * The clearinghouse's RFC 9162 transparency log of receipts and run transcripts.
 *
 * <p>{@link org.blindmatch.server.log.TransparencyLog} keeps the entries durably in the
 * submission store and the Merkle tree in memory; {@link
 * org.blindmatch.core.claims.TreeHeads} signs and verifies tree heads; {@link
 * org.blindmatch.core.claims.LogPositions} verifies a receipt's position (the claim "this
 * entry is in the log") for submitters and auditors.
 */
package org.blindmatch.server.log;

import org.blindmatch.core.claims.LogPositions;
import org.blindmatch.core.claims.TreeHeads;
