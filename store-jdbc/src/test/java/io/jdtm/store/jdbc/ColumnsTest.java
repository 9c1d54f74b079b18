package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ColumnsTest {
  @Test
  void upperBound_prefix_isTheLeastStringAfterEveryExtension() {
    assertThat(Reads.upperBound("q-saga")).contains("q-sagb");
    assertThat(Reads.upperBound("q_%")).contains("q_&");
    assertThat(Reads.upperBound("a\uffff")).contains("b");
    assertThat(Reads.upperBound("\uffff")).isEmpty();
  }
}
