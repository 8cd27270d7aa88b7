package org.blindmatch.core.claims;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A C2SP signed note (c2sp.org/signed-note): a text ending in a newline, a blank line, and one
 * or more signature lines {@code — <key name> base64(key id ‖ signature)}. Parsing is strict:
 * valid UTF-8, no control characters but newline, names without spaces or {@code +}, standard
 * base64, at most {@value #MAX_SIGNATURES} signatures and {@value #MAX_BYTES} bytes. Parsing
 * checks the form only; which signatures count is for the verifier ({@link Checkpoints}).
 * Immutable, thread-safe.
 *
 * @param text the signed text, ending in a newline (not the separating blank line)
 * @param signatures the signature lines in order
 */
public record SignedNote(String text, List<Signature> signatures) {
  /** More than the spec's minimum of 16, for a log signature plus many witnesses. */
  public static final int MAX_SIGNATURES = 64;
  /** A checkpoint with 64 Ed25519 signatures is far below this. */
  public static final int MAX_BYTES = 64 * 1024;
  static final String DASH = "\u2014 ";

  public SignedNote {
    signatures = List.copyOf(signatures);
  }

  /**
   * One signature line.
   *
   * @param name the key name
   * @param keyId the 32-bit key id (the first four signature bytes, big-endian)
   * @param signature the signature bytes after the key id (at least one)
   */
  public record Signature(String name, int keyId, byte[] signature) {
    public Signature {
      signature = signature.clone();
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }

    /** The line, with its trailing newline. */
    public String line() {
      byte[] raw = ByteBuffer.allocate(4 + signature.length).putInt(keyId).put(signature)
          .array();
      return DASH + name + " " + Base64.getEncoder().encodeToString(raw) + "\n";
    }
  }

  /** The note as sent: text, blank line, signature lines. */
  public String format() {
    StringBuilder out = new StringBuilder(text).append('\n');
    signatures.forEach(s -> out.append(s.line()));
    return out.toString();
  }

  /** This note with {@code more} signature lines appended. */
  public SignedNote with(List<Signature> more) {
    List<Signature> all = new ArrayList<>(signatures);
    all.addAll(more);
    return new SignedNote(text, all);
  }

  /**
   * Parses a signed note.
   *
   * @throws ClaimVerificationException naming what is malformed
   */
  public static SignedNote parse(byte[] bytes) throws ClaimVerificationException {
    if (bytes.length > MAX_BYTES) {
      throw malformed("it has " + bytes.length + " bytes, more than " + MAX_BYTES);
    }
    String note;
    try {
      note = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw malformed("it is not valid UTF-8");
    }
    for (int i = 0; i < note.length(); i++) {
      char c = note.charAt(i);
      if (c < 0x20 && c != '\n' || c == 0x7f) {
        throw malformed("it holds the control character U+"
            + String.format("%04X", (int) c) + " at offset " + i);
      }
    }
    int split = note.lastIndexOf("\n\n");
    if (split < 0) {
      throw malformed("there is no blank line before the signatures");
    }
    String text = note.substring(0, split + 1);
    String sigs = note.substring(split + 2);
    if (sigs.isEmpty() || !sigs.endsWith("\n")) {
      throw malformed("the signature lines do not end in a newline");
    }
    String[] lines = sigs.substring(0, sigs.length() - 1).split("\n", -1);
    if (lines.length > MAX_SIGNATURES) {
      throw malformed("it has " + lines.length + " signatures, more than " + MAX_SIGNATURES);
    }
    List<Signature> out = new ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      out.add(signatureLine(lines[i], i + 1));
    }
    return new SignedNote(text, out);
  }

  /** As {@link #parse(byte[])} for a note held as text. */
  public static SignedNote parse(String note) throws ClaimVerificationException {
    return parse(note.getBytes(StandardCharsets.UTF_8));
  }

  private static Signature signatureLine(String line, int n) throws ClaimVerificationException {
    if (!line.startsWith(DASH)) {
      throw malformed("signature line " + n + " does not start with an em dash and a space");
    }
    String rest = line.substring(DASH.length());
    int space = rest.indexOf(' ');
    if (space < 0 || rest.indexOf(' ', space + 1) >= 0) {
      throw malformed("signature line " + n + " is not '— <name> <base64>'");
    }
    String name = rest.substring(0, space);
    checkName(name, "signature line " + n);
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(rest.substring(space + 1));
    } catch (IllegalArgumentException e) {
      throw malformed("signature line " + n + " is not standard base64");
    }
    if (raw.length < 5) {
      throw malformed("signature line " + n + " has " + raw.length
          + " bytes, less than a key id and a signature");
    }
    byte[] sig = new byte[raw.length - 4];
    System.arraycopy(raw, 4, sig, 0, sig.length);
    return new Signature(name, ByteBuffer.wrap(raw, 0, 4).getInt(), sig);
  }

  /**
   * Checks a key name: non-empty, without Unicode spaces or {@code +}.
   *
   * @throws ClaimVerificationException naming {@code where} otherwise
   */
  public static void checkName(String name, String where) throws ClaimVerificationException {
    if (name.isEmpty()) {
      throw malformed(where + ": the key name is empty");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '+' || Character.isWhitespace(c) || Character.isSpaceChar(c) || c < 0x20) {
        throw malformed(where + ": the key name '" + name
            + "' holds a space or '+', which the format forbids");
      }
    }
  }

  private static ClaimVerificationException malformed(String why) {
    return new ClaimVerificationException("malformed signed note: " + why);
  }
}
