package io.jdtm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class StderrCaptureTest {
  @Test
  void during_returnsWhatTheCodeWroteToStderr_andRestoresIt() {
    PrintStream before = System.err;

    String captured = StderrCapture.during(() -> System.err.println("héllo from the code"));

    assertThat(captured).isEqualTo("héllo from the code" + System.lineSeparator());
    assertThat(System.err).isSameAs(before);
  }

  @Test
  void during_codeThrows_restoresStderr() {
    PrintStream before = System.err;

    assertThatThrownBy(() -> StderrCapture.during(() -> {
      throw new IllegalStateException("boom");
    })).isInstanceOf(IllegalStateException.class).hasMessage("boom");
    assertThat(System.err).isSameAs(before);
  }
}
