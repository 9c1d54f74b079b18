package io.jdtm.internal;

import io.jdtm.Codec;
import io.jdtm.PayloadCodecException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The default {@link Codec}: JSON via Jackson 3. Polymorphic typing is never enabled, so a type id
 * or class name inside a payload cannot make it instantiate anything but the declared type.
 * Decoding limits nesting depth and string length. Thread-safe.
 */
public final class JacksonCodec implements Codec {
  /** The shared default instance. */
  public static final JacksonCodec DEFAULT = new JacksonCodec(DEFAULT_MAX_DEPTH);

  private static final int MAX_STRING_LENGTH = 16 * 1024 * 1024;

  private final JsonMapper mapper;

  public JacksonCodec(int maxDepth) {
    if (maxDepth < 1 || maxDepth > 1000) {
      throw new IllegalArgumentException("max depth must be 1 to 1000, was " + maxDepth);
    }
    JsonFactory factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(maxDepth)
            .maxStringLength(MAX_STRING_LENGTH)
            .build())
        .build();
    this.mapper = JsonMapper.builder(factory)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .build();
  }

  /**
   * What went wrong and where, without the offending value (payload values may be secrets, and
   * Jackson's own messages quote them). The cause is not attached for the same reason.
   */
  private static String describe(JacksonException e) {
    if (e instanceof StreamConstraintsException) {
      return e.getOriginalMessage();
    }
    StringBuilder sb = new StringBuilder(e.getClass().getSimpleName());
    if (!e.getPath().isEmpty()) {
      sb.append(" at ").append(e.getPathReference());
    }
    if (e.getLocation() != null && e.getLocation().getLineNr() > 0) {
      sb.append(" (line ").append(e.getLocation().getLineNr()).append(", column ")
          .append(e.getLocation().getColumnNr()).append(')');
    }
    return sb.toString();
  }

  @Override
  public byte[] encode(Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (JacksonException e) {
      throw new PayloadCodecException("cannot encode payload of type "
          + (value == null ? "null" : value.getClass().getName()) + ": " + describe(e), null);
    }
  }

  @Override
  public <T> T decode(byte[] bytes, Class<T> type) {
    try {
      return mapper.readValue(bytes, type);
    } catch (JacksonException e) {
      throw new PayloadCodecException(
          "cannot decode payload as " + type.getName() + ": " + describe(e), null);
    }
  }
}
