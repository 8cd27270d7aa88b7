package org.blindmatch.core.match;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.blindmatch.crypto.tokenfile.TokenRecord;

/**
 * Joins report submissions against watchlist submissions on equal tokens.
 *
 * <p>Match rule ({@code docs/PROTOCOL.md} §7): a report record (an event) matches a label when
 * a watchlist record of that label has the same token; several watchlist records of one label
 * with that token count once. A match is counted in the report record's tier. Labels and
 * records are told apart per input ({@link LabelRef}), since handles are per submission.
 *
 * <p>Report and watchlist sides are each k-way merged and walked together, so memory holds one
 * group of equal tokens plus the matches found, never the token sets. Stateless and
 * thread-safe.
 */
public final class MatchEngine {
  private static final int T = TokenRecord.TOKEN_LENGTH;

  /**
   * Runs the join, reading every input to its end (a store checks a segment's checksum
   * there) and closing it.
   *
   * @param reports report inputs; each must hold 33-byte records sorted ascending by their
   *     bytes, compared unsigned (otherwise the result is unspecified)
   * @param watchlists watchlist inputs, sorted likewise, under the same scope and key as
   *     {@code reports}
   * @return the matches, indexed by the positions of the inputs in these lists
   * @throws IOException if an input cannot be opened or read, including ending inside a record
   */
  public MatchOutcome run(List<MatchInput> reports, List<MatchInput> watchlists)
      throws IOException {
    MatchTally tally = new MatchTally(reports.size(), watchlists.size());
    try (MergedStream r = open(reports); MergedStream w = open(watchlists)) {
      while (r.peek() != null && w.peek() != null) {
        int cmp = Arrays.compareUnsigned(r.peek().current(), 0, T, w.peek().current(), 0, T);
        if (cmp < 0) {
          r.advance();
        } else if (cmp > 0) {
          w.advance();
        } else {
          byte[] token = Arrays.copyOf(w.peek().current(), T);
          List<LabelRef> labels = labelsWith(w, token);
          while (r.peek() != null && sameToken(r.peek().current(), token)) {
            RecordStream s = r.peek();
            byte[] rec = s.current();
            tally.add(s.source(), reports.get(s.source()).submitter(),
                Handle.read(rec, TokenRecord.HANDLE_OFFSET),
                rec[TokenRecord.TIER_OFFSET] & 0xff, labels);
            r.advance();
          }
        }
      }
      drain(r);
      drain(w);
    }
    return tally.outcome();
  }

  /**
   * Consumes the watchlist records with {@code token}; returns their distinct labels in merge
   * order (whatever their tiers).
   */
  private static List<LabelRef> labelsWith(MergedStream w, byte[] token) throws IOException {
    Set<LabelRef> labels = new LinkedHashSet<>();
    while (w.peek() != null && sameToken(w.peek().current(), token)) {
      RecordStream s = w.peek();
      labels.add(new LabelRef(s.source(), Handle.read(s.current(), TokenRecord.HANDLE_OFFSET)));
      w.advance();
    }
    return List.copyOf(labels);
  }

  private static void drain(MergedStream s) throws IOException {
    while (s.peek() != null) {
      s.advance();
    }
  }

  private static boolean sameToken(byte[] record, byte[] token) {
    return Arrays.equals(record, 0, T, token, 0, T);
  }

  private static MergedStream open(List<MatchInput> inputs) throws IOException {
    List<RecordStream> streams = new ArrayList<>();
    try {
      for (int i = 0; i < inputs.size(); i++) {
        streams.add(new RecordStream(
            new BufferedInputStream(inputs.get(i).records().open(), 1 << 16), i));
      }
    } catch (IOException | RuntimeException e) {
      for (RecordStream s : streams) {
        s.close();
      }
      throw e;
    }
    return new MergedStream(streams);
  }
}
