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
