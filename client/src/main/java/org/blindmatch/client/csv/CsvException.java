package org.blindmatch.client.csv;

/** A CSV file that cannot be parsed at a given line; fatal for the whole file. */
public final class CsvException extends Exception {
  private static final long serialVersionUID = 1L;

  public CsvException(String message) {
    super(message);
  }
}
