package io.jdtm;

import io.jdtm.internal.JacksonCodec;

/**
 * Turns branch payloads into bytes for the store and back. The default is JSON through Jackson 3
 * with no polymorphic type ids (no class name in a payload is ever honoured) and limits on
 * nesting depth and string length. Implementations must be thread-safe.
 */
public interface Codec {
  /** Default limit on nesting depth when decoding. */
  int DEFAULT_MAX_DEPTH = 64;

  /**
   * Encodes a value.
   *
   * @throws PayloadCodecException when the value cannot be encoded
   */
  byte[] encode(Object value);

  /**
   * Decodes bytes into {@code type}.
   *
   * @throws PayloadCodecException when the bytes are malformed, too deep, or do not fit the type
   */
  <T> T decode(byte[] bytes, Class<T> type);

  /** The media type of encoded payloads, sent as Content-Type to HTTP targets. */
  default String mediaType() {
    return "application/json";
  }

  /** The default JSON codec (Jackson 3, no polymorphic typing, depth limit 64). */
  static Codec json() {
    return JacksonCodec.DEFAULT;
  }

  /** A JSON codec with a custom nesting depth limit. */
  static Codec json(int maxDepth) {
    return new JacksonCodec(maxDepth);
  }
}
