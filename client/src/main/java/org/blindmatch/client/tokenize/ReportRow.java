package org.blindmatch.client.tokenize;

import org.blindmatch.crypto.ip.AddressClass;
import org.blindmatch.crypto.ip.AddressClassifier;
import org.blindmatch.crypto.ip.IpAddress;
import org.blindmatch.crypto.ip.IpParseException;
import org.blindmatch.crypto.ip.IpParser;
import org.blindmatch.crypto.time.TimeParseException;
import org.blindmatch.crypto.time.TimestampFormat;
import org.blindmatch.crypto.token.HmacTokenDeriver;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.blindmatch.crypto.scope.Scope;

/**
 * Canonicalisation of one report row ({@code record_id,ip,timestamp}), shared by
 * {@code blindmatch tokenize} and the Spark job so both accept, skip and count rows
 * identically. Pure functions; thread-safe.
 */
public final class ReportRow {
  /** Default column names, in order. */
  public static final String[] COLUMNS = {"record_id", "ip", "timestamp"};

  private ReportRow() {}

  /**
   * The event's address: parsed strictly ({@code a.b.c.d[:port]}, IPv6, {@code [v6]:port};
   * surrounding spaces and tabs ignored) and required to be globally routable.
   *
   * @throws RowSkip {@code bad_ip}, or a policy skip {@code non_routable:<class>}
   */
  public static IpAddress address(CharSequence ip) throws RowSkip {
    IpAddress address;
    try {
      address = IpParser.parseEndpoint(trimmed(ip));
    } catch (IpParseException e) {
      throw RowSkip.bad("ip", "bad_ip", e.reason().description());
    }
    AddressClass cls = AddressClassifier.classify(address);
    if (cls != AddressClass.GLOBAL) {
      throw RowSkip.policy("non_routable:" + cls.reason());
    }
    return address;
  }

  /**
   * The event's time in epoch seconds under {@code format}.
   *
   * @param field the column name used in the skip
   * @throws RowSkip {@code bad_timestamp}
   */
  public static long epochSecond(CharSequence time, TimestampFormat format, String field)
      throws RowSkip {
    if (time.length() == 0) {
      throw RowSkip.bad(field, "bad_timestamp", "empty");
    }
    try {
      return format.parseEpochSecond(time);
    } catch (TimeParseException e) {
      throw RowSkip.bad(field, "bad_timestamp", e.problem()
          + " (file format: " + format.cliName() + ")");
    }
  }

  /**
   * Writes the event's records, one per tier in tier order, to {@code out[off]}: token of
   * the address masked to the tier's prefix in the event's bucket, the handle at
   * {@code handles[handleOff]}, the tier number. Returns the number of bytes written.
   *
   * @param scratch at least 32 bytes, overwritten
   */
  public static int records(HmacTokenDeriver deriver, IpAddress address, long epochSecond,
      byte[] handles, int handleOff, byte[] scratch, byte[] out, int off) {
    Scope scope = deriver.scope();
    int tiers = scope.tiers().size();
    int p = off;
    for (int t = 0; t < tiers; t++) {
      long bucket = scope.tier(t).bucketWidth().bucketOf(epochSecond);
      deriver.derive(t, address, bucket, scratch, out, p + TokenRecord.TOKEN_OFFSET);
      System.arraycopy(handles, handleOff, out, p + TokenRecord.HANDLE_OFFSET,
          HandleDeriver.LENGTH);
      out[p + TokenRecord.TIER_OFFSET] = (byte) t;
      p += TokenRecord.LENGTH;
    }
    return p - off;
  }

  /** The value without surrounding ASCII spaces and tabs (CSV exports often pad). */
  public static CharSequence trimmed(CharSequence s) {
    int start = 0;
    int end = s.length();
    while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
      start++;
    }
    while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
      end--;
    }
    return start == 0 && end == s.length() ? s : s.subSequence(start, end);
  }
}
