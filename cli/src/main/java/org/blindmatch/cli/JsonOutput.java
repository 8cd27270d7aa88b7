package org.blindmatch.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.time.Instant;

/**
 * The one JSON writer behind every command's {@code --json} (docs/JSON.md): a command builds
 * one document with {@link #document}, fills it, and {@link #print}s it as the only thing on
 * stdout; human notices go to stderr. Every document starts with
 * {@code "schema": "blindmatch.<thing>/v1"}; a field is only ever added to a version, never
 * renamed, retyped or removed (that is a new version). Conventions: uint64 counts are JSON
 * integers of their unsigned value ({@link #uint64}), bytes are lowercase hex, instants are
 * ISO-8601 UTC strings ({@link #instant}). Stateless and thread-safe.
 */
final class JsonOutput {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  private JsonOutput() {}

  /** A new document of schema {@code blindmatch.<thing>/v1}. */
  static ObjectNode document(String thing) {
    ObjectNode doc = MAPPER.createObjectNode();
    doc.put("schema", "blindmatch." + thing + "/v1");
    return doc;
  }

  /** Sets {@code field} to the unsigned value of {@code value} (a uint64 from the wire). */
  static ObjectNode uint64(ObjectNode node, String field, long value) {
    return node.put(field, value >= 0 ? BigInteger.valueOf(value)
        : new BigInteger(Long.toUnsignedString(value)));
  }

  /** Sets {@code field} to the unsigned value of {@code value} (a uint32 from the wire). */
  static ObjectNode uint32(ObjectNode node, String field, int value) {
    return node.put(field, Integer.toUnsignedLong(value));
  }

  /** Sets {@code field} to {@code epochSeconds} as an ISO-8601 UTC instant. */
  static ObjectNode instant(ObjectNode node, String field, long epochSeconds) {
    return node.put(field, Instant.ofEpochSecond(epochSeconds).toString());
  }

  /**
   * Fills {@code o} with a verified run transcript: run id, start, scope, k, inputs,
   * recipients (digests) and totals per tier (named from {@code tiers} where the scope has a
   * name for the number).
   */
  static ObjectNode transcript(ObjectNode o, org.blindmatch.proto.v1.RunTranscript t,
      java.util.List<String> tiers) {
    java.util.HexFormat hex = java.util.HexFormat.of();
    o.put("run_id", t.getRunId());
    instant(o, "started_at", t.getStartedAt());
    o.put("scope_id", t.getScopeId());
    o.put("scope_digest", hex.formatHex(t.getScopeDigest().toByteArray()));
    uint32(o, "k", t.getKThreshold());
    o.put("clearinghouse", t.getClearinghouse());
    for (String side : new String[] {"report_inputs", "watchlist_inputs"}) {
      com.fasterxml.jackson.databind.node.ArrayNode a = o.putArray(side);
      for (org.blindmatch.proto.v1.RunInput in : side.equals("report_inputs")
          ? t.getReportInputsList() : t.getWatchlistInputsList()) {
        ObjectNode i = a.addObject();
        i.put("submitter", in.getSubmitter());
        i.put("submission_id", in.getSubmissionId());
        uint64(i, "records", in.getRecordCount());
        uint32(i, "key_id", in.getKeyId());
        i.put("merkle_root", hex.formatHex(in.getMerkleRoot().toByteArray()));
      }
    }
    com.fasterxml.jackson.databind.node.ArrayNode r = o.putArray("recipients");
    for (org.blindmatch.proto.v1.RecipientDigest d : t.getRecipientsList()) {
      r.addObject().put("recipient", d.getRecipient())
          .put("results_sha256", hex.formatHex(d.getResultsSha256().toByteArray()));
    }
    com.fasterxml.jackson.databind.node.ArrayNode totals = o.putArray("totals");
    for (org.blindmatch.proto.v1.TierTotals tt : t.getTotalsList()) {
      ObjectNode n = totals.addObject();
      n.put("tier", ResultsTable.Tier.of(tt.getTier(), tiers).name());
      uint64(n, "matched_records", tt.getMatchedRecords());
      uint64(n, "matched_events", tt.getMatchedEvents());
      uint64(n, "matched_labels", tt.getMatchedLabels());
      uint64(n, "submitters", tt.getSubmitters());
    }
    return o;
  }

  /** The document as text, indented, with a final newline. */
  static String text(ObjectNode doc) {
    try {
      return MAPPER.writeValueAsString(doc) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of JSON nodes always serializes", e);
    }
  }

  /** Prints the document to {@code out} and flushes it. */
  static void print(PrintWriter out, ObjectNode doc) {
    out.print(text(doc));
    out.flush();
  }
}
