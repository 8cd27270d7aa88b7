package org.blindmatch.client.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 4180 parsing, line numbers and errors. Every case runs with the input delivered whole,
 * one byte per read, and in 7-byte pieces: an InputStream may return any positive count.
 */
class CsvReaderTest {
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  /** A record as read: its start line and fields. */
  record Rec(long line, List<String> fields) {
    @Override
    public String toString() {
      return line + ":" + fields;
    }
  }

  /** Delivers at most {@code chunk} bytes per read (0 = no limit). */
  static InputStream chunked(byte[] bytes, int chunk) {
    return new ByteArrayInputStream(bytes) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, chunk == 0 ? len : Math.min(len, chunk));
      }
    };
  }

  static List<Rec> parse(byte[] bytes, int chunk) throws IOException, CsvException {
    List<Rec> out = new ArrayList<>();
    try (CsvReader csv = new CsvReader(chunked(bytes, chunk), "in.csv")) {
      while (csv.next()) {
        List<String> fields = new ArrayList<>();
        for (int i = 0; i < csv.fieldCount(); i++) {
          fields.add(csv.field(i));
        }
        out.add(new Rec(csv.line(), fields));
      }
    }
    return out;
  }

  static List<Rec> parse(String text, int chunk) throws IOException, CsvException {
    return parse(text.getBytes(StandardCharsets.UTF_8), chunk);
  }

  static Rec rec(long line, String... fields) {
    return new Rec(line, List.of(fields));
  }

  static CsvException error(String text, int chunk) {
    return assertThrows(CsvException.class, () -> parse(text, chunk));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 7})
  void plainFields(int chunk) throws Exception {
    assertEquals(List.of(rec(1, "a", "b", "c"), rec(2, "1", "", "3"), rec(3, "", "", "")),
        parse("a,b,c\n1,,3\n,,\n", chunk));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 7})
  void lastLineWithoutNewline(int chunk) throws Exception {
    assertEquals(List.of(rec(1, "a", "b"), rec(2, "c", "d")), parse("a,b\nc,d", chunk));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 7})
  void quotedFieldsWithCommas(int chunk) throws Exception {
    assertEquals(List.of(rec(1, "KK Park, Myawaddy", "1.2.3.4", ""), rec(2, "x", ",", ",,")),
        parse("\"KK Park, Myawaddy\",1.2.3.4,\"\"\nx,\",\",\",,\"\n", chunk));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 7})
  void escapedQuotes(int chunk) throws Exception {
    assertEquals(List.of(rec(1, "say \"hi\"", "\"", "\"\"", "a\"b")),
        parse("\"say \"\"hi\"\"\",\"\"\"\",\"\"\"\"\"\",a\"b\n", chunk));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 7})
  void embeddedNewlinesKeepLineNumbersRight(int chunk) throws Exception {
    String text = "h1,h2\n\"two\nlines\",x\n\"three\r\nline\n\",y\nafter,z\n";
    assertEquals(List.of(rec(1, "h1", "h2"), rec(2, "two\nlines", "x"),
        rec(4, "three\r\nline\n", "y"), rec(7, "after", "z")), parse(text, chunk));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 7})
  void crlfLineEndings(int chunk) throws Exception {
    assertEquals(List.of(rec(1, "a", "b"), rec(2, "c", ""), rec(3, "q", "d"), rec(4, "e", "f")),
        parse("a,b\r\nc,\r\n\"q\",d\r\ne,f\r\n", chunk));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 7})
  void byteOrderMarkIsSkipped(int chunk) throws Exception {
    byte[] body = "record_id,ip\nR-1,1.2.3.4\n".getBytes(StandardCharsets.UTF_8);
    byte[] bytes = new byte[BOM.length + body.length];
    System.arraycopy(BOM, 0, bytes, 0, 3);
    System.arraycopy(body, 0, bytes, 3, body.length);
    assertEquals(List.of(rec(1, "record_id", "ip"), rec(2, "R-1", "1.2.3.4")),
        parse(bytes, chunk));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1})
  void byteOrderMarkAloneIsAnEmptyFile(int chunk) throws Exception {
    assertEquals(List.of(), parse(BOM, chunk));
    assertEquals(List.of(), parse(new byte[0], chunk));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1})
  void aByteOrderMarkLaterIsData(int chunk) throws Exception {
    byte[] bytes = "a\n\uFEFFb\n".getBytes(StandardCharsets.UTF_8);
    assertEquals(List.of(rec(1, "a"), rec(2, "\uFEFFb")), parse(bytes, chunk));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 7})
  void blankLinesAreSkippedButCounted(int chunk) throws Exception {
    assertEquals(List.of(rec(3, "a", "b"), rec(6, "c", "d"), rec(8, "")),
        parse("\n\r\na,b\n\n\r\nc,d\n\n\"\"\n\n", chunk));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 7})
  void unterminatedQuoteNamesTheRecordLine(int chunk) {
    CsvException e = error("h\nok\n\"never\nclosed,\n\nat all\n", chunk);
    assertTrue(e.getMessage().startsWith("in.csv:3: unterminated quoted field"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 7})
  void textAfterClosingQuoteIsAnError(int chunk) {
    CsvException e = error("h\n\"a\"b,c\n", chunk);
    assertTrue(e.getMessage().startsWith("in.csv:2: text after the closing quote"),
        e.getMessage());
    CsvException e2 = error("h\nx,\"a\" ,c\n", chunk);
    assertTrue(e2.getMessage().startsWith("in.csv:2: "), e2.getMessage());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 7})
  void utf8IsDecoded(int chunk) throws Exception {
    assertEquals(List.of(rec(1, "Mỹ Đình", "日本", "ü")),
        parse("Mỹ Đình,\"日本\",ü\n", chunk));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1})
  void quoteAcrossTheInternalBufferBoundary(int chunk) throws Exception {
    // the closing quote pair of an escaped quote lands on the 64 KiB refill boundary
    for (int pad = (1 << 16) - 4; pad <= (1 << 16) + 1; pad++) {
      String field = "x".repeat(pad - 1);
      String text = "\"" + field + "\"\"y\",z\n" + "next,1\n";
      List<Rec> recs = parse(text, chunk);
      assertEquals(List.of(rec(1, field + "\"y", "z"), rec(2, "next", "1")), recs,
          "pad " + pad);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0})
  void overLongRecordIsAnError(int chunk) {
    String text = "a\n" + "b".repeat(CsvReader.MAX_RECORD_BYTES + 1) + "\n";
    CsvException e = error(text, chunk);
    assertTrue(e.getMessage().startsWith("in.csv:2: record longer than"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1})
  void viewsAndComparisons(int chunk) throws Exception {
    try (CsvReader csv = new CsvReader(chunked("ab,\"c,d\",\n".getBytes(StandardCharsets.UTF_8),
        chunk), "in.csv")) {
      assertTrue(csv.next());
      assertEquals(3, csv.fieldCount());
      assertEquals("ab", csv.view(0).toString());
      assertEquals("c,d", csv.view(1).toString());
      assertEquals(3, csv.fieldLength(1));
      assertTrue(csv.isEmpty(2));
      assertFalse(csv.isEmpty(0));
      assertTrue(csv.fieldEquals(1, "c,d!".getBytes(StandardCharsets.US_ASCII), 3));
      assertEquals("c,d", new String(Arrays.copyOf(csv.copyField(1, new byte[1]), 3),
          StandardCharsets.US_ASCII));
      assertFalse(csv.next());
    }
  }
}
