package org.blindmatch.core.match;

/**
 * An NGO label in a run: label handles are only meaningful within their submission, so a
 * label is its watchlist input and its handle.
 *
 * @param watchlistInput index of the watchlist input, as given to {@link MatchEngine#run}
 * @param handle the label handle
 */
record LabelRef(int watchlistInput, Handle handle) {}
