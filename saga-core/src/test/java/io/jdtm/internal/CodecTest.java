package io.jdtm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.Codec;
import io.jdtm.PayloadCodecException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CodecTest {
  record Transfer(String account, long amount) {}

  private final Codec codec = Codec.json();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void record_roundTrips() {
    Transfer t = new Transfer("Ä-1", 30);

    assertThat(codec.decode(codec.encode(t), Transfer.class)).isEqualTo(t);
  }

  @Test
  void decode_classNameTypeIds_areIgnoredAndInstantiateNothing() {
    byte[] hostile = utf8("{\"@class\":\"java.lang.ProcessBuilder\",\"command\":[\"x\"],"
        + "\"@type\":\"java.net.URL\"}");

    Object decoded = codec.decode(hostile, Object.class);

    assertThat(decoded).isInstanceOf(Map.class);
    assertThat(((Map<?, ?>) decoded).get("@class")).isEqualTo("java.lang.ProcessBuilder");
  }

  @Test
  void decode_arrayWrappedTypeId_intoObject_staysPlainData() {
    Object decoded = codec.decode(utf8("[\"java.lang.Runtime\",{}]"), Object.class);

    assertThat(decoded).isInstanceOf(java.util.List.class);
  }

  @Test
  void decode_tooDeep_isRejected() {
    String deep = "[".repeat(100) + "]".repeat(100);

    assertThatThrownBy(() -> codec.decode(utf8(deep), Object.class))
        .isInstanceOf(PayloadCodecException.class)
        .hasMessageContaining("cannot decode payload");
    assertThat(Codec.json(200).decode(utf8(deep), Object.class)).isNotNull();
  }

  @Test
  void decode_malformedOrWrongShape_isRejected() {
    assertThatThrownBy(() -> codec.decode(utf8("{\"account\":"), Transfer.class))
        .isInstanceOf(PayloadCodecException.class).hasMessageContaining(Transfer.class.getName());
    assertThatThrownBy(() -> codec.decode(utf8("[1,2]"), Transfer.class))
        .isInstanceOf(PayloadCodecException.class);
  }

  @Test
  void depthLimit_outOfRange_isRejected() {
    assertThatThrownBy(() -> Codec.json(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
