package org.blindmatch.server.log;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.blindmatch.core.claims.SignedNote;

/**
 * The witness cosignatures the clearinghouse holds, per checkpoint size, one per witness key
 * (a newer cosignature replaces the older). Kept in memory only and for the
 * {@value #KEPT_SIZES} largest sizes: witnesses cosign the current head again after a restart,
 * and a cosignature is worth something to a verifier only on a recent head. Callers verify a
 * cosignature before adding it. Thread-safe.
 */
public final class WitnessCosignatures {
  /** Checkpoint sizes kept; the smallest is dropped first. */
  public static final int KEPT_SIZES = 256;

  private final TreeMap<Long, Map<String, SignedNote.Signature>> bySize = new TreeMap<>();

  /**
   * Keeps {@code cosignature} of the checkpoint of {@code size} by the witness {@code vkey}.
   *
   * @return how many witnesses' cosignatures are now held for {@code size}
   */
  public synchronized int add(long size, String vkey, SignedNote.Signature cosignature) {
    Map<String, SignedNote.Signature> held =
        bySize.computeIfAbsent(size, s -> new LinkedHashMap<>());
    held.put(vkey, cosignature);
    while (bySize.size() > KEPT_SIZES) {
      bySize.pollFirstEntry();
    }
    return bySize.containsKey(size) ? bySize.get(size).size() : 0;
  }

  /** The cosignatures held for {@code size}, in the order witnesses first handed them in. */
  public synchronized List<SignedNote.Signature> of(long size) {
    Map<String, SignedNote.Signature> held = bySize.get(size);
    return held == null ? List.of() : new ArrayList<>(held.values());
  }
}
