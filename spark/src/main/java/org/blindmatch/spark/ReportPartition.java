package org.blindmatch.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.spark.sql.Row;
import org.blindmatch.client.tokenize.HandleDeriver;
import org.blindmatch.client.tokenize.ReportRow;
import org.blindmatch.client.tokenize.RowSkip;
import org.blindmatch.crypto.ip.IpAddress;
import org.blindmatch.crypto.token.HmacTokenDeriver;
import org.blindmatch.crypto.tokenfile.TokenFileHeader;
import org.blindmatch.crypto.tokenfile.TokenRecord;

/**
 * Report events ({@code record_id, ip, timestamp, file}) to report records, with the checks,
 * reasons and order of {@code blindmatch tokenize --reports} ({@link ReportRow}). A record
 * id gets a mapping line whenever it differs from the previous row's, as in the CLI.
 */
final class ReportPartition extends PartitionTokenizer {
  private static final long serialVersionUID = 1L;
  private static final int BATCH = 4096;

  ReportPartition(PartSettings settings, ReasonCounts counts) {
    super(settings, counts, TokenFileHeader.Role.REPORT);
  }

  @Override
  RowHandler handler(HmacTokenDeriver deriver, HandleDeriver handles) {
    return new Handler(deriver, handles);
  }

  @Override
  void flushHandler(RowHandler handler) throws IOException {
    ((Handler) handler).flush();
  }

  private final class Handler implements RowHandler {
    private final HmacTokenDeriver deriver;
    private final HandleDeriver handles;
    private final int recordBytes;
    private final byte[] records;
    private final byte[] scratch = new byte[32];
    private final byte[] handle = new byte[HandleDeriver.LENGTH];
    private int used;
    private Sink sink;
    private String lastId;

    Handler(HmacTokenDeriver deriver, HandleDeriver handles) {
      this.deriver = deriver;
      this.handles = handles;
      this.recordBytes = deriver.scope().tiers().size() * TokenRecord.LENGTH;
      this.records = new byte[BATCH * recordBytes];
    }

    @Override
    public void row(Row in, Sink out) throws IOException {
      sink = out;
      String id = in.getString(0);
      if (missing(in)) {
        out.skip(in, id, "row", "missing_field", "lacks a field the header names", false);
        return;
      }
      if (id == null || id.isEmpty()) {
        out.skip(in, id, "record_id", "empty_record_id", "empty", false);
        return;
      }
      IpAddress address;
      long epochSecond;
      try {
        address = ReportRow.address(text(in, 1));
        epochSecond = ReportRow.epochSecond(ReportRow.trimmed(text(in, 2)),
            settings.timeFormat(), "timestamp");
      } catch (RowSkip skip) {
        out.skip(in, id, skip.field(), skip.reasonKey(), skip.detail(), skip.policy());
        return;
      }
      if (!id.equals(lastId)) {
        lastId = id;
        byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
        handles.derive(bytes, bytes.length, handle, 0);
        out.mapping(handle, id);
      }
      used += ReportRow.records(deriver, address, epochSecond, handle, 0, scratch, records, used);
      if (used == records.length) {
        flush();
      }
    }

    void flush() throws IOException {
      if (used > 0) {
        sink.tokens.write(records, 0, used / TokenRecord.LENGTH);
        used = 0;
      }
    }
  }
}
