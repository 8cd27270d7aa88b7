package org.blindmatch.server.logging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * Formats a log record as one JSON object on one line: {@code time} (ISO-8601 UTC),
 * {@code level}, {@code logger}, {@code message}, {@code request_id} when the record was
 * logged while serving a call, and {@code error} (exception class and message, no stack) when
 * one is attached. Thread-safe.
 */
public final class JsonLogFormatter extends Formatter {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String format(LogRecord record) {
    ObjectNode o = JSON.createObjectNode();
    o.put("time", Instant.ofEpochMilli(record.getMillis()).toString());
    o.put("level", record.getLevel().getName());
    o.put("logger", record.getLoggerName());
    o.put("message", formatMessage(record));
    String id = RequestLogInterceptor.current();
    if (id != null) {
      o.put("request_id", id);
    }
    if (record.getThrown() != null) {
      o.put("error", record.getThrown().toString());
    }
    try {
      return JSON.writeValueAsString(o) + System.lineSeparator();
    } catch (JsonProcessingException e) {
      return "{\"level\":\"SEVERE\",\"message\":\"unformattable log record\"}"
          + System.lineSeparator();
    }
  }
}
