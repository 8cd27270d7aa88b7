package org.blindmatch.crypto.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * The one reader of every YAML (and JSON) file the project reads: scope files, server
 * configurations, node profiles, Spark job files.
 *
 * <p>Stricter than YAML: a key twice in one mapping is an error naming the line of both
 * (YAML says keys are unique; Jackson and SnakeYAML would let the later value win, and a scope
 * is the agreement every party signs up to); anchors and aliases are refused (Jackson reads an
 * alias as the anchor's <em>name</em>, silently wrong); so is a second document in the stream
 * and nesting deeper than {@value #MAX_DEPTH}. A file over {@value #MAX_BYTES} bytes is refused
 * before it is parsed — these files are exchanged between parties, and a 20 MB scalar would
 * otherwise keep the parser busy for minutes; the parser's own limits (SnakeYAML
 * {@link LoaderOptions} code points, aliases, nesting; Jackson's {@link StreamReadConstraints})
 * are set to the same bounds as a second line of defence. Text must be UTF-8.
 *
 * <p>Messages name the file, the line and the dotted key path ({@code tiers[0].name}) and
 * quote values only as an {@link Excerpt}. Stateless and thread-safe.
 */
public final class StrictYaml {
  /** The largest file accepted, in bytes (1 MiB; the largest real file is a few KiB). */
  public static final int MAX_BYTES = 1 << 20;

  /** The deepest nesting of mappings and lists accepted. */
  public static final int MAX_DEPTH = 16;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final StreamReadConstraints CONSTRAINTS =
      StreamReadConstraints.builder()
          .maxStringLength(MAX_BYTES)
          .maxNameLength(MAX_BYTES)
          .maxNestingDepth(MAX_DEPTH + 1)
          .maxNumberLength(100)
          .maxDocumentLength(MAX_BYTES)
          .build();
  private static final YAMLFactory YAML = YAMLFactory.builder()
      .loaderOptions(loaderOptions())
      .streamReadConstraints(CONSTRAINTS)
      .build();
  private static final JsonFactory JSON =
      JsonFactory.builder().streamReadConstraints(CONSTRAINTS).build();

  private StrictYaml() {}

  /**
   * Reads {@code file}: JSON if its name ends in {@code .json}, else YAML.
   *
   * @param what what the file is, for messages ({@code "scope file"}, {@code "profile"})
   * @return the document's root, or null if the file holds no document
   * @throws YamlException naming the file (and line and key where one applies) with the reason
   */
  public static JsonNode read(Path file, String what) throws YamlException {
    byte[] bytes;
    try {
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw tooLarge(file.toString(), size);
      }
      try (InputStream in = Files.newInputStream(file)) {
        bytes = in.readNBytes(MAX_BYTES + 1);
      }
    } catch (NoSuchFileException e) {
      throw new YamlException(file + ": no such " + what);
    } catch (IOException e) {
      throw new YamlException(file + ": cannot read " + what + ": " + e.getMessage());
    }
    if (bytes.length > MAX_BYTES) {
      throw tooLarge(file.toString(), bytes.length);
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new YamlException(file + ": not UTF-8 text");
    }
    return parse(text, file.toString(), file.getFileName().toString().endsWith(".json"));
  }

  /**
   * Parses {@code text} with the same rules as {@link #read}; {@code source} names it in
   * messages.
   *
   * @return the document's root, or null if the text holds no document
   * @throws YamlException naming the source, line and key with the reason
   */
  public static JsonNode parse(String text, String source, boolean json) throws YamlException {
    if (text.length() > MAX_BYTES) {
      throw new YamlException(source + ": " + text.length() + " characters is more than the "
          + MAX_BYTES + " (1 MiB) such a file may have; refused before parsing");
    }
    String format = json ? "JSON" : "YAML";
    try (JsonParser p = (json ? JSON : YAML).createParser(text)) {
      if (p.nextToken() == null) {
        return null;
      }
      JsonNode root = new Reader(p, source).value("", 0);
      JsonToken extra = p.nextToken();
      if (extra != null) {
        throw new YamlException(source + ": line " + line(p.currentTokenLocation())
            + ": a second " + (json ? "value" : "document") + "; a " + format
            + " file here holds exactly one");
      }
      return root;
    } catch (JsonProcessingException e) {
      throw new YamlException(source + ": line " + line(e.getLocation()) + ": not valid "
          + format + ": " + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new YamlException(source + ": cannot parse: " + firstLine(e.getMessage()));
    } catch (org.yaml.snakeyaml.error.YAMLException e) {
      // SnakeYAML's own limits (LoaderOptions) throw this unchecked, unwrapped by Jackson.
      throw new YamlException(source + ": not valid " + format + ": "
          + firstLine(e.getMessage()));
    }
  }

  private static YamlException tooLarge(String source, long size) {
    return new YamlException(source + ": " + size + " bytes is larger than the " + MAX_BYTES
        + " bytes (1 MiB) such a file may have; refused before parsing");
  }

  private static LoaderOptions loaderOptions() {
    LoaderOptions o = new LoaderOptions();
    o.setCodePointLimit(MAX_BYTES);
    o.setMaxAliasesForCollections(0);
    o.setAllowRecursiveKeys(false);
    o.setNestingDepthLimit(MAX_DEPTH);
    // Duplicates are refused by the Reader, which names the key's path and both lines; with
    // false here Jackson would refuse them first, naming neither.
    o.setAllowDuplicateKeys(true);
    return o;
  }

  /** Builds the tree from the token stream, checking what the parser lets through. */
  private static final class Reader {
    private final JsonParser p;
    private final String source;

    Reader(JsonParser p, String source) {
      this.p = p;
      this.source = source;
    }

    /** The value at the current token; leaves the parser on its last token. */
    JsonNode value(String path, int depth) throws IOException, YamlException {
      checkNoAlias(path);
      JsonToken t = p.currentToken();
      switch (t) {
        case START_OBJECT -> {
          checkDepth(path, depth);
          ObjectNode o = NODES.objectNode();
          Map<String, Integer> firstLine = new HashMap<>();
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            int at = line(p.currentTokenLocation());
            String keyPath = path.isEmpty() ? Excerpt.key(key) : path + "." + Excerpt.key(key);
            Integer before = firstLine.putIfAbsent(key, at);
            if (before != null) {
              throw new YamlException(source + ": line " + at + ": " + keyPath
                  + ": duplicate key (first on line " + before + "); each key may appear once");
            }
            p.nextToken();
            o.set(key, value(keyPath, depth + 1));
          }
          return o;
        }
        case START_ARRAY -> {
          checkDepth(path, depth);
          ArrayNode a = NODES.arrayNode();
          int i = 0;
          while (p.nextToken() != JsonToken.END_ARRAY) {
            a.add(value(path + "[" + i++ + "]", depth + 1));
          }
          return a;
        }
        case VALUE_STRING -> {
          return NODES.textNode(p.getText());
        }
        case VALUE_NUMBER_INT -> {
          return switch (p.getNumberType()) {
            case INT -> NODES.numberNode(p.getIntValue());
            case LONG -> NODES.numberNode(p.getLongValue());
            default -> NODES.numberNode(p.getBigIntegerValue());
          };
        }
        case VALUE_NUMBER_FLOAT -> {
          return NODES.numberNode(p.getDoubleValue());
        }
        case VALUE_TRUE, VALUE_FALSE -> {
          return NODES.booleanNode(t == JsonToken.VALUE_TRUE);
        }
        case VALUE_NULL -> {
          return NODES.nullNode();
        }
        default -> throw new YamlException(source + ": line " + line(p.currentTokenLocation())
            + ": " + where(path) + "unsupported value (" + t + ")");
      }
    }

    private void checkNoAlias(String path) throws IOException, YamlException {
      boolean alias = p instanceof YAMLParser y && y.isCurrentAlias();
      if (alias || p.getObjectId() != null) {
        throw new YamlException(source + ": line " + line(p.currentTokenLocation()) + ": "
            + where(path) + "YAML anchors (&name) and aliases (*name) are not accepted; "
            + "write the value out");
      }
    }

    private void checkDepth(String path, int depth) throws YamlException {
      if (depth >= MAX_DEPTH) {
        throw new YamlException(source + ": line " + line(p.currentTokenLocation()) + ": "
            + where(path) + "nested deeper than " + MAX_DEPTH + " levels");
      }
    }

    private static String where(String path) {
      return path.isEmpty() ? "" : path + ": ";
    }
  }

  private static int line(JsonLocation at) {
    return at == null ? 0 : at.getLineNr();
  }

  /** A parser's message up to its first line break (later lines echo the file), escaped. */
  private static String firstLine(String message) {
    if (message == null) {
      return "malformed";
    }
    String first = message.lines().findFirst().orElse("").strip();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < first.length() && i < 200; i++) {
      char c = first.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04X", (int) c));
    }
    return out.toString();
  }
}
