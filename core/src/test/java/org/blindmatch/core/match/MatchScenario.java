package org.blindmatch.core.match;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.blindmatch.crypto.tokenfile.TokenRecord;

/**
 * Test-side description of a match run's inputs, with small integers standing for tokens and
 * handles so that collisions are frequent. Shared by the property and golden tests; the
 * engine's code is not used here.
 *
 * @param kThreshold the run's k
 * @param groups the key groups, in run order
 */
record MatchScenario(int kThreshold, List<Group> groups) {

  /**
   * One 33-byte record. The token is 16 bytes of {@code token}; the handle is 15 bytes of
   * {@code handle & 0xff} followed by {@code handle >>> 8} (so a generator can make label
   * handles of different inputs disjoint by putting the input index in the high bits).
   */
  record Rec(int token, int handle, int tier) {
    byte[] tokenBytes() {
      byte[] t = new byte[TokenRecord.TOKEN_LENGTH];
      Arrays.fill(t, (byte) token);
      return t;
    }

    byte[] handleBytes() {
      byte[] h = new byte[16];
      Arrays.fill(h, (byte) handle);
      h[15] = (byte) (handle >>> 8);
      return h;
    }

    byte[] bytes() {
      byte[] r = new byte[TokenRecord.LENGTH];
      System.arraycopy(tokenBytes(), 0, r, TokenRecord.TOKEN_OFFSET, TokenRecord.TOKEN_LENGTH);
      System.arraycopy(handleBytes(), 0, r, TokenRecord.HANDLE_OFFSET, 16);
      r[TokenRecord.TIER_OFFSET] = (byte) tier;
      return r;
    }
  }

  /** One submission; its records in any order (they are sorted when turned into input). */
  record Sub(String id, String submitter, List<Rec> records) {
    MatchInput input() {
      List<byte[]> sorted = new ArrayList<>();
      records.forEach(r -> sorted.add(r.bytes()));
      sorted.sort(Arrays::compareUnsigned);
      byte[] body = new byte[sorted.size() * TokenRecord.LENGTH];
      for (int i = 0; i < sorted.size(); i++) {
        System.arraycopy(sorted.get(i), 0, body, i * TokenRecord.LENGTH, TokenRecord.LENGTH);
      }
      return new MatchInput(id, submitter, () -> new ByteArrayInputStream(body));
    }
  }

  /** The inputs of one key id. */
  record Group(int keyId, List<Sub> reports, List<Sub> watchlists) {
    MatchRun.KeyGroup keyGroup() {
      return new MatchRun.KeyGroup(keyId, reports.stream().map(Sub::input).toList(),
          watchlists.stream().map(Sub::input).toList());
    }
  }

  List<MatchRun.KeyGroup> keyGroups() {
    return groups.stream().map(Group::keyGroup).toList();
  }
}
