package org.blindmatch.spark;

import java.nio.charset.StandardCharsets;
import org.apache.spark.sql.Row;
import org.blindmatch.client.tokenize.HandleDeriver;
import org.blindmatch.client.tokenize.ReportRow;
import org.blindmatch.client.tokenize.RowSkip;
import org.blindmatch.crypto.ip.IpAddress;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.tokenfile.TokenFileHeader;

/**
 * Report events ({@code record_id, ip, timestamp, file}) to report records, with the checks,
 * reasons and order of {@code blindmatch tokenize --reports} ({@link ReportRow}). A record
 * id gets a mapping line whenever it differs from the previous row's, as in the CLI.
 */
final class ReportPartition extends PartitionTokenizer {
  private static final long serialVersionUID = 1L;

  ReportPartition(PartSettings settings, ReasonCounts counts) {
    super(settings, counts, TokenFileHeader.Role.REPORT);
  }

  @Override
  RowHandler handler(Scope scope, HandleDeriver handles) {
    byte[] handle = new byte[HandleDeriver.LENGTH];
    String[] lastId = {null};
    return (in, out) -> {
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
      if (!id.equals(lastId[0])) {
        lastId[0] = id;
        byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
        handles.derive(bytes, bytes.length, handle, 0);
        out.mapping(handle, id);
      }
      out.accepted.event(address, epochSecond, handle);
    };
  }
}
