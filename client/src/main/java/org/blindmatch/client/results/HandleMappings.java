package org.blindmatch.client.results;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.blindmatch.client.csv.CsvException;
import org.blindmatch.client.csv.CsvReader;
import org.blindmatch.client.tokenize.InputException;

/**
 * Resolves handles back to the owner's record ids or labels from its mapping files, keeping
 * only the handles asked for (mapping files can be as large as the input).
 */
public final class HandleMappings {
  private HandleMappings() {}

  /** Reads {@code files} and returns hex handle → id for the {@code wanted} hex handles. */
  public static Map<String, String> resolve(List<Path> files, Set<String> wanted)
      throws InputException {
    Map<String, String> out = new HashMap<>();
    for (Path f : files) {
      try (InputStream in = Files.newInputStream(f);
          CsvReader csv = new CsvReader(in, f.toString())) {
        if (!csv.next() || csv.fieldCount() < 2 || !csv.field(0).equals("handle")) {
          throw new InputException(f + ": not a blindmatch mapping file (header handle,...)");
        }
        while (csv.next()) {
          if (csv.fieldCount() < 2) {
            continue;
          }
          String handle = csv.field(0);
          if (wanted.contains(handle)) {
            out.put(handle, csv.field(1));
          }
        }
      } catch (IOException e) {
        throw new InputException(f + ": cannot read: " + e.getMessage());
      } catch (CsvException e) {
        throw new InputException(e.getMessage());
      }
    }
    return out;
  }

  static String hex(com.google.protobuf.ByteString b) {
    return HexFormat.of().formatHex(b.toByteArray());
  }
}
