package org.blindmatch.crypto.oprf.dkg;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.blindmatch.crypto.oprf.Element;
import org.blindmatch.crypto.oprf.KeyShare;
import org.blindmatch.crypto.oprf.OprfKeyFiles;
import org.blindmatch.crypto.oprf.ThresholdPublicKey;
import org.blindmatch.crypto.pki.NodeIdentity;

/**
 * One participant's outcome of a completed DKG: its share and the public parameters every
 * qualified participant computed identically. Immutable; {@code toString} omits the share.
 *
 * @param session the run
 * @param share this participant's share x_j = Σ_{i∈QUAL} f_i(j)
 * @param shares threshold and the share public key of every qualified participant
 * @param groupKey y = Σ_{i∈QUAL} a_i0·G, the epoch's OPRF public key
 * @param excluded each disqualified participant with the reason, by index
 */
public record DkgResult(DkgSession session, KeyShare share, ThresholdPublicKey shares,
    Element groupKey, SortedMap<Integer, String> excluded) {
  public DkgResult {
    excluded = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(excluded));
  }

  /** The qualified set QUAL: the participants holding a share of the new key. */
  public Set<Integer> qualified() {
    return new TreeSet<>(shares.shareKeys().keySet());
  }

  /** The epoch public key in the form of the public file (holders = QUAL). */
  public OprfKeyFiles.EpochPublicKey epochPublicKey() {
    Map<Integer, NodeIdentity> holders = new LinkedHashMap<>();
    for (int i : qualified()) {
      holders.put(i, session.participant(i));
    }
    return new OprfKeyFiles.EpochPublicKey(session.epoch(), shares, groupKey, holders);
  }

  /** The share of this epoch, for {@link OprfKeyFiles#writeShare}. */
  public OprfKeyFiles.EpochShare epochShare() {
    return new OprfKeyFiles.EpochShare(session.epoch(), session.threshold(), share);
  }

  @Override
  public String toString() {
    return "DkgResult[epoch=" + session.epoch() + ", keyholder " + share.index()
        + ", qualified " + qualified() + ", excluded " + excluded.keySet() + "]";
  }
}
