package org.blindmatch.server.logging;

import java.io.OutputStream;
import java.util.Locale;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;
import org.blindmatch.crypto.io.Excerpt;

/** The server log format chosen by the {@code log_format} config key. */
public enum LogFormat {
  /** The JDK's default console format (two lines per record, on standard error). */
  TEXT,
  /** One JSON object per line on standard error ({@link JsonLogFormatter}). */
  JSON;

  /**
   * Parses a config value ({@code text} or {@code json}).
   *
   * @throws IllegalArgumentException naming the allowed values
   */
  public static LogFormat parse(String value) {
    return switch (value) {
      case "text" -> TEXT;
      case "json" -> JSON;
      default -> throw new IllegalArgumentException(Excerpt.quote(value) + " is not text or json");
    };
  }

  /** The config spelling. */
  public String configValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Makes this the format of the process's root logger: for {@link #JSON}, replaces its
   * handlers by one writing JSON lines to standard error; {@link #TEXT} leaves the JDK
   * default. Process-wide; call once at start-up, before serving.
   */
  public void installProcessWide() {
    if (this == JSON) {
      Logger root = Logger.getLogger("");
      for (Handler h : root.getHandlers()) {
        root.removeHandler(h);
      }
      root.addHandler(jsonHandler(System.err));
    }
  }

  /** A handler writing one JSON object per line to {@code out}, flushed per record. */
  public static Handler jsonHandler(OutputStream out) {
    StreamHandler h = new StreamHandler(out, new JsonLogFormatter()) {
      @Override
      public synchronized void publish(LogRecord record) {
        super.publish(record);
        flush();
      }
    };
    return h;
  }
}
